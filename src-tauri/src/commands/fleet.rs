//! `fleet_snapshot`, `fleet_demo_roads`.

use std::sync::OnceLock;

use super::ShellState;
use crate::types::{FleetSnapshot, Mode};

/// Vehicles, open trips and geofences.
#[tauri::command]
pub fn fleet_snapshot(shell: ShellState<'_>) -> FleetSnapshot {
    shell.mirror(|m| m.fleet_snapshot())
}

/// The simulated city's streets (GeoJSON) while the embedded server runs the simulator, so
/// the offline map shows the roads its vehicles drive on; `null` otherwise (a real fleet's
/// streets come from the online tiles of Settings).
#[tauri::command]
pub fn fleet_demo_roads(shell: ShellState<'_>) -> Option<serde_json::Value> {
    static ROADS: OnceLock<serde_json::Value> = OnceLock::new();
    let saved = shell.saved();
    (saved.mode == Mode::Embedded && saved.settings.embedded.simulator).then(|| {
        ROADS
            .get_or_init(opsdeck_server::demo::roads_geojson)
            .clone()
    })
}
