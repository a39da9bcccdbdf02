//! Alternative names (PROTOCOL.md §9): the event names and payloads of the reference backends
//! that Opsdeck accepts besides its own, so their clients work unchanged.
//!
//! - typed chat server (seed 003): `conversation:join` / `conversation:leave` with a bare
//!   `conversationId`, `message:send` `{conversationId, content}` answered by `message:new`,
//!   `private:message`, `typing:start` / `typing:stop` `{conversationId}`;
//! - chat module (seed 004): `joinRoom` / `leaveRoom`, `sendMessageToRoom`, `typing`,
//!   `requestMissedMessages`, and their replies.
//!
//! A conversation id and a `joinRoom` room id are chat room ids: all namings share the room
//! [`crate::chat::chat_room`]. Two names are shared with §7 (`message:send`, `typing:start` /
//! `typing:stop`); their handlers decode [`MessageSendAny`] / [`TypingRequestAny`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Timestamp;
use crate::chat::{MAX_TEXT, MessageSend, NewMessage, TypingRequest};
use crate::id_ref::id_ref;
use crate::validate::{self, Validate, ValidationError};

pub use crate::events::{MESSAGE_SEND, TYPING_START, TYPING_STOP};

/// Client → server: join a conversation (= `room:join`).
pub const CONVERSATION_JOIN: &str = "conversation:join";
/// Client → server: leave a conversation (= `room:leave`).
pub const CONVERSATION_LEAVE: &str = "conversation:leave";
/// Server → conversation members (sender excluded) and DM recipients: a new message.
pub const MESSAGE_NEW: &str = "message:new";
/// Client → server: a direct message (= `dm:send`).
pub const PRIVATE_MESSAGE: &str = "private:message";
/// Client → server: join a room (= `room:join`).
pub const JOIN_ROOM: &str = "joinRoom";
/// Client → server: leave a room (= `room:leave`).
pub const LEAVE_ROOM: &str = "leaveRoom";
/// Server → room: someone joined with `joinRoom`.
pub const USER_JOINED_ROOM: &str = "userJoinedRoom";
/// Server → room: someone left with `leaveRoom`.
pub const USER_LEFT_ROOM: &str = "userLeftRoom";
/// Client → server: a room message (= `message:send`).
pub const SEND_MESSAGE_TO_ROOM: &str = "sendMessageToRoom";
/// Server → room (sender excluded): a room message.
pub const NEW_ROOM_MESSAGE: &str = "newRoomMessage";
/// Client → server: typing notice to one user.
pub const TYPING: &str = "typing";
/// Server → user: someone is (not) typing to them.
pub const USER_TYPING: &str = "userTyping";
/// Client → server: ask for undelivered direct messages.
pub const REQUEST_MISSED_MESSAGES: &str = "requestMissedMessages";
/// Server → socket: undelivered direct messages.
pub const MISSED_MESSAGES: &str = "missedMessages";

/// Client → server alternative names and the §7 event each behaves like. `typing` and
/// `requestMissedMessages` have no §7 equivalent and are not listed.
pub const CLIENT_ALIASES: [(&str, &str); 6] = [
    (CONVERSATION_JOIN, crate::events::ROOM_JOIN),
    (CONVERSATION_LEAVE, crate::events::ROOM_LEAVE),
    (JOIN_ROOM, crate::events::ROOM_JOIN),
    (LEAVE_ROOM, crate::events::ROOM_LEAVE),
    (PRIVATE_MESSAGE, crate::events::DM_SEND),
    (SEND_MESSAGE_TO_ROOM, crate::events::MESSAGE_SEND),
];

/// The §7 event that `alternative` behaves like, if it is one of [`CLIENT_ALIASES`].
pub fn canonical_event(alternative: &str) -> Option<&'static str> {
    CLIENT_ALIASES
        .iter()
        .find(|(alt, _)| *alt == alternative)
        .map(|(_, canonical)| *canonical)
}

id_ref!(
    ConversationRef,
    conversation_id,
    "conversationId",
    "`conversation:join` / `conversation:leave`: the conversation (a chat room id)."
);

