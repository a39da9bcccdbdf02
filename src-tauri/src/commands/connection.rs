//! `connection_*`: mode and state.

use tauri::AppHandle;

use super::ShellState;
use crate::types::{ConnStatus, Mode};

/// The current connection.
#[tauri::command]
pub fn connection_status(shell: ShellState<'_>) -> ConnStatus {
    shell.status()
}

/// Switches to the embedded server.
#[tauri::command]
pub async fn connection_use_embedded(
    app: AppHandle,
    shell: ShellState<'_>,
) -> Result<ConnStatus, String> {
    shell
        .inner()
        .clone()
        .connect(&app, Mode::Embedded, None)
        .await
}

/// Switches to a remote profile.
#[tauri::command]
pub async fn connection_use_profile(
    app: AppHandle,
    shell: ShellState<'_>,
    id: String,
) -> Result<ConnStatus, String> {
    shell
        .inner()
        .clone()
        .connect(&app, Mode::Remote, Some(id))
        .await
}
