//! The Opsdeck client core: one supervised Socket.IO connection to an Opsdeck server (or a
//! reference backend that speaks part of PROTOCOL.md), for the desktop app and tools. No
//! Tauri here; `src-tauri` translates.
//!
//! ```no_run
//! # async fn demo() -> Result<(), opsdeck_client::ClientError> {
//! use opsdeck_client::{Client, ClientConfig, ClientEvent, ServerEvent};
//!
//! let (client, mut events) = Client::start(ClientConfig::new("http://127.0.0.1:4700").with_token("jwt"));
//! client.subscribe_module("finance").await?; // recorded: restored after every reconnect
//! while let Some(ev) = events.recv().await {
//!     match ev {
//!         ClientEvent::State(s) => println!("{s:?}"),
//!         ClientEvent::Server(ServerEvent::KpiUpdate { module, kpis }) => println!("{module}: {}", kpis.len()),
//!         _ => {}
//!     }
//! }
//! client.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it does on top of rust_socketio (whose own reconnect is switched off):
//! - **Supervisor** (`supervisor.rs`): one task owns the connection lifecycle. A fresh
//!   rust_socketio client per attempt; capped exponential backoff with jitter (`backoff.rs`)
//!   between attempts, including the first connect; loss detected from the server's
//!   `Disconnect`, failed emits and a periodic timed request; credentials refused → state
//!   [`ConnectionState::AuthFailed`] and no retry until [`Client::set_token`];
//!   [`Client::shutdown`] ends it for good.
//! - **Resubscribe and catch-up**: subscriptions made through the client
//!   (`subscriptions.rs`) are replayed after every reconnect; notifications and chat messages
//!   sent meanwhile are fetched and emitted (`catchup/`).
//! - **Typed requests** with ack and timeout (`client.rs`, `ack.rs`, helpers in `api/`):
//!   `{success: true, ...}` decodes into the result type, `{success: false, error}` becomes
//!   [`ClientError::Server`].
//! - **One stream of typed events** ([`ClientEvent`], [`ServerEvent`] in `events.rs`) and a
//!   state mirror ([`Client::state`], `state.rs`) with the measured round-trip latency.
//! - **Capability detection** (`capabilities.rs`, `probe.rs`): which features the server
//!   answers, so the UI hides what a partial server lacks instead of erroring.
//!
//! One connection attempt on a fresh rust_socketio client is `handshake.rs`; a live
//! connection (rust_socketio callbacks → event pump, ack gate) is `connection.rs`; state
//! shared between the handle and the tasks is `shared.rs`.
#![warn(missing_docs)]

mod ack;
mod api;
mod backoff;
mod capabilities;
mod catchup;
mod client;
mod config;
mod connection;
mod error;
mod events;
mod handshake;
mod probe;
mod shared;
mod state;
mod subscriptions;
mod supervisor;

pub use backoff::Backoff;
pub use capabilities::{Capabilities, Feature, Support, feature_of_request};
pub use client::{Client, EventStream};
pub use config::ClientConfig;
pub use error::ClientError;
pub use events::{CatchUpReport, ClientEvent, ServerEvent};
pub use state::{ConnectionState, Latency};
pub use subscriptions::{Subscribed, Subscription};
