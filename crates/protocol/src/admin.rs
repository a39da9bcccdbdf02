//! Operations (PROTOCOL.md §8): the `/admin` namespace and the HTTP operations endpoints.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::validate::{self, Validate, ValidationError};
use crate::{Role, Timestamp};

/// The namespace of operations events.
pub const ADMIN_NAMESPACE: &str = "/admin";

/// `stats`, once a second to `stats:subscribe`rs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Connected sockets on the main namespace.
    pub connections: u64,
    /// Online users.
    pub users: u64,
    /// Rooms in use on the main namespace.
    pub rooms: u64,
    /// Client→server events per second, over the last second.
    pub events_in_per_sec: f64,
    /// Server→client events per second (one per receiving socket).
    pub events_out_per_sec: f64,
    /// Server→client payload bytes per second.
    pub bytes_out_per_sec: f64,
    /// Resident set size of the server process.
    pub rss_bytes: u64,
    /// Seconds since the server started.
    pub uptime_s: u64,
    /// Number of server nodes in the cluster.
    pub nodes: u32,
}

/// One socket in `sockets:list` and `GET /api/connections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SocketInfo {
    /// Socket.IO id.
    pub socket_id: String,
    /// User id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When it connected.
    pub connected_at: Timestamp,
    /// `websocket` or `polling`.
    pub transport: String,
    /// Rooms it is in, identity rooms included.
    pub rooms: Vec<String>,
    /// Peer address.
    pub remote_addr: String,
    /// The node holding it.
    pub node: String,
}

/// `sockets:list` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SocketsListRequest {
    /// Page size, at most 1000.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The last `socketId` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<String>,
}

impl SocketsListRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 1000;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 1000;
}

impl Validate for SocketsListRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        if let Some(a) = &self.after {
            validate::id("after", a)?;
        }
        Ok(())
    }
}

/// `sockets:list` ack result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SocketsList {
    /// Ordered by `connectedAt`.
    pub sockets: Vec<SocketInfo>,
    /// Pass back as `after`; `null` at the end.
    pub next_cursor: Option<String>,
}

/// `socket:disconnect` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SocketDisconnect {
    /// The socket to close.
    pub socket_id: String,
}

impl Validate for SocketDisconnect {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("socketId", &self.socket_id)
    }
}

/// A room and its size in `rooms:list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomInfo {
    /// Room name.
    pub name: String,
    /// Sockets in it.
    pub size: u64,
}

/// `rooms:list` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomsList {
    /// Rooms, largest first.
    pub rooms: Vec<RoomInfo>,
}

/// `sockets:disconnect-all` ack result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Disconnected {
    /// How many sockets were closed.
    pub disconnected: u64,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// The `socket` member of `GET /api/socket/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SocketLayerHealth {
    /// The Socket.IO layer is up.
    pub initialized: bool,
    /// Connected sockets.
    pub connected: u64,
    /// Rooms in use.
    pub rooms: u64,
}

/// `GET /api/socket/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SocketHealth {
    /// `ok`.
    pub status: String,
    /// Socket layer details.
    pub socket: SocketLayerHealth,
}

/// A user record of `GET /api/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserRecord {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When the server first knew the user.
    pub created_at: Timestamp,
    /// The last time the user went offline; `null` if never.
    pub last_seen: Option<Timestamp>,
    /// Whether the user is online now.
    pub online: bool,
}

/// `POST /api/users` body; an existing id is updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UpsertUser {
    /// User id.
    pub id: String,
    /// Display name, 1..=100 characters.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Validate for UpsertUser {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("id", &self.id)?;
        validate::text("name", &self.name, 1, 100)
    }
}

/// HTTP success envelope `{success: true, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HttpOk<T> {
    /// Always `true`.
    pub success: bool,
    /// The result.
    pub data: T,
}
