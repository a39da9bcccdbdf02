//! Chat (PROTOCOL.md §7) and the alternative names of the reference chat backends (§9): the
//! service that the socket handlers (`handlers/chat.rs`, `handlers/compat.rs`) and the REST
//! endpoints (`http/chat.rs`) call.
//!
//! - [`naming`]: the outgoing half of the compatibility table (which name and payload each
//!   member gets), pure;
//! - [`rooms`]: joining, leaving, creating rooms, adding members, who may enter;
//! - [`messages`]: room messages, direct messages, typing, read receipts, history and the
//!   direct messages a user missed.
//!
//! Storage is `store/chat.rs`. Every message is stored before anything is emitted, so a user
//! who was away finds it in `message:history` (and, for direct messages, `missedMessages`).

pub mod messages;
pub mod naming;
pub mod rooms;

use opsdeck_protocol::chat::ChatUser;
use opsdeck_protocol::{ProtocolError, Role};

use crate::auth::Identity;

/// The key of the conversation between two users: both ids, sorted, joined by a newline (which
/// no id contains), so `a → b` and `b → a` share one index range.
pub fn dm_pair(a: &str, b: &str) -> String {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    format!("{lo}\n{hi}")
}

/// The chat view of a caller. Chat is for users: anonymous viewers (wallboards) and `device`
/// tokens (which may only report for their vehicle, §1) are refused.
pub fn chat_user(identity: &Identity) -> Result<ChatUser, ProtocolError> {
    if identity.anonymous || !identity.at_least(Role::Viewer) {
        return Err(ProtocolError::forbidden(
            "chat requires a signed-in user (viewer or above)",
        ));
    }
    Ok(ChatUser::new(
        identity.user_id.clone(),
        identity.name.clone(),
        identity.role,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::ErrorCode;

    #[test]
    fn pairs_are_symmetric_and_distinct() {
        assert_eq!(dm_pair("bob", "ada"), dm_pair("ada", "bob"));
        assert_eq!(dm_pair("ada", "bob"), "ada\nbob");
        assert_ne!(dm_pair("a", "bc"), dm_pair("ab", "c"));
        assert_eq!(dm_pair("ada", "ada"), "ada\nada");
    }

    #[test]
    fn who_may_chat() {
        let user = |role, anonymous| Identity {
            user_id: "u1".into(),
            name: "Ada Lovelace".into(),
            role,
            vehicle_id: None,
            anonymous,
        };
        let u = chat_user(&user(Role::Viewer, false)).unwrap();
        assert_eq!(
            (u.first_name.as_str(), u.last_name.as_str()),
            ("Ada", "Lovelace")
        );
        assert!(chat_user(&user(Role::Admin, false)).is_ok());
        for (role, anonymous) in [(Role::Device, false), (Role::Viewer, true)] {
            let e = chat_user(&user(role, anonymous)).unwrap_err();
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
    }
}
