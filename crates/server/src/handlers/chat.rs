//! Chat events (PROTOCOL.md §7). Thin: decode (done by `on`), check the caller may chat, call
//! `crate::chat`, answer. The alternative names of §9 are in `compat.rs`; two of them share a
//! name with §7 and are decoded here: `message:send` `{conversationId, content}` and
//! `typing:start` / `typing:stop` `{conversationId}`.

use opsdeck_protocol::chat::{
    ChatUser, CreateRoom, DmConversations, DmSend, MarkMessageRead, MessageHistoryRequest,
    MessageSend, MessageSent, RoomCreated, RoomList, RoomRef,
};
use opsdeck_protocol::compat::{MessageSendAny, TypingRequestAny};
use opsdeck_protocol::{ProtocolError, Validate, events};
use serde::de::IgnoredAny;

use super::{Caller, Failure, Reply, Table, done, on, on_with, reply};
use crate::chat::naming::Naming;
use crate::chat::{self, messages, rooms};

pub(super) fn register(t: &mut Table) {
    on(t, events::ROOM_JOIN, room_join);
    on(t, events::ROOM_LEAVE, room_leave);
    on(t, events::MESSAGE_SEND, message_send);
    on_with(t, events::DM_SEND, Failure::DmError, dm_send);
    on(t, events::TYPING_START, typing_start);
    on(t, events::TYPING_STOP, typing_stop);
    on(t, events::MESSAGE_READ, message_read);
    on(t, events::MESSAGE_HISTORY, history);
    on(t, events::ROOM_LIST, room_list);
    on(t, events::ROOM_CREATE, room_create);
    on(t, events::DM_CONVERSATIONS, dm_conversations);
}

/// The caller as chat sees it; anonymous viewers and devices are `forbidden`.
pub(super) fn user(c: &Caller) -> Result<ChatUser, ProtocolError> {
    chat::chat_user(&c.ctx.identity)
}

/// Joins room `room_id` under `naming`; acks `{room}`.
pub(super) async fn join(c: Caller, room_id: &str, naming: Naming) -> Reply {
    let me = user(&c)?;
    reply(&rooms::join(&c.app, &c.socket, &me, room_id, naming).await?)
}

/// Leaves room `room_id`, whatever naming joined it.
pub(super) async fn leave(c: Caller, room_id: &str) -> Reply {
    let me = user(&c)?;
    rooms::leave(&c.app, &c.socket, &me, room_id).await?;
    done()
}

/// Stores and sends a room message; acks `{messageId}`.
pub(super) async fn send(c: Caller, m: MessageSend) -> Reply {
    let me = user(&c)?;
    reply(&messages::send(&c.app, Some(&c.socket), &me, m).await?)
}

/// Stores and sends a direct message; acks `{messageId}`.
pub(super) async fn dm(c: Caller, m: DmSend) -> Reply {
    let me = user(&c)?;
    let dm = messages::dm(&c.app, &me, m).await?;
    reply(&MessageSent { message_id: dm.id })
}

async fn room_join(c: Caller, r: RoomRef) -> Reply {
    r.validate()?;
    join(c, r.id(), Naming::Canonical).await
}

async fn room_leave(c: Caller, r: RoomRef) -> Reply {
    r.validate()?;
    leave(c, r.id()).await
}

/// `{roomId, text}` or (§9) `{conversationId, content}`: one room, whichever shape.
async fn message_send(c: Caller, m: MessageSendAny) -> Reply {
    m.validate()?;
    send(c, m.into_canonical()).await
}

async fn dm_send(c: Caller, m: DmSend) -> Reply {
    dm(c, m).await
}

async fn typing(c: Caller, t: TypingRequestAny, is_typing: bool) -> Reply {
    t.validate()?;
    let me = user(&c)?;
    messages::typing(&c.app, &c.socket, &me, t.room_id(), is_typing).await?;
    done()
}

async fn typing_start(c: Caller, t: TypingRequestAny) -> Reply {
    typing(c, t, true).await
}

async fn typing_stop(c: Caller, t: TypingRequestAny) -> Reply {
    typing(c, t, false).await
}

async fn message_read(c: Caller, r: MarkMessageRead) -> Reply {
    let me = user(&c)?;
    messages::read(&c.app, &me, r).await?;
    done()
}

async fn history(c: Caller, req: MessageHistoryRequest) -> Reply {
    let me = user(&c)?;
    reply(&messages::history(&c.app, &c.socket, &me, req).await?)
}

/// `room:list`: public rooms and the private rooms the caller may enter.
async fn room_list(c: Caller, _: IgnoredAny) -> Reply {
    let me = user(&c)?;
    reply(&RoomList {
        rooms: c.app.store.rooms_for(&me.id).await?,
    })
}

/// `room:create`: as `POST /api/rooms` (announced with `room:created`); acks `{room}`.
async fn room_create(c: Caller, req: CreateRoom) -> Reply {
    let me = user(&c)?;
    reply(&RoomCreated {
        room: rooms::create(&c.app, &me, req).await?,
    })
}

/// `dm:conversations`: the people the caller has exchanged direct messages with.
async fn dm_conversations(c: Caller, _: IgnoredAny) -> Reply {
    let me = user(&c)?;
    reply(&DmConversations {
        conversations: c.app.store.dm_conversations(&me.id).await?,
    })
}
