//! The Opsdeck Socket.IO server.
//!
//! One entry point, [`run`]`(listener, config, shutdown)`, serves the tests (on
//! `127.0.0.1:0`), the `opsdeck-server` binary and the desktop app's embedded mode.
//!
//! Where things live:
//! - `auth.rs`: JWT → [`auth::Identity`]; minting tokens.
//! - `handlers/`: one file per domain; `handlers/mod.rs` has the common event wrapper
//!   (rate limit, decode, ack or `error`), `connection.rs` the handshake middleware.
//! - `fleet/`: vehicles, trips, geofences, tracking fan-out, batched history writes.
//! - `kpi/`: KPI modules, thresholds, coalesced `kpi:update` / `dashboard:update`.
//! - `alerts.rs`: stored alerts ([`alerts::raise`]) and the last-hour count.
//! - `chat/`: rooms, messages, DMs and the naming table of the reference backends' events.
//! - `domain/`: pure logic without sockets (presence transitions, rate limiting, cursors).
//! - `store/`: SQLite through sqlx, migrations in `migrations/`.
//! - `http/`: REST, health, Prometheus metrics.
//! - `transport.rs`: the TCP listener that drops clients which stop reading.
//! - `cli.rs`: flags, env and TOML file → [`Config`].
#![warn(missing_docs)]

pub mod alerts;
pub mod auth;
pub mod chat;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod fleet;
pub mod handlers;
pub mod http;
pub mod kpi;
pub mod metrics;
mod outbox;
mod server;
pub mod state;
pub mod store;
pub mod transport;

pub use config::{Config, Limits, PresenceBroadcast};
pub use error::ServerError;
pub use server::{run, socketio_builder};
