//! The app's own IPC types (docs/desktop-ipc.md), beside the protocol types. Generated into
//! `ui/src/bindings/app/` by `tests/bindings.rs` (UPDATE_BINDINGS=1 regenerates).

use opsdeck_protocol::fleet::{Geofence, Trip, Vehicle};
use opsdeck_protocol::identity::UserRef;
use opsdeck_protocol::kpi::{DashboardUpdate, Kpi};
use opsdeck_protocol::notification::SendNotification;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::history::HistoryTrack;
pub use crate::server_types::{MintRequest, MintedToken, ServerAddresses};
pub use crate::trips::ClosedTrip;

/// Which server the app talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// The server runs inside the app.
    #[default]
    Embedded,
    /// A remote Opsdeck (or compatible) server from a profile.
    Remote,
}

/// What the connected server supports; the UI hides the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
pub struct Capabilities {
    /// Presence (`presence:*`).
    pub presence: bool,
    /// Notifications (§6).
    pub notifications: bool,
    /// Fleet (§5).
    pub fleet: bool,
    /// KPIs (§4).
    pub kpi: bool,
    /// Chat (§7).
    pub chat: bool,
    /// Operations (`/admin`).
    pub admin: bool,
}

/// Connection state as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnState {
    /// First attempt(s).
    #[serde(rename_all = "camelCase")]
    Connecting {
        /// Attempt number, from 1.
        attempt: u32,
    },
    /// Connected and authenticated.
    #[serde(rename_all = "camelCase")]
    Connected {
        /// Socket id.
        socket_id: String,
    },
    /// Lost; retrying.
    #[serde(rename_all = "camelCase")]
    Reconnecting {
        /// Attempt number.
        attempt: u32,
        /// Time until the next attempt.
        retry_in_ms: u64,
    },
    /// Not connected and not retrying.
    #[serde(rename_all = "camelCase")]
    Disconnected {
        /// Why.
        reason: String,
    },
    /// The server refused the token.
    #[serde(rename_all = "camelCase")]
    AuthFailed {
        /// The server's message.
        message: String,
    },
}

/// The embedded server's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedSettings {
    /// Listen address (`127.0.0.1:4700` by default; `0.0.0.0:4700` for LAN devices).
    pub listen: String,
    /// Run the built-in simulator.
    pub simulator: bool,
    /// Simulated vehicles.
    pub vehicles: u32,
}

/// Everything the Connection screen and the status bar show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ConnStatus {
    /// Embedded or remote.
    pub mode: Mode,
    /// The remote profile in use.
    pub profile_id: Option<String>,
    /// The server's URL.
    pub server_url: String,
    /// Connection state.
    pub state: ConnState,
    /// Last measured round trip.
    pub latency_ms: Option<f64>,
    /// Who the server says we are.
    pub user: Option<UserRef>,
    /// What the server supports.
    pub capabilities: Capabilities,
    /// The embedded server, in embedded mode.
    pub embedded: Option<EmbeddedSettings>,
    /// Why secrets will not survive a restart (no OS keyring), if so.
    pub keyring_warning: Option<String>,
}

/// A remote server profile (its token is in the OS keyring only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Server URL.
    pub url: String,
    /// Whether a token is stored for it.
    pub has_token: bool,
}

/// A profile to create or update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    /// Absent to create.
    #[ts(optional)]
    pub id: Option<String>,
    /// Display name.
    pub name: String,
    /// Server URL (http or https).
    pub url: String,
    /// New token; absent keeps the stored one, empty deletes it.
    #[ts(optional)]
    pub token: Option<String>,
}

/// Result of testing a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ProbeResult {
    /// Connected (and authenticated).
    pub ok: bool,
    /// What happened.
    pub message: String,
    /// Round trip of one request.
    pub latency_ms: Option<f64>,
}

/// Light, dark or follow the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
    /// Follow the system.
    #[default]
    System,
}

/// User settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Embedded server.
    pub embedded: EmbeddedSettings,
    /// Optional online raster tiles (`{z}/{x}/{y}`); the bundled offline basemap otherwise.
    pub tile_url: Option<String>,
    /// Theme.
    pub theme: Theme,
    /// Play a sound for new critical alerts.
    #[serde(default = "yes")]
    pub alert_sounds: bool,
}

fn yes() -> bool {
    true
}

/// One module's KPIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
pub struct KpiModule {
    /// Module key.
    pub key: String,
    /// Its KPIs.
    pub kpis: Vec<Kpi>,
}

