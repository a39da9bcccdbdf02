//! The Opsdeck desktop app: a thin Tauri shell over `crates/client`, with `crates/server`
//! embedded for the default mode.
//!
//! - `shell.rs`: the session (client + embedded server + bridge), settings and secrets.
//! - `bridge.rs`: client events → UI events, positions coalesced to ≤ 10/s.
//! - `mirror.rs`: server state kept for snapshots.
//! - `commands/`: the IPC surface of `docs/desktop-ipc.md`, a few lines per command.
//! - `embedded.rs`, `secrets.rs` (OS keyring), `settings.rs`, `paths.rs`, `logging.rs`.
#![warn(missing_docs)]

mod admin;
mod alerts;
mod alerts_sync;
mod bridge;
mod chat;
mod commands;
mod embedded;
mod history;
mod logging;
mod mirror;
mod page_recovery;
mod paths;
mod positions;
pub mod process_env;
mod recent_ids;
mod rendering;
mod secrets;
mod server_info;
mod server_types;
mod settings;
mod shell;
mod tray;
mod trips;
pub mod types;

use std::sync::Arc;

use tauri::{Manager, RunEvent};

use commands::chat as chat_cmd;
use commands::{alerts as alerts_cmd, geofences};
use commands::{
    connection, fleet, kpi, notifications, presence, profiles, settings as settings_cmd,
};
use commands::{history as history_cmd, trips as trips_cmd};
use paths::Paths;
use shell::Shell;

/// How long the app waits on exit for its links and embedded server to close.
const SHUTDOWN_LIMIT: std::time::Duration = std::time::Duration::from_secs(12);

/// Resolves the app's directories (honouring `OPSDECK_DATA_DIR`).
fn paths(app: &tauri::App) -> Result<Paths, String> {
    let p = app.path();
    let platform = Paths {
        data: p.app_data_dir().map_err(|e| e.to_string())?,
        config: p.app_config_dir().map_err(|e| e.to_string())?,
        logs: p.app_log_dir().map_err(|e| e.to_string())?,
    };
    let env = std::env::var_os("OPSDECK_DATA_DIR").map(std::path::PathBuf::from);
    Ok(Paths::resolve(env.as_deref(), platform))
}

/// Starts the app; returns when it exits (after the embedded server stopped cleanly).
///
/// # Panics
/// If the Tauri runtime cannot start (no display, broken webview).
pub fn run() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // A second launch focuses the running window instead.
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let paths = paths(app)?;
            paths.create()?;
            let guard = logging::init(&paths.logs);
            app.manage(guard);
            if let Some(window) = app.get_webview_window("main") {
                rendering::apply(&window, rendering::detect());
                page_recovery::install(&window);
            }
            tracing::info!(data = %paths.data.display(), "Opsdeck starting");
            let (secrets, warning) = secrets::open();
            let shell = Arc::new(Shell::new(paths, secrets, warning));
            app.manage(shell.clone());
            tray::install(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = shell.start(&handle).await {
                    tracing::error!(error = %e, "cannot connect");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            connection::connection_status,
            connection::connection_use_embedded,
            connection::connection_use_profile,
            profiles::profiles_list,
            profiles::profiles_save,
            profiles::profiles_delete,
            profiles::profiles_test,
            settings_cmd::settings_get,
            settings_cmd::settings_save,
            kpi::kpi_snapshot,
            fleet::fleet_snapshot,
            fleet::fleet_demo_roads,
            fleet::fleet_positions_stream,
            fleet::fleet_positions_stop,
            fleet::fleet_positions_handled,
            history_cmd::fleet_vehicle_history,
            trips_cmd::trips_start,
            trips_cmd::trips_complete,
            trips_cmd::trips_cancel,
            trips_cmd::trips_recent,
            trips_cmd::trips_fetch,
            alerts_cmd::alerts_list,
            alerts_cmd::alerts_ack,
            alerts_cmd::alerts_unacked_critical,
            geofences::geofences_create,
            geofences::geofences_delete,
            notifications::notifications_list,
            notifications::notifications_count,
            notifications::notifications_mark_read,
            notifications::notifications_mark_all_read,
            notifications::notifications_send,
            notifications::notifications_sent,
            presence::presence_list,
            commands::server::server_sockets,
            commands::server::server_disconnect,
            commands::server::server_addresses,
            commands::server::server_mint_token,
            chat_cmd::chat_rooms,
            chat_cmd::chat_create_room,
            chat_cmd::chat_join,
            chat_cmd::chat_leave,
            chat_cmd::chat_conversations,
            chat_cmd::chat_history,
            chat_cmd::chat_send,
            chat_cmd::chat_send_dm,
            chat_cmd::chat_typing,
            chat_cmd::chat_mark_read,
        ])
        .build(tauri::generate_context!())
        .expect("the Tauri runtime starts");
    app.run(|handle, event| {
        if let RunEvent::Exit = event
            && let Some(shell) = handle.try_state::<Arc<Shell>>()
        {
            let shell = shell.inner().clone();
            // The embedded server takes at most 10 s to stop; a link that hangs beyond that
            // must not keep a closed app (and its single-instance name) alive.
            tauri::async_runtime::block_on(async move {
                if tokio::time::timeout(SHUTDOWN_LIMIT, shell.shutdown())
                    .await
                    .is_err()
                {
                    tracing::warn!(limit = ?SHUTDOWN_LIMIT, "shutdown incomplete; exiting anyway");
                }
            });
        }
    });
}
