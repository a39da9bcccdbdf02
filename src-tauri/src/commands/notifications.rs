//! `notifications_*`.

use opsdeck_protocol::notification::{
    NotificationList, NotificationListRequest, SendNotification, SendResult,
};
use opsdeck_protocol::presence::Count;

use super::{ShellState, err};
use crate::types::SentNotification;

/// A page of the inbox.
#[tauri::command]
pub async fn notifications_list(
    shell: ShellState<'_>,
    request: NotificationListRequest,
) -> Result<NotificationList, String> {
    shell
        .client()?
        .list_notifications(&request)
        .await
        .map_err(err)
}

/// Unread count.
#[tauri::command]
pub async fn notifications_count(shell: ShellState<'_>) -> Result<Count, String> {
    shell.client()?.notification_count().await.map_err(err)
}

/// Marks one read.
#[tauri::command]
pub async fn notifications_mark_read(shell: ShellState<'_>, id: String) -> Result<Count, String> {
    shell.client()?.mark_read(&id).await.map_err(err)
}

/// Marks all read.
#[tauri::command]
pub async fn notifications_mark_all_read(shell: ShellState<'_>) -> Result<Count, String> {
    shell.client()?.mark_all_read().await.map_err(err)
}

/// Sends one and records it in the sent history.
#[tauri::command]
pub async fn notifications_send(
    shell: ShellState<'_>,
    request: SendNotification,
) -> Result<SendResult, String> {
    let result = shell
        .client()?
        .send_notification(&request)
        .await
        .map_err(err)?;
    let item = SentNotification {
        id: result.id.clone(),
        recipients: result.recipients,
        request,
        sent_at: chrono::Utc::now(),
    };
    crate::settings::push_sent(&shell.paths.data, item).map_err(err)?;
    Ok(result)
}

/// What this app sent, newest first.
#[tauri::command]
pub fn notifications_sent(shell: ShellState<'_>) -> Vec<SentNotification> {
    crate::settings::load_sent(&shell.paths.data)
}
