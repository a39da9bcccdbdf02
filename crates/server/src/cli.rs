//! Command line of `opsdeck-server`: `serve`, `token`, `user add|list`.
//!
//! Each `serve` option comes from its flag, else its `OPSDECK_*` env var, else the TOML file
//! given by `--config`, else the default. `JWT_SECRET` is read from the environment (or the
//! file's `jwt-secret`), never from a flag, so it does not show in `ps`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use opsdeck_protocol::Role;

use crate::auth::AuthConfig;
use crate::config::{Config, FileConfig, LogFormat, PresenceBroadcast, secs};
use crate::error::ServerError;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4000";
/// Default database file.
pub const DEFAULT_DB: &str = "opsdeck.db";

/// `opsdeck-server`: the Opsdeck Socket.IO server.
#[derive(Debug, Parser)]
#[command(name = "opsdeck-server", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Print a signed JWT (HS256 with env JWT_SECRET, or --private-key).
    Token(TokenArgs),
    /// Manage known users in the database.
    #[command(subcommand)]
    User(UserCommand),
}

/// `serve` options. Every one is optional here so the file can fill what flags and env leave.
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// TOML configuration file (keys are the long flag names).
    #[arg(long, env = "OPSDECK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:4000].
    #[arg(long, env = "OPSDECK_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// SQLite database file, created if missing [default: opsdeck.db].
    #[arg(long, env = "OPSDECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Verify tokens with this PEM public key (RS256 or ES256) instead of env JWT_SECRET.
    #[arg(long, env = "OPSDECK_JWT_PUBLIC_KEY", value_name = "FILE")]
    pub jwt_public_key: Option<PathBuf>,
    /// Admit clients without a token as anonymous viewers [default: false].
    #[arg(long, env = "OPSDECK_ALLOW_ANONYMOUS", num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub allow_anonymous: Option<bool>,
    /// Who gets user:online/offline/status: `subscribers` (room presence) or `all` sockets
    /// [default: subscribers].
    #[arg(long, env = "OPSDECK_PRESENCE_BROADCAST", value_enum)]
    pub presence_broadcast: Option<PresenceBroadcast>,
    /// Also broadcast `getOnlineUsers` to every socket, at most once a second [default: false].
    #[arg(long, env = "OPSDECK_GETONLINEUSERS", num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub getonlineusers: Option<bool>,
    /// Allowed CORS origin; repeat or comma-separate; `*` allows any [default: none].
    #[arg(
        long = "cors-origin",
        env = "OPSDECK_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,
    /// Require this bearer token for GET /metrics [default: open].
    #[arg(long, env = "OPSDECK_METRICS_TOKEN", value_name = "TOKEN")]
    pub metrics_token: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "OPSDECK_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Largest client→server packet in bytes; larger closes the connection [default: 65536].
    #[arg(long, env = "OPSDECK_MAX_PACKET_BYTES", value_name = "BYTES")]
    pub max_packet_bytes: Option<u64>,
    /// Rooms a socket may join, identity rooms not counted [default: 1000].
    #[arg(long, env = "OPSDECK_MAX_ROOMS_PER_SOCKET", value_name = "N")]
    pub max_rooms_per_socket: Option<usize>,
    /// Events per second per socket [default: 50].
    #[arg(long, env = "OPSDECK_RATE_LIMIT", value_name = "PER_SEC")]
    pub rate_limit: Option<f64>,
    /// Event burst per socket [default: 100].
    #[arg(long, env = "OPSDECK_RATE_BURST", value_name = "N")]
    pub rate_burst: Option<f64>,
    /// Location reports per second per device socket [default: 20].
    #[arg(long, env = "OPSDECK_DEVICE_REPORT_RATE", value_name = "PER_SEC")]
    pub device_report_rate: Option<f64>,
    /// Packets buffered per connection; a client that stops reading is disconnected once it
    /// is full [default: 256].
    #[arg(long, env = "OPSDECK_SEND_BUFFER", value_name = "PACKETS")]
    pub send_buffer: Option<usize>,
    /// Drop a connection whose writes make no progress for this many seconds (the client
    /// stopped reading) [default: 10].
    #[arg(long, env = "OPSDECK_SEND_TIMEOUT", value_name = "SECS")]
    pub send_timeout: Option<f64>,
    /// Engine.IO ping interval in seconds [default: 25].
    #[arg(long, env = "OPSDECK_PING_INTERVAL", value_name = "SECS")]
    pub ping_interval: Option<f64>,
    /// Engine.IO ping timeout in seconds [default: 20].
    #[arg(long, env = "OPSDECK_PING_TIMEOUT", value_name = "SECS")]
    pub ping_timeout: Option<f64>,
    /// Run the built-in fleet and KPI simulator (a living demo without any other process)
    /// [default: false].
    #[arg(long, env = "OPSDECK_DEMO", num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub demo: Option<bool>,
    /// Simulated vehicles with --demo [default: 200].
    #[arg(long, env = "OPSDECK_VEHICLES", value_name = "N")]
    pub vehicles: Option<usize>,
    /// Seconds without a report before a vehicle turns offline [default: 300].
    #[arg(long, env = "OPSDECK_INACTIVITY", value_name = "SECS")]
    pub inactivity: Option<f64>,
    /// Fuel percentage below which vehicle:low-fuel fires [default: 15].
    #[arg(long, env = "OPSDECK_LOW_FUEL", value_name = "PERCENT")]
    pub low_fuel: Option<f64>,
    /// Days of location history to keep; 0 keeps everything [default: 30].
    #[arg(long, env = "OPSDECK_HISTORY_DAYS", value_name = "DAYS")]
    pub history_days: Option<f64>,
    /// Longest time between two kpi:update:{module} of a module, in seconds [default: 5].
    #[arg(long, env = "OPSDECK_KPI_INTERVAL", value_name = "SECS")]
    pub kpi_interval: Option<f64>,
    /// Longest time between two dashboard:update, in seconds [default: 10].
    #[arg(long, env = "OPSDECK_DASHBOARD_INTERVAL", value_name = "SECS")]
    pub dashboard_interval: Option<f64>,
    /// This node's name in sockets:list [default: $HOSTNAME].
    #[arg(long, env = "OPSDECK_NODE_ID", value_name = "NAME")]
    pub node_id: Option<String>,
}

