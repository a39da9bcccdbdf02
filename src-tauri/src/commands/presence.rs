//! `presence_list`.

use opsdeck_protocol::presence::PresenceUser;

use super::ShellState;

/// Who is online now (as last refreshed).
#[tauri::command]
pub fn presence_list(shell: ShellState<'_>) -> Vec<PresenceUser> {
    shell.mirror(|m| m.presence())
}