/// `message:send` as the typed chat server (seed 003) sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationMessage {
    /// The conversation (a chat room id).
    pub conversation_id: String,
    /// 1..=4000 characters.
    pub content: String,
}

impl Validate for ConversationMessage {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("conversationId", &self.conversation_id)?;
        validate::text("content", &self.content, 1, MAX_TEXT)
    }
}

/// What the `message:send` handler decodes: `{roomId, text}` or `{conversationId, content}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum MessageSendAny {
    /// §7 `{roomId, text}`.
    Room(MessageSend),
    /// §9 `{conversationId, content}`.
    Conversation(ConversationMessage),
}

impl MessageSendAny {
    /// The chat room id.
    pub fn room_id(&self) -> &str {
        match self {
            Self::Room(m) => &m.room_id,
            Self::Conversation(m) => &m.conversation_id,
        }
    }

    /// The message text.
    pub fn text(&self) -> &str {
        match self {
            Self::Room(m) => &m.text,
            Self::Conversation(m) => &m.content,
        }
    }

    /// The §7 form.
    pub fn into_canonical(self) -> MessageSend {
        match self {
            Self::Room(m) => m,
            Self::Conversation(m) => MessageSend {
                room_id: m.conversation_id,
                text: m.content,
            },
        }
    }
}

impl Validate for MessageSendAny {
    fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Self::Room(m) => m.validate(),
            Self::Conversation(m) => m.validate(),
        }
    }
}

/// `message:new` to members who joined with `conversation:join` (sender excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationMessageNew {
    /// Message id.
    pub id: String,
    /// The text.
    pub content: String,
    /// Who sent it.
    pub sender_id: String,
    /// The conversation.
    pub conversation_id: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// `private:message` (= `dm:send`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrivateMessage {
    /// The recipient.
    pub recipient_user_id: String,
    /// 1..=4000 characters.
    pub content: String,
}

impl Validate for PrivateMessage {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("recipientUserId", &self.recipient_user_id)?;
        validate::text("content", &self.content, 1, MAX_TEXT)
    }
}

impl From<PrivateMessage> for crate::chat::DmSend {
    fn from(p: PrivateMessage) -> Self {
        Self {
            recipient_id: p.recipient_user_id,
            text: p.content,
        }
    }
}

/// `message:new` to the recipient of a `private:message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrivateMessageNew {
    /// Message id.
    pub id: String,
    /// The text.
    pub content: String,
    /// The sender's user id.
    pub from: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// Either payload of `message:new`, for clients decoding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum MessageNew {
    /// A conversation message (has `conversationId` and `senderId`).
    Conversation(ConversationMessageNew),
    /// A private message (has `from`).
    Private(PrivateMessageNew),
}

/// `userJoinedRoom` / `userLeftRoom`, to the others in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserRoomNotice {
    /// Who joined or left.
    pub user_id: String,
    /// The room.
    pub room_id: String,
    /// When.
    pub timestamp: Timestamp,
}

/// `sendMessageToRoom` (= `message:send`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessageToRoom {
    /// The room.
    pub room_id: String,
    /// 1..=4000 characters.
    pub message: String,
}

impl Validate for SendMessageToRoom {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("roomId", &self.room_id)?;
        validate::text("message", &self.message, 1, MAX_TEXT)
    }
}

impl From<SendMessageToRoom> for MessageSend {
    fn from(m: SendMessageToRoom) -> Self {
        Self {
            room_id: m.room_id,
            text: m.message,
        }
    }
}

/// `newRoomMessage`, to the others in the room. The chat module document (seed 004) sends
/// `{userId, message, timestamp}`; `id` and `roomId` are added so a client in several rooms
/// can tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewRoomMessage {
    /// Message id.
    pub id: String,
    /// The room.
    pub room_id: String,
    /// The sender's user id.
    pub user_id: String,
    /// The text.
    pub message: String,
    /// When it was stored.
    pub timestamp: Timestamp,
}