/// What `serve` resolved to.
#[derive(Debug)]
pub struct Resolved {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Log format.
    pub log_format: LogFormat,
    /// Server configuration.
    pub config: Config,
}

impl ServeArgs {
    /// Applies the precedence flags/env (already in `self`) > file > defaults. `jwt_secret` is
    /// the value of env `JWT_SECRET`, passed in so this stays pure.
    pub fn resolve(self, jwt_secret: Option<String>) -> Result<Resolved, ServerError> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let public_key = self.jwt_public_key.or(file.jwt_public_key);
        let auth = match (public_key, jwt_secret.or(file.jwt_secret)) {
            (Some(path), _) => AuthConfig::from_public_key_file(&path)?,
            (None, Some(secret)) => AuthConfig::Secret(secret.into_bytes()),
            (None, None) => {
                return Err(ServerError::Config {
                    message: "set env JWT_SECRET (at least 16 bytes) or --jwt-public-key".into(),
                });
            }
        };
        let db = self.db.or(file.db).unwrap_or_else(|| DEFAULT_DB.into());
        let mut config = Config::new(db, auth);
        config.allow_anonymous = self
            .allow_anonymous
            .or(file.allow_anonymous)
            .unwrap_or(false);
        config.presence_broadcast = self
            .presence_broadcast
            .or(file.presence_broadcast)
            .unwrap_or_default();
        config.getonlineusers = self.getonlineusers.or(file.getonlineusers).unwrap_or(false);
        config.cors_origins = if self.cors_origins.is_empty() {
            file.cors_origins.unwrap_or_default()
        } else {
            self.cors_origins
        };
        config.metrics_token = self.metrics_token.or(file.metrics_token);
        if let Some(node) = self.node_id.or(file.node_id) {
            config.node_id = node;
        }
        if let Some(v) = self.kpi_interval.or(file.kpi_interval) {
            config.kpi_interval = positive_secs("kpi-interval", v)?;
        }
        if let Some(v) = self.dashboard_interval.or(file.dashboard_interval) {
            config.dashboard_interval = positive_secs("dashboard-interval", v)?;
        }
        for t in file.kpi_thresholds.unwrap_or_default() {
            let t = opsdeck_protocol::kpi::KpiThreshold::from(t);
            opsdeck_protocol::Validate::validate(&t).map_err(|e| ServerError::Config {
                message: format!("kpi-threshold {}/{}: {e}", t.module_key, t.key),
            })?;
            config.kpi_thresholds.push(t);
        }
        let l = &mut config.limits;
        l.max_packet_bytes = self
            .max_packet_bytes
            .or(file.max_packet_bytes)
            .unwrap_or(l.max_packet_bytes);
        l.max_rooms_per_socket = self
            .max_rooms_per_socket
            .or(file.max_rooms_per_socket)
            .unwrap_or(l.max_rooms_per_socket);
        l.events_per_sec = self
            .rate_limit
            .or(file.rate_limit)
            .unwrap_or(l.events_per_sec);
        l.events_burst = self
            .rate_burst
            .or(file.rate_burst)
            .unwrap_or(l.events_burst);
        l.device_reports_per_sec = self
            .device_report_rate
            .or(file.device_report_rate)
            .unwrap_or(l.device_reports_per_sec);
        l.send_buffer_packets = self
            .send_buffer
            .or(file.send_buffer)
            .unwrap_or(l.send_buffer_packets);
        if let Some(v) = self.send_timeout.or(file.send_timeout) {
            l.send_stall_timeout = secs(v)?;
        }
        if let Some(v) = self.ping_interval.or(file.ping_interval) {
            l.ping_interval = secs(v)?;
        }
        if let Some(v) = self.ping_timeout.or(file.ping_timeout) {
            l.ping_timeout = secs(v)?;
        }
        if self.demo.or(file.demo).unwrap_or(false) {
            let mut demo = crate::config::DemoConfig::default();
            if let Some(n) = self.vehicles.or(file.vehicles) {
                demo.vehicles = n;
            }
            config.demo = Some(demo);
        }
        let f = &mut config.fleet;
        if let Some(v) = self.inactivity.or(file.inactivity) {
            f.inactivity = secs(v)?;
            f.sweep_interval = f
                .sweep_interval
                .min(f.inactivity / 2)
                .max(std::time::Duration::from_millis(100));
        }
        if let Some(v) = self.low_fuel.or(file.low_fuel) {
            f.low_fuel_threshold = v;
        }
        if let Some(days) = self.history_days.or(file.history_days) {
            f.history_retention = (days > 0.0).then(|| secs(days * 86_400.0)).transpose()?;
        }
        let l = &mut config.limits;
        if l.events_per_sec <= 0.0 || l.events_burst < 1.0 || l.send_buffer_packets == 0 {
            return Err(ServerError::Config {
                message: "rate limit, burst and send buffer must be positive".into(),
            });
        }
        let listen = match self.listen.or(file.listen) {
            Some(a) => a,
            None => DEFAULT_LISTEN.parse().map_err(|_| ServerError::Config {
                message: "bad default listen address".into(),
            })?,
        };
        Ok(Resolved {
            listen,
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
            config,
        })
    }
}

