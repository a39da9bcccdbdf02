//! `fleet_vehicle_history`.

use opsdeck_protocol::Timestamp;

use super::{ShellState, err};
use crate::history::{self, HistoryTrack};

/// A vehicle's positions in `[from, to]`, thinned to at most `max_points` (default 2000).
#[tauri::command]
pub async fn fleet_vehicle_history(
    shell: ShellState<'_>,
    vehicle_id: String,
    from: Timestamp,
    to: Timestamp,
    max_points: Option<u32>,
) -> Result<HistoryTrack, String> {
    let max = max_points.map_or(history::DEFAULT_POINTS, |m| m as usize);
    history::load(&shell.client()?, &vehicle_id, from, to, max)
        .await
        .map_err(err)
}
