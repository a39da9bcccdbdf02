//! `trips_start`, `trips_complete`, `trips_cancel`, `trips_recent`, `trips_fetch`.

use opsdeck_client::{ServerEvent, Subscription};
use opsdeck_protocol::fleet::{
    Trip, TripCancel, TripEvent, TripSnapshot, TripStart, TripStartResult,
};

use super::{ShellState, err};
use crate::trips::ClosedTrip;

/// `trip:start` (dispatcher+).
#[tauri::command]
pub async fn trips_start(
    shell: ShellState<'_>,
    request: TripStart,
) -> Result<TripStartResult, String> {
    shell.client()?.start_trip(&request).await.map_err(err)
}

/// `trip:complete`.
#[tauri::command]
pub async fn trips_complete(shell: ShellState<'_>, trip_id: String) -> Result<(), String> {
    shell.client()?.complete_trip(&trip_id).await.map_err(err)
}

/// `trip:cancel` (dispatcher+).
#[tauri::command]
pub async fn trips_cancel(shell: ShellState<'_>, request: TripCancel) -> Result<(), String> {
    shell.client()?.cancel_trip(&request).await.map_err(err)
}

/// Trips closed during this session, newest first.
#[tauri::command]
pub fn trips_recent(shell: ShellState<'_>) -> Vec<ClosedTrip> {
    shell.mirror(|m| m.closed_trips.list())
}

/// Open trips the app has not heard of yet (started before it connected: the protocol has no
/// trip list, only `subscribe:trip`), by id; at most [`crate::trips::FETCH_CAP`] per call.
/// Each is read with `subscribe:trip` and kept in the mirror; unknown ids are skipped.
#[tauri::command]
pub async fn trips_fetch(
    shell: ShellState<'_>,
    trip_ids: Vec<String>,
) -> Result<Vec<Trip>, String> {
    let client = shell.client()?;
    let mut out = Vec::new();
    for id in crate::trips::fetch_batch(&trip_ids) {
        let sub = match client.subscribe_trip(id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(trip_id = %id, error = %e, "trip not fetched");
                continue;
            }
        };
        // Its events keep coming through the tracking room: no need to replay this one.
        let _ = client
            .unsubscribe(&Subscription::Trip {
                trip_id: id.clone(),
            })
            .await;
        if let Some(TripSnapshot { trip }) = sub.result::<TripSnapshot>() {
            shell.mirror(|m| {
                m.apply(ServerEvent::TripUpdated(TripEvent {
                    trip_id: trip.id.clone(),
                    data: trip.clone(),
                }))
            });
            out.push(trip);
        }
    }
    Ok(out)
}
