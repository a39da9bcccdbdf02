//! Messages (PROTOCOL.md §7, §9): room messages, direct messages, typing notices, read
//! receipts, history, and the direct messages a user has not been delivered yet.
//!
//! A direct message counts as delivered when a socket of its recipient was connected when it
//! was sent, or once the recipient fetched it (`requestMissedMessages`, or a `message:history`
//! page with the sender). Room messages are always in `message:history`.

use opsdeck_protocol::chat::{
    ChatUser, DmError, DmReceived, DmSend, MarkMessageRead, MessageHistory, MessageHistoryRequest,
    MessageRead, MessageReceived, MessageSend, MessageSent,
};
use opsdeck_protocol::compat::{DirectTyping, MissedMessageList, USER_TYPING, UserTyping};
use opsdeck_protocol::identity::user_room;
use opsdeck_protocol::{ErrorCode, ProtocolError, Validate, events};
use socketioxide::extract::SocketRef;

use super::naming::{RoomNotice, dm_fanout, new_message};
use super::rooms::{check, tell};
use crate::domain::cursor;
use crate::state::App;
use crate::store::chat::StoredMessage;
use crate::store::now;

/// Most direct messages one `requestMissedMessages` returns (the rest come with the next).
pub const MISSED_CAP: u32 = 500;

/// `message:send` (and `sendMessageToRoom`, §9): stores the message, then tells the room under
/// every naming. Sending to an unknown room id creates it (public), as joining does; a private
/// room takes messages only from those who may enter it.
pub async fn send(
    app: &App,
    socket: Option<&SocketRef>,
    user: &ChatUser,
    req: MessageSend,
) -> Result<MessageSent, ProtocolError> {
    req.validate()?;
    // Unknown rooms are created (public) with the message; `check` only refuses private ones.
    check(app, socket, user, &req.room_id).await?;
    let stored = app
        .store
        .insert_room_message(&req.room_id, user, &req.text, now())
        .await?;
    let m = MessageReceived {
        id: stored.message.id.clone(),
        room_id: req.room_id,
        sender: user.clone(),
        text: req.text,
        created_at: stored.message.created_at,
    };
    tell(app, socket, &m.room_id, RoomNotice::Message(&m)).await;
    Ok(MessageSent { message_id: m.id })
}

/// `dm:send` (and `private:message`, `POST /api/messages`): stores the message, then sends it
/// under every name (see `naming`). An unknown recipient is `not_found` with the message
/// "Recipient not found".
pub async fn dm(app: &App, user: &ChatUser, req: DmSend) -> Result<DmReceived, ProtocolError> {
    req.validate()?;
    if !app.store.user_exists(&req.recipient_id).await? {
        return Err(DmError::recipient_not_found());
    }
    let delivered = app.presence.is_online(&req.recipient_id);
    let stored = app
        .store
        .insert_dm(user, &req.recipient_id, &req.text, now(), delivered)
        .await?;
    let dm = DmReceived {
        id: stored.message.id,
        sender: user.clone(),
        recipient_id: req.recipient_id,
        text: stored.message.text,
        created_at: stored.message.created_at,
    };
    for out in dm_fanout(&dm) {
        app.emit_rooms(out.rooms, out.event, &out.payload).await;
    }
    Ok(dm)
}

/// `typing:start` / `typing:stop`: tells the others in the room. Nothing is stored; a room
/// that does not exist has nobody to tell.
pub async fn typing(
    app: &App,
    socket: &SocketRef,
    user: &ChatUser,
    room_id: &str,
    is_typing: bool,
) -> Result<(), ProtocolError> {
    if check(app, Some(socket), user, room_id).await? {
        let notice = RoomNotice::Typing { user, is_typing };
        tell(app, Some(socket), room_id, notice).await;
    }
    Ok(())
}

