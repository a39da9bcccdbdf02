//! Chat (PROTOCOL.md §7): rooms, room messages, direct messages, typing, read receipts and
//! history, plus the HTTP bodies `POST /api/rooms`, `POST /api/rooms/{id}/members` and
//! `POST /api/messages`.
//!
//! Every room lives in Socket.IO room [`chat_room`], whichever naming of §9 joined it; the
//! alternative names and their payloads are in [`crate::compat`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::id_ref::id_ref;
use crate::identity::{Sender, UserRef};
use crate::validate::{self, Validate, ValidationError};
use crate::{Role, Timestamp};

/// Longest message text, in characters.
pub const MAX_TEXT: usize = 4000;
/// Longest room name, in characters.
pub const MAX_ROOM_NAME: usize = 100;
/// Longest room description, in characters.
pub const MAX_ROOM_DESCRIPTION: usize = 1000;
/// Most user ids in one `members` / `userIds` list.
pub const MAX_MEMBERS: usize = 1000;

/// The Socket.IO room of one chat room.
pub fn chat_room(room_id: &str) -> String {
    format!("room:{room_id}")
}

/// The first word of a display name (`typing:update`'s `firstName`); empty for an empty name.
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("")
}

id_ref!(
    RoomRef,
    room_id,
    "roomId",
    "`room:join` / `room:leave` (and `joinRoom` / `leaveRoom`, §9): the room."
);

/// A room member as `room:userJoined` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomUser {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// First word of `name`, for clients of the study-room document (seed 002), which show
    /// `user.firstName`.
    pub first_name: String,
}

impl From<&UserRef> for RoomUser {
    fn from(u: &UserRef) -> Self {
        Self {
            id: u.id.clone(),
            name: u.name.clone(),
            role: u.role,
            first_name: first_name(&u.name).to_owned(),
        }
    }
}

/// `room:userJoined`, to the others in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomUserJoined {
    /// The room.
    pub room_id: String,
    /// Who joined.
    pub user: RoomUser,
}

/// `room:userLeft`, to the others in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomUserLeft {
    /// The room.
    pub room_id: String,
    /// Who left.
    pub user_id: String,
}

/// A chat room: `room:created` (to every socket) and the data of `POST /api/rooms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatRoom {
    /// Room id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Description; `null` when none was given.
    pub description: Option<String>,
    /// Public rooms admit anyone; private ones only their members.
    pub is_public: bool,
    /// Who created it.
    pub created_by: Sender,
}

/// Body of `POST /api/rooms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRoom {
    /// Display name, 1..=100 characters.
    pub name: String,
    /// Description, up to 1000 characters.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// Whether anyone may join.
    pub is_public: bool,
    /// Initial members besides the creator, at most 1000.
    #[serde(default)]
    #[ts(optional)]
    pub members: Option<Vec<String>>,
}

impl Validate for CreateRoom {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::text("name", &self.name, 1, MAX_ROOM_NAME)?;
        validate::opt_text(
            "description",
            self.description.as_deref(),
            0,
            MAX_ROOM_DESCRIPTION,
        )?;
        if let Some(m) = &self.members {
            validate::count("members", m.len(), 0, MAX_MEMBERS)?;
            validate::ids("members", m)?;
        }
        Ok(())
    }
}

/// Body of `POST /api/rooms/{id}/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddRoomMembers {
    /// Users to add, 1..=1000.
    pub user_ids: Vec<String>,
}

impl Validate for AddRoomMembers {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::count("userIds", self.user_ids.len(), 1, MAX_MEMBERS)?;
        validate::ids("userIds", &self.user_ids)
    }
}

/// `message:send` `{roomId, text}`. The handler decodes
/// [`crate::compat::MessageSendAny`], which also accepts `{conversationId, content}` (§9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageSend {
    /// The room.
    pub room_id: String,
    /// 1..=4000 characters.
    pub text: String,
}

impl Validate for MessageSend {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("roomId", &self.room_id)?;
        validate::text("text", &self.text, 1, MAX_TEXT)
    }
}

/// `message:send` and `dm:send` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageSent {
    /// The stored message.
    pub message_id: String,
}

/// `message:received`, to the whole room, sender included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceived {
    /// Message id.
    pub id: String,
    /// The room.
    pub room_id: String,
    /// Who sent it.
    pub sender: Sender,
    /// The text.
    pub text: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// `dm:send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DmSend {
    /// The recipient; unknown users get `dm:error`.
    pub recipient_id: String,
    /// 1..=4000 characters.
    pub text: String,
}

impl Validate for DmSend {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("recipientId", &self.recipient_id)?;
        validate::text("text", &self.text, 1, MAX_TEXT)
    }
}

/// `dm:received`, to every socket of the recipient and of the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DmReceived {
    /// Message id.
    pub id: String,
    /// Who sent it.
    pub sender: Sender,
    /// Who it is for.
    pub recipient_id: String,
    /// The text.
    pub text: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// `dm:error`: how `dm:send` reports failures (instead of `error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DmError {
    /// E.g. [`DmError::RECIPIENT_NOT_FOUND`].
    pub message: String,
}

