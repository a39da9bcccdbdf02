//! `server_*`: the Server screen (operations over `/admin`, and the embedded server's
//! addresses and token minting).

use opsdeck_protocol::admin::{SocketInfo, SocketsListRequest};

use super::{ShellState, err};
use crate::secrets;
use crate::server_info;
use crate::server_types::{MintRequest, MintedToken, ServerAddresses};
use crate::types::Mode;

/// Every socket on the main namespace (all pages), ordered by connection time.
#[tauri::command]
pub async fn server_sockets(shell: ShellState<'_>) -> Result<Vec<SocketInfo>, String> {
    let client = shell.admin.client()?;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let req = SocketsListRequest {
            limit: Some(SocketsListRequest::CAP),
            after: after.take(),
        };
        let page = client.list_sockets(&req).await.map_err(err)?;
        all.extend(page.sockets);
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => return Ok(all),
        }
    }
}

/// Closes one socket (its client gets `disconnect` "io server disconnect").
#[tauri::command]
pub async fn server_disconnect(shell: ShellState<'_>, socket_id: String) -> Result<(), String> {
    shell
        .admin
        .client()?
        .disconnect_socket(&socket_id)
        .await
        .map_err(err)
}

fn embedded_addr(shell: &ShellState<'_>) -> Result<std::net::SocketAddr, String> {
    let status = shell.status();
    if status.mode != Mode::Embedded || status.server_url.is_empty() {
        return Err("only the embedded server has addresses to show".into());
    }
    status
        .server_url
        .trim_start_matches("http://")
        .parse()
        .map_err(|_| format!("unexpected server URL {}", status.server_url))
}

/// Where devices can reach the embedded server.
#[tauri::command]
pub fn server_addresses(shell: ShellState<'_>) -> Result<ServerAddresses, String> {
    let addr = embedded_addr(&shell)?;
    let ifs = if addr.ip().is_unspecified() {
        server_info::interface_ips()
    } else {
        Vec::new()
    };
    Ok(server_info::addresses(addr, &ifs))
}

/// Mints a token with the embedded server's secret (from the OS keyring).
#[tauri::command]
pub fn server_mint_token(
    shell: ShellState<'_>,
    request: MintRequest,
) -> Result<MintedToken, String> {
    embedded_addr(&shell)?;
    let secret = secrets::embedded_secret(shell.secrets())?;
    server_info::mint(&secret, &request)
}
