//! Alternative names (PROTOCOL.md §9), incoming side: each alias decodes its reference
//! document's payload and calls the §7 handler it stands for, with the naming that decides
//! what its socket hears (`crate::chat::naming` has the outgoing side).
//!
//! | alias | payload | behaves as | naming |
//! |---|---|---|---|
//! | `conversation:join` / `conversation:leave` | `conversationId` | `room:join` / `room:leave` | conversation (seed 003) |
//! | `joinRoom` / `leaveRoom` | `roomId` | `room:join` / `room:leave` | chat module (seed 004) |
//! | `sendMessageToRoom` | `{roomId, message}` | `message:send` | – |
//! | `private:message` | `{recipientUserId, content}` | `dm:send` (failures as `error`) | – |
//! | `typing` | `{receiverId, isTyping}` | `userTyping` to the receiver (no §7 equivalent) | – |
//! | `requestMissedMessages` | – | emits `missedMessages` `[message]` (no §7 equivalent) | – |
//!
//! `message:send` `{conversationId, content}` and `typing:start` / `typing:stop`
//! `{conversationId}` share their names with §7 and are decoded in `chat.rs`.

use opsdeck_protocol::Validate;
use opsdeck_protocol::chat::{MessageSend, RoomRef};
use opsdeck_protocol::compat::{
    CONVERSATION_JOIN, CONVERSATION_LEAVE, ConversationRef, DirectTyping, JOIN_ROOM, LEAVE_ROOM,
    MISSED_MESSAGES, PRIVATE_MESSAGE, PrivateMessage, REQUEST_MISSED_MESSAGES,
    SEND_MESSAGE_TO_ROOM, SendMessageToRoom, TYPING,
};
use serde::de::IgnoredAny;

use super::chat::{dm, join, leave, send, user};
use super::{Caller, Reply, Table, done, on, reply};
use crate::chat::messages;
use crate::chat::naming::Naming;

/// Every alias this module registers, with the §7 event it stands for (`None`: no §7
/// equivalent). Checked against `opsdeck_protocol::compat::CLIENT_ALIASES` by a test.
pub const ALIASES: [(&str, Option<&str>); 8] = [
    (CONVERSATION_JOIN, Some(opsdeck_protocol::events::ROOM_JOIN)),
    (
        CONVERSATION_LEAVE,
        Some(opsdeck_protocol::events::ROOM_LEAVE),
    ),
    (JOIN_ROOM, Some(opsdeck_protocol::events::ROOM_JOIN)),
    (LEAVE_ROOM, Some(opsdeck_protocol::events::ROOM_LEAVE)),
    (
        SEND_MESSAGE_TO_ROOM,
        Some(opsdeck_protocol::events::MESSAGE_SEND),
    ),
    (PRIVATE_MESSAGE, Some(opsdeck_protocol::events::DM_SEND)),
    (TYPING, None),
    (REQUEST_MISSED_MESSAGES, None),
];

pub(super) fn register(t: &mut Table) {
    on(t, CONVERSATION_JOIN, conversation_join);
    on(t, CONVERSATION_LEAVE, conversation_leave);
    on(t, JOIN_ROOM, join_room);
    on(t, LEAVE_ROOM, leave_room);
    on(t, SEND_MESSAGE_TO_ROOM, send_message_to_room);
    on(t, PRIVATE_MESSAGE, private_message);
    on(t, TYPING, direct_typing);
    on(t, REQUEST_MISSED_MESSAGES, request_missed_messages);
}

async fn conversation_join(c: Caller, r: ConversationRef) -> Reply {
    r.validate()?;
    join(c, r.id(), Naming::Conversation).await
}

async fn conversation_leave(c: Caller, r: ConversationRef) -> Reply {
    r.validate()?;
    leave(c, r.id()).await
}

async fn join_room(c: Caller, r: RoomRef) -> Reply {
    r.validate()?;
    join(c, r.id(), Naming::ChatModule).await
}

async fn leave_room(c: Caller, r: RoomRef) -> Reply {
    r.validate()?;
    leave(c, r.id()).await
}

async fn send_message_to_room(c: Caller, m: SendMessageToRoom) -> Reply {
    m.validate()?;
    send(c, MessageSend::from(m)).await
}

async fn private_message(c: Caller, m: PrivateMessage) -> Reply {
    m.validate()?;
    dm(c, m.into()).await
}

async fn direct_typing(c: Caller, t: DirectTyping) -> Reply {
    let me = user(&c)?;
    messages::direct_typing(&c.app, &me, t).await?;
    done()
}

/// Emits `missedMessages` (the bare array, not a newtype around it: socketioxide would drop the
/// event name) and acks `{messages}`.
async fn request_missed_messages(c: Caller, _: IgnoredAny) -> Reply {
    let me = user(&c)?;
    let list = messages::missed(&c.app, &me).await?;
    c.app
        .emit_socket(&c.socket, MISSED_MESSAGES, &list.messages);
    reply(&list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::compat::{CLIENT_ALIASES, canonical_event};

    #[test]
    fn the_table_covers_every_protocol_alias() {
        for (alias, canonical) in CLIENT_ALIASES {
            assert!(
                ALIASES.contains(&(alias, Some(canonical))),
                "{alias} → {canonical} is not registered"
            );
        }
        for (alias, canonical) in ALIASES {
            assert_eq!(canonical_event(alias), canonical, "{alias}");
        }
    }
}
