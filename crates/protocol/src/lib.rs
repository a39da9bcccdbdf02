//! The Opsdeck wire contract (`shared/PROTOCOL.md`), declared once.
//!
//! Every event name lives in [`events`], every payload in the module of its domain
//! (`identity`, `presence`, `notification`, `admin`, `kpi`, `fleet`, `chat`, `compat`), and
//! every error code in [`error`]. Payload types derive `serde` (camelCase on the wire) and
//! `ts_rs::TS`; `tests/bindings.rs` regenerates `ui/src/bindings/` and fails when the committed
//! copy is stale. No type carries `#[ts(export)]`: its generated test would write `./bindings`
//! on every `cargo test`. Instead `tests/bindings.rs` lists the types and checks the list
//! against every `derive(.., TS)` in `src/`, so a new type cannot be forgotten.
//!
//! Validation of client input (ids, text lengths, coordinate ranges) is in [`validate`] so the
//! server and the desktop client agree on what is acceptable.
//!
//! This crate knows nothing about sockets: no tokio, axum or tauri.
#![warn(missing_docs)]

pub mod ack;
pub mod admin;
pub mod chat;
pub mod compat;
pub mod error;
pub mod events;
pub mod fleet;
mod id_ref;
pub mod identity;
pub mod kpi;
pub mod notification;
pub mod presence;
pub mod role;
pub mod validate;

pub use ack::{AckFailure, ErrorEvent, ok_ack};
pub use error::{ErrorBody, ErrorCode, ProtocolError};
pub use role::Role;
pub use validate::{Validate, ValidationError};

/// Timestamps on the wire: ISO-8601 UTC strings.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
