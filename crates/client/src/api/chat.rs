//! §7 chat.

use opsdeck_protocol::chat::{
    DmSend, MarkMessageRead, MessageHistory, MessageHistoryRequest, MessageSend, MessageSent,
};
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
}
