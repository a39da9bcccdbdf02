//! `settings_*`.

use tauri::AppHandle;

use super::ShellState;
use crate::types::{Mode, Settings};

/// Current settings.
#[tauri::command]
pub fn settings_get(shell: ShellState<'_>) -> Settings {
    shell.saved().settings
}

/// Saves settings; restarts the embedded server when its address or simulator changed.
#[tauri::command]
pub async fn settings_save(
    app: AppHandle,
    shell: ShellState<'_>,
    settings: Settings,
) -> Result<Settings, String> {
    crate::embedded::listen_addr(None, &settings.embedded)?;
    if let Some(url) = &settings.tile_url {
        crate::settings::check_url(url)?;
    }
    let before = shell.saved();
    shell.update_saved(|s| s.settings = settings.clone())?;
    if before.mode == Mode::Embedded && before.settings.embedded != settings.embedded {
        shell
            .inner()
            .clone()
            .connect(&app, Mode::Embedded, None)
            .await?;
    }
    Ok(settings)
}
