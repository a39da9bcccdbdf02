//! Tauri commands, one file per domain, a few lines each: they call the shell or the client
//! and turn errors into strings for the UI (docs/desktop-ipc.md).

pub mod alerts;
pub mod chat;
pub mod connection;
pub mod fleet;
pub mod geofences;
pub mod history;
pub mod kpi;
pub mod notifications;
pub mod presence;
pub mod profiles;
pub mod server;
pub mod settings;
pub mod trips;

use std::sync::Arc;

use crate::shell::Shell;

/// The shell as commands get it.
pub type ShellState<'a> = tauri::State<'a, Arc<Shell>>;

/// Errors as the UI shows them.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
