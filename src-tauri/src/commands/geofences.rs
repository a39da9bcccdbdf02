//! `geofences_create`, `geofences_delete` (the list comes with `fleet_snapshot` and
//! `fleet://geofences`).

use opsdeck_protocol::fleet::{Geofence, GeofenceCreate};
use tauri::AppHandle;

use super::ShellState;

/// Creates a geofence (`dispatcher`+); the new list.
#[tauri::command]
pub async fn geofences_create(
    app: AppHandle,
    shell: ShellState<'_>,
    request: GeofenceCreate,
) -> Result<Vec<Geofence>, String> {
    shell.create_geofence(&app, request).await
}

/// Deletes a geofence (`dispatcher`+); the new list.
#[tauri::command]
pub async fn geofences_delete(
    app: AppHandle,
    shell: ShellState<'_>,
    id: String,
) -> Result<Vec<Geofence>, String> {
    shell.delete_geofence(&app, &id).await
}
