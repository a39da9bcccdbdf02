//! `chat_*`: rooms, direct messages, history, typing and read receipts, all through the
//! client (embedded and remote alike).

use opsdeck_protocol::chat::{
    ChatRoom, CreateRoom, DmConversation, DmSend, ListedRoom, MarkMessageRead, MessageHistory,
    MessageHistoryRequest, MessageSend, MessageSent,
};

use super::{ShellState, err};

/// Public rooms and the private rooms this user may enter.
#[tauri::command]
pub async fn chat_rooms(shell: ShellState<'_>) -> Result<Vec<ListedRoom>, String> {
    shell.client()?.chat_rooms().await.map_err(err)
}

/// Creates a room (this user becomes a member).
#[tauri::command]
pub async fn chat_create_room(
    shell: ShellState<'_>,
    request: CreateRoom,
) -> Result<ChatRoom, String> {
    shell.client()?.create_room(&request).await.map_err(err)
}

/// Joins a room (kept across reconnects, with catch-up).
#[tauri::command]
pub async fn chat_join(shell: ShellState<'_>, room_id: String) -> Result<(), String> {
    shell.client()?.join_room(&room_id).await.map_err(err)?;
    Ok(())
}

/// Leaves a room.
#[tauri::command]
pub async fn chat_leave(shell: ShellState<'_>, room_id: String) -> Result<(), String> {
    shell.client()?.leave_room(&room_id).await.map_err(err)
}

/// The people this user has exchanged direct messages with.
#[tauri::command]
pub async fn chat_conversations(shell: ShellState<'_>) -> Result<Vec<DmConversation>, String> {
    shell.client()?.dm_conversations().await.map_err(err)
}

/// A page of a room's or a conversation's messages, newest first.
#[tauri::command]
pub async fn chat_history(
    shell: ShellState<'_>,
    request: MessageHistoryRequest,
) -> Result<MessageHistory, String> {
    shell.client()?.message_history(&request).await.map_err(err)
}

/// Sends a room message.
#[tauri::command]
pub async fn chat_send(
    shell: ShellState<'_>,
    room_id: String,
    text: String,
) -> Result<MessageSent, String> {
    let m = MessageSend { room_id, text };
    shell.client()?.send_message(&m).await.map_err(err)
}

/// Sends a direct message.
#[tauri::command]
pub async fn chat_send_dm(
    shell: ShellState<'_>,
    peer_id: String,
    text: String,
) -> Result<MessageSent, String> {
    let m = DmSend {
        recipient_id: peer_id,
        text,
    };
    shell.client()?.send_dm(&m).await.map_err(err)
}

/// Typing started or stopped, in a room (`roomId`) or to a person (`peerId`).
#[tauri::command]
pub async fn chat_typing(
    shell: ShellState<'_>,
    room_id: Option<String>,
    peer_id: Option<String>,
    typing: bool,
) -> Result<(), String> {
    let client = shell.client()?;
    match (room_id, peer_id) {
        (Some(room), None) => client.set_typing(&room, typing).await.map_err(err),
        (None, Some(peer)) => client.set_dm_typing(&peer, typing).await.map_err(err),
        _ => Err("give exactly one of roomId and peerId".into()),
    }
}

/// Marks a message read (its sender gets a read receipt).
#[tauri::command]
pub async fn chat_mark_read(shell: ShellState<'_>, message_id: String) -> Result<(), String> {
    let receipt = MarkMessageRead {
        message_id,
        sender_id: None,
    };
    shell
        .client()?
        .mark_message_read(&receipt)
        .await
        .map_err(err)
}
