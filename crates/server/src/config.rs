//! Resolved server configuration, and the TOML file format it can be read from.
//!
//! Precedence is flags > env (`OPSDECK_*`) > TOML file > defaults; clap handles the first two
//! (see `cli.rs`), [`FileConfig::merge_under`] the last two.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::auth::AuthConfig;
use crate::error::ServerError;

/// Who receives `user:online` / `user:offline` / `user:status` (PROTOCOL.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum PresenceBroadcast {
    /// Only sockets that sent `presence:subscribe` (room `presence`). O(subscribers) per
    /// transition.
    #[default]
    Subscribers,
    /// Every socket except the user's own, as the chat reference backends do. O(users) per
    /// transition, so O(users²) in a reconnect storm.
    All,
}

/// Limits of PROTOCOL.md §10 and transport tuning.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest client→server packet; a larger one closes the connection.
    pub max_packet_bytes: u64,
    /// Rooms a socket may join, identity rooms not counted.
    pub max_rooms_per_socket: usize,
    /// Sustained events per second per socket.
    pub events_per_sec: f64,
    /// Burst of events per socket.
    pub events_burst: f64,
    /// Sustained location reports per second for `device` sockets.
    pub device_reports_per_sec: f64,
    /// Packets buffered per connection before emits to it fail. A client that stops reading
    /// fills this, its next heartbeat cannot be queued and the engine closes it.
    pub send_buffer_packets: usize,
    /// A connection whose writes make no progress for this long is dropped (the peer stopped
    /// reading). Together with `send_buffer_packets` this bounds a slow client's memory.
    pub send_stall_timeout: Duration,
    /// Engine.IO ping interval.
    pub ping_interval: Duration,
    /// Engine.IO ping timeout.
    pub ping_timeout: Duration,
    /// Largest HTTP request body.
    pub max_http_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_packet_bytes: 64 * 1024,
            max_rooms_per_socket: 1000,
            events_per_sec: 50.0,
            events_burst: 100.0,
            device_reports_per_sec: 20.0,
            send_buffer_packets: 256,
            send_stall_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            max_http_body_bytes: 1024 * 1024,
        }
    }
}

/// Everything [`crate::run`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite database file (created if missing).
    pub db_path: PathBuf,
    /// SQLite page cache per pooled connection, MiB.
    pub db_cache_mib: u32,
    /// How tokens are verified.
    pub auth: AuthConfig,
    /// Admit clients without a token as anonymous viewers.
    pub allow_anonymous: bool,
    /// Presence fan-out.
    pub presence_broadcast: PresenceBroadcast,
    /// Also broadcast `getOnlineUsers` (seed 004 compatibility), at most once a second.
    pub getonlineusers: bool,
    /// Allowed CORS origins; empty allows none cross-origin, `*` allows any.
    pub cors_origins: Vec<String>,
    /// Protect `/metrics` with this bearer token when set.
    pub metrics_token: Option<String>,
    /// Limits.
    pub limits: Limits,
    /// This node's name in `sockets:list` and `stats`.
    pub node_id: String,
    /// Interval of `stats` on `/admin`.
    pub stats_interval: Duration,
    /// Longest time between two `kpi:update:{module}` of a module (sent sooner on change).
    pub kpi_interval: Duration,
    /// Longest time between two `dashboard:update` (sent sooner on change).
    pub dashboard_interval: Duration,
    /// KPI thresholds from the configuration file; one set with `kpi:threshold` takes
    /// precedence for its KPI (and survives restarts).
    pub kpi_thresholds: Vec<opsdeck_protocol::kpi::KpiThreshold>,
    /// Fleet rules and retention.
    pub fleet: crate::fleet::FleetConfig,
    /// Run the built-in fleet and KPI simulator (`--demo`).
    pub demo: Option<DemoConfig>,
}

/// The in-process simulator of `serve --demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    /// Simulated vehicles.
    pub vehicles: usize,
    /// Random seed (same seed, same world).
    pub seed: u64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            vehicles: 200,
            seed: 7,
        }
    }
}

impl Config {
    /// A configuration with defaults for everything but the database and auth.
    pub fn new(db_path: impl Into<PathBuf>, auth: AuthConfig) -> Self {
        Self {
            db_path: db_path.into(),
            db_cache_mib: crate::store::DEFAULT_CACHE_MIB,
            auth,
            allow_anonymous: false,
            presence_broadcast: PresenceBroadcast::default(),
            getonlineusers: false,
            cors_origins: Vec::new(),
            metrics_token: None,
            limits: Limits::default(),
            node_id: default_node_id(),
            stats_interval: Duration::from_secs(1),
            kpi_interval: Duration::from_secs(5),
            dashboard_interval: Duration::from_secs(10),
            kpi_thresholds: Vec::new(),
            fleet: crate::fleet::FleetConfig::default(),
            demo: None,
        }
    }
}

