//! Handshake and identity (PROTOCOL.md §1): token claims, the user as others see it, and the
//! `connected` event.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Role, Timestamp};

/// JWT claims as Opsdeck mints them. When verifying, the server also accepts `id` in place of
/// `sub` (some reference backends mint that).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role name; a missing or unknown role is refused.
    pub role: Role,
    /// Display name.
    pub name: String,
    /// Expiry, seconds since the Unix epoch (required).
    #[ts(type = "number")]
    pub exp: i64,
    /// Issued at, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null", optional)]
    pub iat: Option<i64>,
    /// The vehicle a `device` token reports for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub vehicle_id: Option<String>,
}

/// A user as shown to others: `{id, name, role}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserRef {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// `connected`, emitted to a socket once it is authenticated and joined to its identity rooms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Connected {
    /// The Socket.IO id of this socket.
    pub socket_id: String,
    /// Who the server thinks this socket is.
    pub user: UserRef,
    /// The server's clock, to estimate skew.
    pub server_time: Timestamp,
}

/// `{id, name}` of whoever sent something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sender {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// The room of one user's sockets.
pub fn user_room(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The room of every socket of one role.
pub fn role_room(role: Role) -> String {
    format!("role:{}", role.as_str())
}
