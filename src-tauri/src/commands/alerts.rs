//! `alerts_list`, `alerts_ack`, `alerts_unacked_critical`.

use opsdeck_protocol::fleet::{Alert, AlertAcked};
use tauri::AppHandle;

use super::ShellState;

/// Re-lists the alerts from the server; the feed (critical first, then newest first).
#[tauri::command]
pub async fn alerts_list(app: AppHandle, shell: ShellState<'_>) -> Result<Vec<Alert>, String> {
    shell.reload_alerts(&app).await
}

/// Acknowledges an alert (`dispatcher`+).
#[tauri::command]
pub async fn alerts_ack(
    app: AppHandle,
    shell: ShellState<'_>,
    id: String,
) -> Result<AlertAcked, String> {
    shell.ack_alert(&app, id).await
}

/// Critical alerts nobody acknowledged yet.
#[tauri::command]
pub fn alerts_unacked_critical(shell: ShellState<'_>) -> u32 {
    shell.unacked_critical()
}