/// `typing` `{receiverId, isTyping}`: a typing notice to one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectTyping {
    /// The user being typed to.
    pub receiver_id: String,
    /// Started or stopped.
    pub is_typing: bool,
}

impl Validate for DirectTyping {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("receiverId", &self.receiver_id)
    }
}

/// `userTyping`, to the receiver of a `typing` notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserTyping {
    /// Who is typing.
    pub user_id: String,
    /// Started or stopped.
    pub is_typing: bool,
}

/// `typing:start` / `typing:stop` as the typed chat server (seed 003) sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationTyping {
    /// The conversation.
    pub conversation_id: String,
}

/// What the `typing:start` / `typing:stop` handlers decode: `{roomId}` or `{conversationId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum TypingRequestAny {
    /// §7 `{roomId}`.
    Room(TypingRequest),
    /// §9 `{conversationId}`.
    Conversation(ConversationTyping),
}

impl TypingRequestAny {
    /// The chat room id.
    pub fn room_id(&self) -> &str {
        match self {
            Self::Room(t) => &t.room_id,
            Self::Conversation(t) => &t.conversation_id,
        }
    }
}

impl Validate for TypingRequestAny {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id(
            match self {
                Self::Room(_) => "roomId",
                Self::Conversation(_) => "conversationId",
            },
            self.room_id(),
        )
    }
}

/// `typing:start` / `typing:stop` to the others in a room joined with `conversation:join`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationTypingNotice {
    /// Who is typing.
    pub user_id: String,
    /// The conversation.
    pub conversation_id: String,
}

/// `missedMessages`: the bare array of direct messages not yet delivered to the caller, oldest
/// first. Emit the inner `Vec` (socketioxide drops the event name of a newtype around a
/// sequence); this type exists for the bindings and for decoding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissedMessages(pub Vec<NewMessage>);