/// `typing` (§9): `userTyping` to every socket of the receiver.
pub async fn direct_typing(
    app: &App,
    user: &ChatUser,
    req: DirectTyping,
) -> Result<(), ProtocolError> {
    req.validate()?;
    let notice = UserTyping {
        user_id: user.id.clone(),
        is_typing: req.is_typing,
    };
    app.emit_rooms(vec![user_room(&req.receiver_id)], USER_TYPING, &notice)
        .await;
    Ok(())
}

/// Whether `user` may see stored message `m`: a direct message between them and someone, or
/// a message of a room they may use.
async fn may_see(app: &App, user: &ChatUser, m: &StoredMessage) -> Result<bool, ProtocolError> {
    let m = &m.message;
    if let Some(to) = &m.recipient_id {
        return Ok(*to == user.id || m.sender.id == user.id);
    }
    let Some(room) = &m.room_id else {
        return Ok(false);
    };
    match check(app, None, user, room).await {
        Ok(allowed) => Ok(allowed),
        Err(e) if e.code == ErrorCode::Forbidden => Ok(false),
        Err(e) => Err(e),
    }
}

/// `message:read`: the first read by each user sends the sender's sockets `message:read`
/// `{messageId, readBy}`. Reading one's own message, or again, sends nothing.
pub async fn read(app: &App, user: &ChatUser, req: MarkMessageRead) -> Result<(), ProtocolError> {
    req.validate()?;
    let found = app.store.message(&req.message_id).await?;
    let m = match found {
        Some(m) if may_see(app, user, &m).await? => m,
        _ => return Err(ProtocolError::not_found("no such message")),
    };
    if m.message.sender.id == user.id {
        return Ok(());
    }
    if app.store.mark_message_read(m.seq, &user.id, now()).await? {
        let receipt = MessageRead {
            message_id: m.message.id.clone(),
            read_by: user.id.clone(),
        };
        app.emit_rooms(
            vec![user_room(&m.message.sender.id)],
            events::MESSAGE_READ,
            &receipt,
        )
        .await;
    }
    Ok(())
}

/// `message:history`: a room's messages or the direct messages with a peer, newest first.
pub async fn history(
    app: &App,
    socket: &SocketRef,
    user: &ChatUser,
    req: MessageHistoryRequest,
) -> Result<MessageHistory, ProtocolError> {
    req.validate()?;
    let before = match &req.before {
        Some(b) => {
            Some(cursor::decode(b).ok_or_else(|| ProtocolError::bad_request("invalid cursor"))?)
        }
        None => None,
    };
    let limit = req.limit.unwrap_or(MessageHistoryRequest::DEFAULT);
    let (items, next) = match (&req.room_id, &req.peer_id) {
        (Some(room), _) => {
            if !check(app, Some(socket), user, room).await? {
                return Err(ProtocolError::not_found(format!("no room `{room}`")));
            }
            app.store.room_history(room, before, limit).await?
        }
        (None, Some(peer)) => {
            app.store
                .dm_history(&user.id, peer, before, limit, now())
                .await?
        }
        (None, None) => return Err(ProtocolError::bad_request("give `roomId` or `peerId`")),
    };
    Ok(MessageHistory {
        messages: items.into_iter().map(|m| m.message).collect(),
        next_cursor: next.map(cursor::encode),
    })
}

/// `requestMissedMessages` (§9): the caller's undelivered direct messages, oldest first, at
/// most [`MISSED_CAP`]; from now on they count as delivered.
pub async fn missed(app: &App, user: &ChatUser) -> Result<MissedMessageList, ProtocolError> {
    let taken = app
        .store
        .take_undelivered(&user.id, MISSED_CAP, now())
        .await?;
    let messages = taken
        .into_iter()
        .filter_map(|m| {
            let m = m.message;
            Some(new_message(&DmReceived {
                recipient_id: m.recipient_id?,
                id: m.id,
                sender: m.sender,
                text: m.text,
                created_at: m.created_at,
            }))
        })
        .collect();
    Ok(MissedMessageList { messages })
}