/// A duration in seconds that must be above zero.
fn positive_secs(name: &str, v: f64) -> Result<std::time::Duration, ServerError> {
    match secs(v)? {
        d if d.is_zero() => Err(ServerError::Config {
            message: format!("{name} must be above zero"),
        }),
        d => Ok(d),
    }
}

/// `token` options.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// User id (`sub` claim).
    #[arg(long)]
    pub sub: String,
    /// Role: viewer, driver, dispatcher, admin or device.
    #[arg(long)]
    pub role: Role,
    /// Display name [default: the user id].
    #[arg(long)]
    pub name: Option<String>,
    /// Lifetime, e.g. 90s, 30m, 24h, 7d.
    #[arg(long, default_value = "24h", value_parser = crate::auth::parse_ttl)]
    pub ttl: chrono::Duration,
    /// Vehicle a `device` token reports for (required for role device).
    #[arg(long)]
    pub vehicle_id: Option<String>,
    /// Sign with this PEM private key (RS256/ES256) instead of env JWT_SECRET.
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user, or update its name and role.
    Add {
        /// User id.
        #[arg(long)]
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role.
        #[arg(long)]
        role: Role,
        /// SQLite database file.
        #[arg(long, env = "OPSDECK_DB", default_value = DEFAULT_DB)]
        db: PathBuf,
    },
    /// List known users.
    List {
        /// SQLite database file.
        #[arg(long, env = "OPSDECK_DB", default_value = DEFAULT_DB)]
        db: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn serve(args: &[&str]) -> ServeArgs {
        let mut argv = vec!["opsdeck-server", "serve"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Serve(a) => *a,
            _ => unreachable!(),
        }
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults() {
        let r = serve(&[]).resolve(Some(SECRET.into())).unwrap();
        assert_eq!(r.listen.to_string(), DEFAULT_LISTEN);
        assert!(!r.config.allow_anonymous);
        assert_eq!(r.config.presence_broadcast, PresenceBroadcast::Subscribers);
        assert_eq!(r.config.limits.max_packet_bytes, 65536);
        assert_eq!(r.config.limits.events_per_sec, 50.0);
    }

    #[test]
    fn needs_a_key() {
        assert!(serve(&[]).resolve(None).is_err());
    }

    #[test]
    fn flags_beat_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("opsdeck.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:5000\"\nrate-limit = 10\nallow-anonymous = true\npresence-broadcast = \"all\"\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let r = serve(&["--config", f])
            .resolve(Some(SECRET.into()))
            .unwrap();
        assert_eq!(r.listen.port(), 5000);
        assert_eq!(r.config.limits.events_per_sec, 10.0);
        assert!(r.config.allow_anonymous);
        assert_eq!(r.config.presence_broadcast, PresenceBroadcast::All);
        let r = serve(&[
            "--config",
            f,
            "--listen",
            "127.0.0.1:6000",
            "--allow-anonymous=false",
            "--presence-broadcast",
            "subscribers",
        ])
        .resolve(Some(SECRET.into()))
        .unwrap();
        assert_eq!(r.listen.port(), 6000);
        assert!(!r.config.allow_anonymous);
        assert_eq!(r.config.presence_broadcast, PresenceBroadcast::Subscribers);
        assert_eq!(r.config.limits.events_per_sec, 10.0);
    }

    #[test]
    fn bare_bool_flags_mean_true() {
        let r = serve(&["--allow-anonymous", "--getonlineusers"])
            .resolve(Some(SECRET.into()))
            .unwrap();
        assert!(r.config.allow_anonymous);
        assert!(r.config.getonlineusers);
    }

    #[test]
    fn kpi_intervals_and_thresholds() {
        let r = serve(&[]).resolve(Some(SECRET.into())).unwrap();
        assert_eq!(r.config.kpi_interval, std::time::Duration::from_secs(5));
        assert_eq!(
            r.config.dashboard_interval,
            std::time::Duration::from_secs(10)
        );
        assert!(r.config.kpi_thresholds.is_empty());

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("opsdeck.toml");
        std::fs::write(
            &file,
            "kpi-interval = 2.5\ndashboard-interval = 4\n\n\
             [[kpi-threshold]]\nmodule = \"finance\"\nkey = \"revenue\"\n\
             warning = 1000\ncritical = 500\ndirection = \"below\"\n\n\
             [[kpi-threshold]]\nmodule = \"hr\"\nkey = \"attrition\"\n\
             warning = 5\ncritical = 10\ndirection = \"above\"\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let r = serve(&["--config", f, "--kpi-interval", "1"])
            .resolve(Some(SECRET.into()))
            .unwrap();
        assert_eq!(r.config.kpi_interval, std::time::Duration::from_secs(1));
        assert_eq!(
            r.config.dashboard_interval,
            std::time::Duration::from_secs(4)
        );
        let t = &r.config.kpi_thresholds;
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].module_key.as_str(), t[0].key.as_str()),
            ("finance", "revenue")
        );
        assert_eq!(
            t[0].direction,
            opsdeck_protocol::kpi::ThresholdDirection::Below
        );

        // Misordered thresholds, unknown keys and a zero interval are refused.
        for bad in [
            "[[kpi-threshold]]\nmodule = \"a\"\nkey = \"b\"\nwarning = 1\ncritical = 2\n\
             direction = \"below\"\n",
            "[[kpi-threshold]]\nmodule = \"a\"\nkey = \"b\"\nwarning = 1\ncritical = 2\n\
             direction = \"above\"\ncolour = 1\n",
            "kpi-interval = 0\n",
        ] {
            std::fs::write(&file, bad).unwrap();
            assert!(
                serve(&["--config", f])
                    .resolve(Some(SECRET.into()))
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn cors_origins_split_on_commas() {
        let r = serve(&[
            "--cors-origin",
            "http://a,http://b",
            "--cors-origin",
            "http://c",
        ])
        .resolve(Some(SECRET.into()))
        .unwrap();
        assert_eq!(r.config.cors_origins, ["http://a", "http://b", "http://c"]);
    }
}
