//! The chat directory (an Opsdeck addition to PROTOCOL.md §7, for clients that show lists):
//! `room:list` (the rooms a user may enter), `room:create` (`POST /api/rooms` over the
//! socket) and `dm:conversations` (the people a user has exchanged direct messages with).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ChatRoom;
use crate::Timestamp;

/// A room in `room:list`: the room and whether the caller is a member (joined and not left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListedRoom {
    /// The room.
    #[serde(flatten)]
    pub room: ChatRoom,
    /// Whether the caller is a member (joined and has not left since).
    pub member: bool,
}

/// `room:list` ack result: public rooms and the private rooms the caller may enter, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomList {
    /// The rooms.
    pub rooms: Vec<ListedRoom>,
}

/// `room:create` ack result (the room is also announced with `room:created`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomCreated {
    /// The new room.
    pub room: ChatRoom,
}

/// One conversation of direct messages in `dm:conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DmConversation {
    /// The other user.
    pub peer_id: String,
    /// Their display name (as last seen; their id when unknown).
    pub peer_name: String,
    /// When the newest message of the conversation was stored.
    pub last_message_at: Timestamp,
}

/// `dm:conversations` ack result, most recent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DmConversations {
    /// The conversations.
    pub conversations: Vec<DmConversation>,
}
