//! Presence (PROTOCOL.md §3).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::validate::{self, Validate, ValidationError};
use crate::{Role, Timestamp};

/// Online or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    /// At least one socket connected.
    Online,
    /// No socket connected.
    Offline,
}

/// One online user in `presence:list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresenceUser {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Always `online` in lists (lists hold online users only).
    pub status: PresenceStatus,
    /// Number of connected sockets (tabs, devices).
    pub connections: u32,
    /// When the user came online.
    pub since: Timestamp,
}

/// `presence:list` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PresenceListRequest {
    /// Page size, at most [`PresenceListRequest::CAP`].
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The last `userId` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<String>,
}

impl PresenceListRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 1000;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 1000;
}

impl Validate for PresenceListRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        if let Some(after) = &self.after {
            validate::id("after", after)?;
        }
        Ok(())
    }
}

/// `presence:list` ack result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresenceList {
    /// Online users ordered by `userId`.
    pub users: Vec<PresenceUser>,
    /// Pass back as `after` for the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

/// `user:online` / `user:offline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserPresence {
    /// The user whose presence changed.
    pub user_id: String,
}

/// `user:status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    /// The user whose presence changed.
    pub user_id: String,
    /// The new status.
    pub status: PresenceStatus,
    /// When the transition happened.
    pub last_activity: Timestamp,
}

/// `get:online:count` ack result and `{count}` payloads in general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Count {
    /// The number.
    pub count: u64,
}
