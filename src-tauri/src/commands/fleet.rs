//! `fleet_snapshot`, `fleet_positions_stream`, `fleet_positions_handled`, `fleet_positions_stop`,
//! `fleet_demo_roads`.

use std::sync::OnceLock;

use super::ShellState;
use tauri::ipc::Channel;

use crate::types::{FleetSnapshot, Mode, Positions};

/// Vehicles, open trips and geofences.
#[tauri::command]
pub fn fleet_snapshot(shell: ShellState<'_>) -> FleetSnapshot {
    shell.mirror(|m| m.fleet_snapshot())
}

/// Streams coalesced positions (`fleet://positions`) to `channel`, replacing the stream of an
/// earlier page.
#[tauri::command]
pub fn fleet_positions_stream(shell: ShellState<'_>, channel: Channel<Positions>) {
    shell.positions.attach(channel);
}

/// The page has handled `count` batches of the channel with `id` in all: the stream's flow
/// control (`positions.rs`).
#[tauri::command]
pub fn fleet_positions_handled(shell: ShellState<'_>, id: u32, count: u64) {
    shell.positions.handled(id, count);
}

/// Ends the stream of the channel with `id` (a fleet store that stopped).
#[tauri::command]
pub fn fleet_positions_stop(shell: ShellState<'_>, id: u32) {
    shell.positions.detach(id);
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
