//! §7 chat.

use opsdeck_protocol::chat::{
    ChatRoom, CreateRoom, DmConversation, DmConversations, DmSend, ListedRoom, MarkMessageRead,
    MessageHistory, MessageHistoryRequest, MessageSend, MessageSent, RoomCreated, RoomList,
};
use opsdeck_protocol::compat::{self, DirectTyping};
use opsdeck_protocol::events;
use serde_json::json;

use super::Done;
use crate::{Client, ClientError, Subscribed, Subscription};

impl Client {
    /// `room:join`: the room's messages, joins, leaves and typing notices; its messages are
    /// caught up after reconnects.
    pub async fn join_room(&self, room_id: &str) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Room {
            room_id: room_id.to_owned(),
        })
        .await
    }

    /// `room:leave`.
    pub async fn leave_room(&self, room_id: &str) -> Result<(), ClientError> {
        self.unsubscribe(&Subscription::Room {
            room_id: room_id.to_owned(),
        })
        .await
    }

    /// `message:send`.
    pub async fn send_message(&self, message: &MessageSend) -> Result<MessageSent, ClientError> {
        self.request(events::MESSAGE_SEND, message).await
    }

    /// `dm:send` (failures also come as `dm:error`).
    pub async fn send_dm(&self, message: &DmSend) -> Result<MessageSent, ClientError> {
        self.request(events::DM_SEND, message).await
    }

    /// `message:history`: newest first.
    pub async fn message_history(
        &self,
        request: &MessageHistoryRequest,
    ) -> Result<MessageHistory, ClientError> {
        self.request(events::MESSAGE_HISTORY, request).await
    }

    /// `typing:start` / `typing:stop` (no ack).
    pub async fn set_typing(&self, room_id: &str, typing: bool) -> Result<(), ClientError> {
        let event = if typing {
            events::TYPING_START
        } else {
            events::TYPING_STOP
        };
        self.emit(event, &json!({ "roomId": room_id })).await
    }

    /// `message:read`: a read receipt to the sender.
    pub async fn mark_message_read(&self, receipt: &MarkMessageRead) -> Result<(), ClientError> {
        self.request::<_, Done>(events::MESSAGE_READ, receipt)
            .await
            .map(|_| ())
    }

    /// `room:list`: public rooms and the private rooms this user may enter, each with whether
    /// the user is a member (Opsdeck addition; not to be confused with the admin
    /// [`Client::list_rooms`], which lists Socket.IO rooms).
    pub async fn chat_rooms(&self) -> Result<Vec<ListedRoom>, ClientError> {
        let list: RoomList = self.request(events::ROOM_LIST, &json!({})).await?;
        Ok(list.rooms)
    }

    /// `room:create`: a new room with this user (and `members`) as members; every socket
    /// hears `room:created`.
    pub async fn create_room(&self, room: &CreateRoom) -> Result<ChatRoom, ClientError> {
        let created: RoomCreated = self.request(events::ROOM_CREATE, room).await?;
        Ok(created.room)
    }

    /// `dm:conversations`: the people this user has exchanged direct messages with, most
    /// recent first.
    pub async fn dm_conversations(&self) -> Result<Vec<DmConversation>, ClientError> {
        let list: DmConversations = self.request(events::DM_CONVERSATIONS, &json!({})).await?;
        Ok(list.conversations)
    }

    /// `typing` (§9): a typing notice to one user (they get `userTyping`); no ack.
    pub async fn set_dm_typing(&self, peer_id: &str, typing: bool) -> Result<(), ClientError> {
        let notice = DirectTyping {
            receiver_id: peer_id.to_owned(),
            is_typing: typing,
        };
        self.emit(compat::TYPING, &notice).await
    }
}