/// Everything known about KPIs now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
pub struct KpiSnapshot {
    /// Modules in display order.
    pub modules: Vec<KpiModule>,
    /// Last dashboard update.
    pub dashboard: Option<DashboardUpdate>,
}

/// Everything known about the fleet now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
pub struct FleetSnapshot {
    /// Vehicles by id.
    pub vehicles: Vec<Vehicle>,
    /// Open trips.
    pub trips: Vec<Trip>,
    /// Geofences.
    pub geofences: Vec<Geofence>,
}

/// A notification this app sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct SentNotification {
    /// Its id.
    pub id: String,
    /// Users addressed.
    #[ts(type = "number")]
    pub recipients: u64,
    /// What was sent.
    pub request: SendNotification,
    /// When.
    pub sent_at: opsdeck_protocol::Timestamp,
}

/// `fleet://positions`: what changed in the fleet since the last batch, coalesced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
pub struct Positions {
    /// Latest position per vehicle since the last batch.
    pub updates: Vec<opsdeck_protocol::fleet::VehicleLocation>,
    /// Vehicle records that changed (status, trip, fuel), latest per vehicle.
    #[serde(default)]
    pub vehicles: Vec<opsdeck_protocol::fleet::Vehicle>,
    /// Open trips that changed (started, progress), latest per trip. A trip that closes comes
    /// at once as `fleet://trip` instead.
    #[serde(default)]
    pub trips: Vec<opsdeck_protocol::fleet::Trip>,
}

#[cfg(test)]
mod bindings {
    //! Keeps `ui/src/bindings/app/` in step with these types (UPDATE_BINDINGS=1 rewrites).

    use std::any::TypeId;
    use std::collections::{BTreeMap, HashSet};
    use std::path::PathBuf;

    use ts_rs::{Config, TS, TypeVisitor};

    use super::*;

    struct Collector<'a> {
        cfg: &'a Config,
        seen: HashSet<TypeId>,
        files: BTreeMap<String, String>,
    }

    impl TypeVisitor for Collector<'_> {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            let Some(path) = T::output_path() else { return };
            if !self.seen.insert(TypeId::of::<T>()) {
                return;
            }
            let name = path.to_string_lossy().replace('\\', "/");
            if let Some(file) = name.strip_prefix("app/") {
                let ts = T::export_to_string(self.cfg).expect("exportable");
                self.files.insert(file.to_owned(), ts);
                T::visit_dependencies(self);
            }
        }
    }

    fn generate() -> BTreeMap<String, String> {
        let cfg = Config::new().with_large_int("number");
        let mut c = Collector {
            cfg: &cfg,
            seen: HashSet::new(),
            files: BTreeMap::new(),
        };
        c.visit::<ConnStatus>();
        c.visit::<Profile>();
        c.visit::<ProfileInput>();
        c.visit::<ProbeResult>();
        c.visit::<Settings>();
        c.visit::<KpiSnapshot>();
        c.visit::<FleetSnapshot>();
        c.visit::<HistoryTrack>();
        c.visit::<ClosedTrip>();
        c.visit::<SentNotification>();
        c.visit::<Positions>();
        c.visit::<ServerAddresses>();
        c.visit::<MintRequest>();
        c.visit::<MintedToken>();
        c.visit::<crate::chat::ChatTyping>();
        let mut index = String::from(
            "// Generated by src-tauri/src/types.rs. Do not edit this file manually.\n",
        );
        for name in c.files.keys() {
            let ty = name.trim_end_matches(".ts");
            index.push_str(&format!("export type {{ {ty} }} from \"./{ty}\";\n"));
        }
        c.files.insert("index.ts".into(), index);
        c.files
    }

    #[test]
    fn app_bindings_are_up_to_date() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings/app");
        let expected = generate();
        if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| !v.is_empty() && v != "0") {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create bindings dir");
            for (name, content) in &expected {
                std::fs::write(dir.join(name), content).expect("write binding");
            }
            return;
        }
        let mut actual = BTreeMap::new();
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let content = std::fs::read_to_string(e.path()).unwrap_or_default();
            actual.insert(e.file_name().to_string_lossy().into_owned(), content);
        }
        assert!(
            actual == expected,
            "ui/src/bindings/app is stale: run UPDATE_BINDINGS=1 cargo test -p opsdeck --lib types::bindings"
        );
    }
}
