//! `fleet_snapshot`.

use super::ShellState;
use crate::types::FleetSnapshot;

/// Vehicles, open trips and geofences.
#[tauri::command]
pub fn fleet_snapshot(shell: ShellState<'_>) -> FleetSnapshot {
    shell.mirror(|m| m.fleet_snapshot())
}
