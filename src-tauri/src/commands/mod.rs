//! Tauri commands, one file per domain, a few lines each: they call the shell or the client
//! and turn errors into strings for the UI (docs/desktop-ipc.md).

pub mod connection;
pub mod fleet;
pub mod kpi;
pub mod notifications;
pub mod presence;
pub mod profiles;
pub mod settings;

use std::sync::Arc;

use crate::shell::Shell;

/// The shell as commands get it.
pub type ShellState<'a> = tauri::State<'a, Arc<Shell>>;

/// Errors as the UI shows them.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