/// `requestMissedMessages` ack result: the same messages as `missedMessages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissedMessageList {
    /// Oldest first; they count as delivered from now on.
    pub messages: Vec<NewMessage>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_chat_client_payloads() {
        // seed 003: socket.emit("conversation:join", conversationId)
        let c: ConversationRef = serde_json::from_value(json!("chat-123")).unwrap();
        assert_eq!(c.id(), "chat-123");
        assert!(c.validate().is_ok());
        let o: ConversationRef =
            serde_json::from_value(json!({"conversationId": "chat-123"})).unwrap();
        assert_eq!(o.id(), "chat-123");

        // seed 003: socket.emit("message:send", { conversationId, content })
        let m: MessageSendAny = serde_json::from_value(
            json!({"conversationId": "chat-123", "content": "Hello everyone!"}),
        )
        .unwrap();
        assert!(matches!(m, MessageSendAny::Conversation(_)));
        assert_eq!(m.room_id(), "chat-123");
        assert_eq!(m.text(), "Hello everyone!");
        assert!(m.validate().is_ok());
        assert_eq!(m.into_canonical().room_id, "chat-123");

        // seed 003: private:message { recipientUserId, content }
        let p: PrivateMessage =
            serde_json::from_value(json!({"recipientUserId": "user-456", "content": "psst"}))
                .unwrap();
        assert!(p.validate().is_ok());
        assert_eq!(crate::chat::DmSend::from(p).recipient_id, "user-456");

        // seed 003: typing:start { conversationId }
        let t: TypingRequestAny =
            serde_json::from_value(json!({"conversationId": "chat-123"})).unwrap();
        assert!(matches!(t, TypingRequestAny::Conversation(_)));
        assert_eq!(t.room_id(), "chat-123");
    }

    #[test]
    fn canonical_shapes_still_decode() {
        let m: MessageSendAny =
            serde_json::from_value(json!({"roomId": "r1", "text": "hi"})).unwrap();
        assert!(matches!(m, MessageSendAny::Room(_)));
        let t: TypingRequestAny = serde_json::from_value(json!({"roomId": "r1"})).unwrap();
        assert!(matches!(t, TypingRequestAny::Room(_)));
        // mixed or partial shapes are refused
        for bad in [
            json!({"roomId": "r1", "content": "hi"}),
            json!({"conversationId": "c1", "text": "hi"}),
            json!({"content": "Hi"}),
            json!({"roomId": "r1", "text": "hi", "conversationId": "c1"}),
        ] {
            assert!(
                serde_json::from_value::<MessageSendAny>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(serde_json::from_value::<TypingRequestAny>(json!({})).is_err());
        let empty: MessageSendAny =
            serde_json::from_value(json!({"conversationId": "c1", "content": ""})).unwrap();
        assert!(empty.validate().is_err());
        let bad_room: TypingRequestAny =
            serde_json::from_value(json!({"conversationId": "c 1"})).unwrap();
        assert!(bad_room.validate().is_err());
    }

    #[test]
    fn message_new_variants() {
        let conv: MessageNew = serde_json::from_value(json!({
            "id": "m1", "content": "Hello", "senderId": "u1",
            "conversationId": "chat-123", "createdAt": "2026-02-19T10:00:00Z"
        }))
        .unwrap();
        assert!(matches!(conv, MessageNew::Conversation(_)));
        let private: MessageNew = serde_json::from_value(json!({
            "id": "m2", "content": "psst", "from": "u1", "createdAt": "2026-02-19T10:00:00Z"
        }))
        .unwrap();
        assert!(matches!(private, MessageNew::Private(_)));
    }

    #[test]
    fn chat_module_client_payloads() {
        // seed 004: socket.emit('joinRoom', 'room_123')
        let r: crate::chat::RoomRef = serde_json::from_value(json!("room_123")).unwrap();
        assert_eq!(r.id(), "room_123");

        // seed 004: sendMessageToRoom { roomId, message }
        let s: SendMessageToRoom =
            serde_json::from_value(json!({"roomId": "room_123", "message": "Hello everyone!"}))
                .unwrap();
        assert!(s.validate().is_ok());
        assert_eq!(MessageSend::from(s).text, "Hello everyone!");

        // seed 004: typing { receiverId, isTyping }
        let t: DirectTyping =
            serde_json::from_value(json!({"receiverId": "user_123", "isTyping": true})).unwrap();
        assert!(t.validate().is_ok());

        // seed 004 clients destructure { userId, message, timestamp } and { userId, isTyping }
        let n = serde_json::to_value(NewRoomMessage {
            id: "m1".into(),
            room_id: "room_123".into(),
            user_id: "u1".into(),
            message: "Hello".into(),
            timestamp: "2026-02-04T10:30:00Z".parse().unwrap(),
        })
        .unwrap();
        assert_eq!(
            n,
            json!({"id": "m1", "roomId": "room_123", "userId": "u1", "message": "Hello",
                   "timestamp": "2026-02-04T10:30:00Z"})
        );
        let u = serde_json::to_value(UserTyping {
            user_id: "u1".into(),
            is_typing: false,
        })
        .unwrap();
        assert_eq!(u, json!({"userId": "u1", "isTyping": false}));
        let j = serde_json::to_value(UserRoomNotice {
            user_id: "u1".into(),
            room_id: "room_123".into(),
            timestamp: "2026-02-04T10:30:00Z".parse().unwrap(),
        })
        .unwrap();
        assert_eq!(j["roomId"], "room_123");
        let missed = serde_json::to_value(MissedMessages::default()).unwrap();
        assert_eq!(missed, json!([]));
    }

    #[test]
    fn aliases() {
        assert_eq!(canonical_event(JOIN_ROOM), Some("room:join"));
        assert_eq!(canonical_event(CONVERSATION_LEAVE), Some("room:leave"));
        assert_eq!(canonical_event(PRIVATE_MESSAGE), Some("dm:send"));
        assert_eq!(canonical_event(SEND_MESSAGE_TO_ROOM), Some("message:send"));
        assert_eq!(canonical_event(TYPING), None);
        assert_eq!(canonical_event("room:join"), None);
    }
}
