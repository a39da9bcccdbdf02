//! `profiles_*`: remote servers. Metadata in the config directory, tokens in the keyring.

use std::time::{Duration, Instant};

use opsdeck_client::{Client, ClientConfig, ConnectionState};

use super::{ShellState, err};
use crate::secrets::profile_account;
use crate::settings::check_url;
use crate::types::{ProbeResult, Profile, ProfileInput};

/// Every profile.
#[tauri::command]
pub fn profiles_list(shell: ShellState<'_>) -> Vec<Profile> {
    shell.saved().profiles
}

/// Creates or updates a profile; a token goes to the keyring only.
#[tauri::command]
pub fn profiles_save(shell: ShellState<'_>, profile: ProfileInput) -> Result<Profile, String> {
    check_url(&profile.url)?;
    if profile.name.trim().is_empty() {
        return Err("a profile needs a name".into());
    }
    let id = profile
        .id
        .clone()
        .unwrap_or_else(|| format!("p{:08x}", rand::random::<u32>()));
    match profile.token.as_deref() {
        Some("") => shell.secrets().delete(&profile_account(&id))?,
        Some(t) => shell.secrets().set(&profile_account(&id), t.trim())?,
        None => {}
    }
    let has_token = shell.secrets().get(&profile_account(&id))?.is_some();
    let saved = Profile {
        id: id.clone(),
        name: profile.name.trim().to_owned(),
        url: profile.url.trim().trim_end_matches('/').to_owned(),
        has_token,
    };
    shell.update_saved(|s| {
        s.profiles.retain(|p| p.id != id);
        s.profiles.push(saved.clone());
        s.profiles.sort_by(|a, b| a.name.cmp(&b.name));
    })?;
    Ok(saved)
}

/// Deletes a profile and its token.
#[tauri::command]
pub fn profiles_delete(shell: ShellState<'_>, id: String) -> Result<(), String> {
    shell.secrets().delete(&profile_account(&id))?;
    shell.update_saved(|s| s.profiles.retain(|p| p.id != id))
}

/// Tries a server: connects, waits up to 8 s, measures one round trip.
#[tauri::command]
pub async fn profiles_test(url: String, token: Option<String>) -> Result<ProbeResult, String> {
    check_url(&url)?;
    let mut config = ClientConfig::new(url);
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        config = config.with_token(t);
    }
    let (client, _events) = Client::start(config);
    let result = match client.wait_connected(Duration::from_secs(8)).await {
        Ok(_) => {
            let t0 = Instant::now();
            let rtt = client
                .online_count()
                .await
                .ok()
                .map(|_| t0.elapsed().as_secs_f64() * 1000.0);
            let who = client
                .user()
                .map(|u| format!(" as {} ({})", u.name, u.role))
                .unwrap_or_default();
            ProbeResult {
                ok: true,
                message: format!("connected{who}"),
                latency_ms: rtt,
            }
        }
        Err(ConnectionState::AuthFailed { message }) => ProbeResult {
            ok: false,
            message,
            latency_ms: None,
        },
        Err(state) => ProbeResult {
            ok: false,
            message: format!("no connection: {}", err(format!("{state:?}"))),
            latency_ms: None,
        },
    };
    client.shutdown().await;
    Ok(result)
}
