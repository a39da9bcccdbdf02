//! Chat events for the UI (`chat://...`, docs/desktop-ipc.md). Pure: [`ChatRelay::translate`]
//! takes one server event and says what to emit.
//!
//! The server sends one direct message under three names (§9: `dm:received`, `message:new`,
//! `newMessage`), and a reconnect's catch-up may replay one already seen live; the relay
//! forwards the canonical `dm:received` / `message:received` only, once per message id. The
//! UI dedupes again when it merges history pages.

use opsdeck_client::ServerEvent;
use opsdeck_protocol::chat::{ChatMessage, ChatRoom, MessageRead};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::recent_ids::RecentIds;

/// How many message ids are remembered for deduplication.
const SEEN_IDS: usize = 1024;

/// `chat://typing`: someone started or stopped typing in a room or to us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ChatTyping {
    /// The room, for room typing notices.
    pub room_id: Option<String>,
    /// The other user, for direct typing notices (equal to `user_id`).
    pub peer_id: Option<String>,
    /// Who is typing.
    pub user_id: String,
    /// Their first name when the server says it, else their id.
    pub name: String,
    /// Started (`true`) or stopped.
    pub is_typing: bool,
}

/// What the UI hears about chat.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatUiEvent {
    /// `chat://message`.
    Message(ChatMessage),
    /// `chat://typing`.
    Typing(ChatTyping),
    /// `chat://read`.
    Read(MessageRead),
    /// `chat://room`: a room was created.
    Room(ChatRoom),
}

impl ChatUiEvent {
    /// Emits it to the webview.
    pub fn emit(self, app: &AppHandle) {
        let _ = match self {
            Self::Message(m) => app.emit("chat://message", m),
            Self::Typing(t) => app.emit("chat://typing", t),
            Self::Read(r) => app.emit("chat://read", r),
            Self::Room(r) => app.emit("chat://room", r),
        };
    }
}

/// Translates chat server events, dropping repeats of a message id.
#[derive(Debug)]
pub struct ChatRelay {
    seen: RecentIds,
}

impl Default for ChatRelay {
    fn default() -> Self {
        Self {
            seen: RecentIds::new(SEEN_IDS),
        }
    }
}

impl ChatRelay {
    /// What to tell the UI about `ev`, if anything.
    pub fn translate(&mut self, ev: &ServerEvent) -> Option<ChatUiEvent> {
        match ev {
            ServerEvent::MessageReceived(m) => self
                .first(&m.id)
                .then(|| ChatUiEvent::Message(m.clone().into())),
            ServerEvent::DmReceived(m) => self
                .first(&m.id)
                .then(|| ChatUiEvent::Message(m.clone().into())),
            ServerEvent::TypingUpdate(t) => Some(ChatUiEvent::Typing(ChatTyping {
                room_id: Some(t.room_id.clone()),
                peer_id: None,
                user_id: t.user_id.clone(),
                name: if t.first_name.is_empty() {
                    t.user_id.clone()
                } else {
                    t.first_name.clone()
                },
                is_typing: t.is_typing,
            })),
            ServerEvent::UserTyping(t) => Some(ChatUiEvent::Typing(ChatTyping {
                room_id: None,
                peer_id: Some(t.user_id.clone()),
                user_id: t.user_id.clone(),
                name: t.user_id.clone(),
                is_typing: t.is_typing,
            })),
            ServerEvent::MessageRead(r) => Some(ChatUiEvent::Read(r.clone())),
            ServerEvent::RoomCreated(r) => Some(ChatUiEvent::Room(r.clone())),
            _ => None,
        }
    }

    /// `true` the first time `id` is seen (among the last [`SEEN_IDS`]).
    fn first(&mut self, id: &str) -> bool {
        self.seen.insert(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(event: &str, payload: serde_json::Value) -> ServerEvent {
        ServerEvent::decode(event, payload)
    }

    fn sender() -> serde_json::Value {
        json!({"id": "bob", "name": "Bob B", "role": "viewer", "firstName": "Bob", "lastName": "B"})
    }

    #[test]
    fn a_dm_under_three_names_reaches_the_ui_once() {
        let mut relay = ChatRelay::default();
        let at = "2026-01-01T00:00:00Z";
        let evs = [
            decode(
                "dm:received",
                json!({"id": "m1", "sender": sender(), "recipientId": "ada", "text": "hi", "createdAt": at}),
            ),
            decode(
                "message:new",
                json!({"id": "m1", "content": "hi", "from": "bob", "createdAt": at}),
            ),
            decode(
                "newMessage",
                json!({"id": "m1", "senderId": "bob", "receiverId": "ada", "text": "hi", "timestamp": at}),
            ),
            // the catch-up replays it after a reconnect
            decode(
                "dm:received",
                json!({"id": "m1", "sender": sender(), "recipientId": "ada", "text": "hi", "createdAt": at}),
            ),
        ];
        let out: Vec<_> = evs.iter().filter_map(|e| relay.translate(e)).collect();
        assert_eq!(out.len(), 1, "{out:?}");
        let ChatUiEvent::Message(m) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(m.recipient_id.as_deref(), Some("ada"));
        assert_eq!(m.sender.id, "bob");
    }

    #[test]
    fn forgets_the_oldest_ids_only() {
        let mut relay = ChatRelay::default();
        for i in 0..=SEEN_IDS {
            assert!(relay.first(&format!("m{i}")));
        }
        assert!(relay.first("m0"), "the oldest was forgotten");
        assert!(!relay.first(&format!("m{SEEN_IDS}")));
    }

    #[test]
    fn typing_notices_name_the_room_or_the_peer() {
        let mut relay = ChatRelay::default();
        let room = decode(
            "typing:update",
            json!({"roomId": "ops", "userId": "bob", "firstName": "Bob", "isTyping": true}),
        );
        let Some(ChatUiEvent::Typing(t)) = relay.translate(&room) else {
            panic!()
        };
        assert_eq!(
            (t.room_id.as_deref(), t.peer_id, t.name.as_str()),
            (Some("ops"), None, "Bob")
        );
        let direct = decode("userTyping", json!({"userId": "bob", "isTyping": false}));
        let Some(ChatUiEvent::Typing(t)) = relay.translate(&direct) else {
            panic!()
        };
        assert_eq!((t.room_id, t.peer_id.as_deref()), (None, Some("bob")));
        assert!(!t.is_typing);
    }
}