impl DmError {
    /// The message for an unknown recipient, as the study-room document (seed 002) words it.
    pub const RECIPIENT_NOT_FOUND: &'static str = "Recipient not found";
}

/// `typing:start` / `typing:stop` `{roomId}`. The handler decodes
/// [`crate::compat::TypingRequestAny`], which also accepts `{conversationId}` (§9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TypingRequest {
    /// The room.
    pub room_id: String,
}

impl Validate for TypingRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("roomId", &self.room_id)
    }
}

/// `typing:update`, to the others in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TypingUpdate {
    /// The room.
    pub room_id: String,
    /// Who is typing.
    pub user_id: String,
    /// First word of their display name ([`first_name`]).
    pub first_name: String,
    /// `true` after `typing:start`, `false` after `typing:stop`.
    pub is_typing: bool,
}

/// `message:read` from a reader: `{messageId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkMessageRead {
    /// The message read.
    pub message_id: String,
    /// Sent by clients of the typed chat document (seed 003); accepted and ignored, since
    /// the server knows the sender of every stored message.
    #[serde(default)]
    #[ts(optional)]
    pub sender_id: Option<String>,
}

impl Validate for MarkMessageRead {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("messageId", &self.message_id)?;
        validate::opt_id("senderId", self.sender_id.as_deref())
    }
}

/// `message:read` to the sender's sockets: a read receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageRead {
    /// The message read.
    pub message_id: String,
    /// The reader's user id.
    pub read_by: String,
}

/// `message:history`: exactly one of `roomId` and `peerId`, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageHistoryRequest {
    /// A room's messages.
    #[serde(default)]
    #[ts(optional)]
    pub room_id: Option<String>,
    /// The direct messages between the caller and this user.
    #[serde(default)]
    #[ts(optional)]
    pub peer_id: Option<String>,
    /// Opaque cursor from a previous page.
    #[serde(default)]
    #[ts(optional)]
    pub before: Option<String>,
    /// Page size, at most [`MessageHistoryRequest::CAP`].
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl MessageHistoryRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 200;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 50;
}

impl Validate for MessageHistoryRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        match (&self.room_id, &self.peer_id) {
            (Some(r), None) => validate::id("roomId", r)?,
            (None, Some(p)) => validate::id("peerId", p)?,
            _ => {
                return Err(ValidationError::Invalid(
                    "give exactly one of `roomId` and `peerId`".into(),
                ));
            }
        }
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        validate::opt_text("before", self.before.as_deref(), 1, 128)
    }
}

/// A stored message in `message:history`: a room message (`roomId` set) or a direct message
/// (`recipientId` set); otherwise the fields of `message:received` / `dm:received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// Message id.
    pub id: String,
    /// The room, for room messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub room_id: Option<String>,
    /// The recipient, for direct messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recipient_id: Option<String>,
    /// Who sent it.
    pub sender: Sender,
    /// The text.
    pub text: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl From<MessageReceived> for ChatMessage {
    fn from(m: MessageReceived) -> Self {
        Self {
            id: m.id,
            room_id: Some(m.room_id),
            recipient_id: None,
            sender: m.sender,
            text: m.text,
            created_at: m.created_at,
        }
    }
}

impl From<DmReceived> for ChatMessage {
    fn from(m: DmReceived) -> Self {
        Self {
            id: m.id,
            room_id: None,
            recipient_id: Some(m.recipient_id),
            sender: m.sender,
            text: m.text,
            created_at: m.created_at,
        }
    }
}

/// `message:history` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageHistory {
    /// Newest first.
    pub messages: Vec<ChatMessage>,
    /// Pass back as `before`; `null` at the end.
    pub next_cursor: Option<String>,
}

/// Body of `POST /api/messages`: a direct message from the calling user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostMessage {
    /// The recipient.
    pub receiver_id: String,
    /// 1..=4000 characters.
    pub text: String,
}

impl Validate for PostMessage {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("receiverId", &self.receiver_id)?;
        validate::text("text", &self.text, 1, MAX_TEXT)
    }
}

impl From<PostMessage> for DmSend {
    fn from(p: PostMessage) -> Self {
        Self {
            recipient_id: p.receiver_id,
            text: p.text,
        }
    }
}