fn default_node_id() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "opsdeck-1".to_owned())
}

/// The TOML configuration file. Every key is optional; names match the long flags.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileConfig {
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--db`.
    pub db: Option<PathBuf>,
    /// The HS256 secret (prefer env `JWT_SECRET`).
    pub jwt_secret: Option<String>,
    /// `--jwt-public-key`.
    pub jwt_public_key: Option<PathBuf>,
    /// `--allow-anonymous`.
    pub allow_anonymous: Option<bool>,
    /// `--presence-broadcast`.
    pub presence_broadcast: Option<PresenceBroadcast>,
    /// `--getonlineusers`.
    pub getonlineusers: Option<bool>,
    /// `--cors-origin`.
    pub cors_origins: Option<Vec<String>>,
    /// `--metrics-token`.
    pub metrics_token: Option<String>,
    /// `--log-format`.
    pub log_format: Option<LogFormat>,
    /// `--max-packet-bytes`.
    pub max_packet_bytes: Option<u64>,
    /// `--max-rooms-per-socket`.
    pub max_rooms_per_socket: Option<usize>,
    /// `--rate-limit`.
    pub rate_limit: Option<f64>,
    /// `--rate-burst`.
    pub rate_burst: Option<f64>,
    /// `--device-report-rate`.
    pub device_report_rate: Option<f64>,
    /// `--send-buffer`.
    pub send_buffer: Option<usize>,
    /// `--send-timeout` in seconds.
    pub send_timeout: Option<f64>,
    /// `--ping-interval` in seconds.
    pub ping_interval: Option<f64>,
    /// `--ping-timeout` in seconds.
    pub ping_timeout: Option<f64>,
    /// `--node-id`.
    pub node_id: Option<String>,
    /// `--kpi-interval` in seconds.
    pub kpi_interval: Option<f64>,
    /// `--dashboard-interval` in seconds.
    pub dashboard_interval: Option<f64>,
    /// KPI thresholds, as `[[kpi-threshold]]` tables (file only).
    #[serde(rename = "kpi-threshold", alias = "kpi-thresholds")]
    pub kpi_thresholds: Option<Vec<KpiThresholdEntry>>,
    /// `--demo`.
    pub demo: Option<bool>,
    /// `--vehicles`.
    pub vehicles: Option<usize>,
    /// `--inactivity` in seconds.
    pub inactivity: Option<f64>,
    /// `--low-fuel` percent.
    pub low_fuel: Option<f64>,
    /// `--history-days`.
    pub history_days: Option<f64>,
}

impl FileConfig {
    /// Reads and parses a TOML file.
    pub fn load(path: &Path) -> Result<Self, ServerError> {
        let text = std::fs::read_to_string(path).map_err(|e| ServerError::Config {
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        toml::from_str(&text).map_err(|e| ServerError::Config {
            message: format!("{}: {e}", path.display()),
        })
    }
}

/// One `[[kpi-threshold]]` table of the configuration file:
/// `module = "finance"`, `key = "revenue"`, `warning`, `critical`, `direction = "below"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct KpiThresholdEntry {
    /// The module key.
    pub module: String,
    /// The KPI key.
    pub key: String,
    /// Where `warning` starts.
    pub warning: f64,
    /// Where `critical` starts.
    pub critical: f64,
    /// `above` or `below`: which side is bad.
    pub direction: opsdeck_protocol::kpi::ThresholdDirection,
}

impl From<KpiThresholdEntry> for opsdeck_protocol::kpi::KpiThreshold {
    fn from(e: KpiThresholdEntry) -> Self {
        Self {
            module_key: e.module,
            key: e.key,
            warning: e.warning,
            critical: e.critical,
            direction: e.direction,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Parses a duration given in (possibly fractional) seconds.
pub fn secs(value: f64) -> Result<Duration, ServerError> {
    Duration::try_from_secs_f64(value).map_err(|_| ServerError::Config {
        message: format!("invalid duration {value}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_config_parses_every_key() {
        let f: FileConfig = toml::from_str(
            r#"
            listen = "0.0.0.0:4000"
            db = "/var/lib/opsdeck/opsdeck.db"
            allow-anonymous = true
            presence-broadcast = "all"
            getonlineusers = true
            cors-origins = ["http://localhost:3002"]
            max-packet-bytes = 1000
            rate-limit = 10.5
            ping-interval = 5
            "#,
        )
        .unwrap();
        assert_eq!(f.listen, Some("0.0.0.0:4000".parse().unwrap()));
        assert_eq!(f.presence_broadcast, Some(PresenceBroadcast::All));
        assert_eq!(f.allow_anonymous, Some(true));
        assert_eq!(f.rate_limit, Some(10.5));
        assert_eq!(f.ping_interval, Some(5.0));
    }

    #[test]
    fn file_config_rejects_unknown_keys() {
        assert!(toml::from_str::<FileConfig>("lissten = \"x\"").is_err());
    }
}
