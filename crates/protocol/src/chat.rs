//! Chat (PROTOCOL.md §7): rooms, room messages, direct messages, typing, read receipts and
//! history, plus the HTTP bodies `POST /api/rooms`, `POST /api/rooms/{id}/members` and
//! `POST /api/messages`.
//!
//! Every room lives in Socket.IO room [`chat_room`], whichever naming of §9 joined it; the
//! alternative names and their payloads are in [`crate::compat`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::id_ref::id_ref;
use crate::identity::UserRef;
use crate::validate::{self, Validate, ValidationError};
use crate::{ErrorCode, ProtocolError, Role, Timestamp};

mod directory;
pub use directory::{DmConversation, DmConversations, ListedRoom, RoomCreated, RoomList};

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

/// The words of a display name after the first, single-spaced; empty for a one-word name.
pub fn last_name(name: &str) -> String {
    name.split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ")
}

id_ref!(
    RoomRef,
    room_id,
    "roomId",
    "`room:join` / `room:leave` (and `joinRoom` / `leaveRoom`, §9): the room."
);

/// A user as chat shows them: `room:userJoined`'s `user`, the `sender` of a message and the
/// `createdBy` of a room. `{id, name}` as everywhere, plus the study-room document's (seed 002)
/// `socket.user` fields: its clients show `firstName` / `lastName` (split from `name`) and may
/// look at `role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// First word of `name` ([`first_name`]).
    pub first_name: String,
    /// The rest of `name` ([`last_name`]); empty for a one-word name.
    pub last_name: String,
}

impl ChatUser {
    /// The chat view of user `id` named `name`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, role: Role) -> Self {
        let name = name.into();
        Self {
            id: id.into(),
            first_name: first_name(&name).to_owned(),
            last_name: last_name(&name),
            name,
            role,
        }
    }
}

impl From<&UserRef> for ChatUser {
    fn from(u: &UserRef) -> Self {
        Self::new(u.id.clone(), u.name.clone(), u.role)
    }
}

/// `room:userJoined`, to the others in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomUserJoined {
    /// The room.
    pub room_id: String,
    /// Who joined.
    pub user: ChatUser,
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
    pub created_by: ChatUser,
}

/// `room:join` ack result (and of `conversation:join` / `joinRoom`): the room joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomJoined {
    /// The room, created (public) if the id was new.
    pub room: ChatRoom,
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

/// Data of `POST /api/rooms/{id}/members`: the users that were not members before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomMembersAdded {
    /// The room.
    pub room_id: String,
    /// Newly added members, in request order.
    pub added: Vec<String>,
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
    pub sender: ChatUser,
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
    pub sender: ChatUser,
    /// Who it is for.
    pub recipient_id: String,
    /// The text.
    pub text: String,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// `dm:error`: how `dm:send` reports failures (instead of `error`). The study-room document
/// (seed 002) reads `message`; `code` is the §2 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DmError {
    /// E.g. [`DmError::RECIPIENT_NOT_FOUND`].
    pub message: String,
    /// Machine-readable code (`not_found` for an unknown recipient).
    pub code: ErrorCode,
}

impl DmError {
    /// The message for an unknown recipient, as the study-room document (seed 002) words it.
    pub const RECIPIENT_NOT_FOUND: &'static str = "Recipient not found";

    /// The error for an unknown recipient.
    pub fn recipient_not_found() -> ProtocolError {
        ProtocolError::not_found(Self::RECIPIENT_NOT_FOUND)
    }
}

impl From<&ProtocolError> for DmError {
    fn from(e: &ProtocolError) -> Self {
        Self {
            message: e.message.clone(),
            code: e.code,
        }
    }
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
    pub sender: ChatUser,
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

/// `newMessage` to the receiver of a direct message (`POST /api/messages` in the chat module
/// document, seed 004; any other naming of a DM too), and an item of `missedMessages` (§9).
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

/// Body of a `POST /api/messages` success: `{success: true, data}` as every endpoint, plus the
/// same message as `message`, where the chat module document (seed 004) answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostedMessage {
    /// Always `true`.
    pub success: bool,
    /// The stored message.
    pub data: NewMessage,
    /// The same message, for clients of seed 004.
    pub message: NewMessage,
}

#[cfg(test)]
mod tests;
