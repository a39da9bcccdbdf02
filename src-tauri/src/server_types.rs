//! IPC types of the Server screen (docs/desktop-ipc.md): the embedded server's addresses and
//! token minting. Re-exported from `types.rs`; generated into `ui/src/bindings/app/`.

use opsdeck_protocol::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where devices and other operators can reach the embedded server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ServerAddresses {
    /// The address the server is bound to, e.g. `0.0.0.0:4700`.
    pub listen: String,
    /// Whether only this machine can connect (bound to a loopback address).
    pub loopback_only: bool,
    /// URLs to dial (`http://ip:port`), the most useful first; the interface addresses of
    /// this machine when bound to every interface.
    pub urls: Vec<String>,
}

/// A token to mint with the embedded server's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct MintRequest {
    /// User id (`sub`).
    pub sub: String,
    /// Role.
    pub role: Role,
    /// Display name.
    pub name: String,
    /// Lifetime in hours (1 hour to 5 years).
    pub ttl_hours: u32,
    /// The vehicle a `device` reports for (required for devices, refused otherwise).
    #[ts(optional)]
    pub vehicle_id: Option<String>,
    /// The URL the QR code points devices at (one of [`ServerAddresses::urls`]).
    pub url: String,
}

/// A minted token, ready to copy or scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct MintedToken {
    /// The JWT.
    pub token: String,
    /// When it expires.
    pub expires_at: opsdeck_protocol::Timestamp,
    /// What the QR code encodes: `{"url": ..., "token": ...}` as JSON.
    pub payload: String,
    /// The QR code of `payload`, as an SVG document.
    pub qr_svg: String,
}
