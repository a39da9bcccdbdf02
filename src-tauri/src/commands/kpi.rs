//! `kpi_snapshot`.

use super::ShellState;
use crate::types::KpiSnapshot;

/// Every module's KPIs and the last dashboard update.
#[tauri::command]
pub fn kpi_snapshot(shell: ShellState<'_>) -> KpiSnapshot {
    shell.mirror(|m| m.kpi_snapshot())
}