/// `newMessage` to the receiver of `POST /api/messages` (the chat module document, seed 004),
/// and an item of `missedMessages` (§9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// Message id.
    pub id: String,
    /// Who sent it.
    pub sender_id: String,
    /// Who it is for.
    pub receiver_id: String,
    /// The text.
    pub text: String,
    /// When it was stored.
    pub timestamp: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn study_room_client_payloads() {
        // seed 002: socket.emit('room:join', roomId) with a bare id
        let r: RoomRef = serde_json::from_value(json!("room-42")).unwrap();
        assert_eq!(r.id(), "room-42");
        assert!(r.validate().is_ok());
        let o: RoomRef = serde_json::from_value(json!({"roomId": "room-42"})).unwrap();
        assert_eq!(
            o,
            RoomRef::Object {
                room_id: "room-42".into()
            }
        );
        assert_eq!(chat_room(r.id()), "room:room-42");

        let m: MessageSend =
            serde_json::from_value(json!({"roomId": "room-42", "text": "hello"})).unwrap();
        assert!(m.validate().is_ok());
        let d: DmSend = serde_json::from_value(json!({"recipientId": "u2", "text": "hi"})).unwrap();
        assert!(d.validate().is_ok());
        let t: TypingRequest = serde_json::from_value(json!({"roomId": "room-42"})).unwrap();
        assert!(t.validate().is_ok());
        // seed 002 createRoom reads { name, description, isPublic } from the body
        let c: CreateRoom = serde_json::from_value(
            json!({"name": "Algebra", "description": "Study group", "isPublic": true}),
        )
        .unwrap();
        assert!(c.validate().is_ok());
    }

    #[test]
    fn text_lengths() {
        let m = |text: String| MessageSend {
            room_id: "r".into(),
            text,
        };
        assert!(m(String::new()).validate().is_err());
        assert!(m("é".repeat(MAX_TEXT)).validate().is_ok());
        assert!(m("x".repeat(MAX_TEXT + 1)).validate().is_err());
        let d = DmSend {
            recipient_id: "u2".into(),
            text: String::new(),
        };
        assert!(d.validate().is_err());
    }

    #[test]
    fn read_receipt_accepts_seed_003_sender_id() {
        // seed 003: socket.emit('message:read', { messageId, senderId })
        let r: MarkMessageRead =
            serde_json::from_value(json!({"messageId": "msg-123", "senderId": "user-456"}))
                .unwrap();
        assert!(r.validate().is_ok());
        let bare: MarkMessageRead = serde_json::from_value(json!({"messageId": "m1"})).unwrap();
        assert_eq!(bare.sender_id, None);
        let receipt = serde_json::to_value(MessageRead {
            message_id: "m1".into(),
            read_by: "u2".into(),
        })
        .unwrap();
        assert_eq!(receipt, json!({"messageId": "m1", "readBy": "u2"}));
    }

    #[test]
    fn history_requests() {
        let h = |v| serde_json::from_value::<MessageHistoryRequest>(v).unwrap();
        assert!(h(json!({"roomId": "r1"})).validate().is_ok());
        assert!(h(json!({"peerId": "u2", "limit": 200})).validate().is_ok());
        assert!(h(json!({"peerId": "u2", "limit": 201})).validate().is_err());
        assert!(h(json!({})).validate().is_err());
        assert!(
            h(json!({"roomId": "r1", "peerId": "u2"}))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn rooms_and_members() {
        let c = |v| serde_json::from_value::<CreateRoom>(v).unwrap();
        assert!(c(json!({"name": "", "isPublic": true})).validate().is_err());
        assert!(
            c(json!({"name": "R", "isPublic": false, "members": ["u1", "bad id"]}))
                .validate()
                .is_err()
        );
        assert!(serde_json::from_value::<CreateRoom>(json!({"name": "R"})).is_err());
        let a = |v| serde_json::from_value::<AddRoomMembers>(v).unwrap();
        assert!(a(json!({"userIds": ["u1", "u2"]})).validate().is_ok());
        assert!(a(json!({"userIds": []})).validate().is_err());
    }

    #[test]
    fn outgoing_shapes() {
        let created = serde_json::to_value(ChatRoom {
            id: "r1".into(),
            name: "Algebra".into(),
            description: None,
            is_public: true,
            created_by: Sender {
                id: "u1".into(),
                name: "Ada Lovelace".into(),
            },
        })
        .unwrap();
        assert_eq!(
            created,
            json!({"id": "r1", "name": "Algebra", "description": null, "isPublic": true,
                   "createdBy": {"id": "u1", "name": "Ada Lovelace"}})
        );
        let user = RoomUser::from(&UserRef {
            id: "u1".into(),
            name: "Ada Lovelace".into(),
            role: Role::Viewer,
        });
        assert_eq!(user.first_name, "Ada");
        assert_eq!(first_name("  "), "");
        let typing = serde_json::to_value(TypingUpdate {
            room_id: "r1".into(),
            user_id: "u1".into(),
            first_name: "Ada".into(),
            is_typing: true,
        })
        .unwrap();
        assert_eq!(
            typing,
            json!({"roomId": "r1", "userId": "u1", "firstName": "Ada", "isTyping": true})
        );
    }

    #[test]
    fn post_message_from_seed_004() {
        // seed 004: const { receiverId, text } = req.body
        let p: PostMessage =
            serde_json::from_value(json!({"receiverId": "user_123", "text": "Hey"})).unwrap();
        assert!(p.validate().is_ok());
        let dm = DmSend::from(p);
        assert_eq!(dm.recipient_id, "user_123");
        // the receiver gets newMessage { id, senderId, text, timestamp, ... }
        let n = serde_json::to_value(NewMessage {
            id: "m1".into(),
            sender_id: "u1".into(),
            receiver_id: "user_123".into(),
            text: "Hey".into(),
            timestamp: "2026-02-04T10:30:00Z".parse().unwrap(),
        })
        .unwrap();
        for k in ["id", "senderId", "receiverId", "text", "timestamp"] {
            assert!(n.get(k).is_some(), "{k}");
        }
    }
}
