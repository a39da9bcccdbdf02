//! The operations link: a second client on the `/admin` namespace (rust_socketio speaks one
//! namespace per client), opened beside the main one with the same URL and token. The
//! server refuses non-admins (`forbidden`), which ends the link: the Server screen is then
//! not offered. Its `stats` go to the UI as `admin://stats`.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use opsdeck_client::{
    Client, ClientConfig, ClientEvent, ConnectionState, EventStream, ServerEvent,
};
use opsdeck_protocol::admin::ADMIN_NAMESPACE;
use tauri::{AppHandle, Emitter};

use crate::shell::{Shell, lock};

/// The `/admin` client of the current session, if any.
#[derive(Default)]
pub struct AdminLink {
    current: Mutex<Option<(Client, tauri::async_runtime::JoinHandle<()>)>>,
    available: Arc<AtomicBool>,
}

impl AdminLink {
    /// Opens the link for a new session (the previous one must have been stopped).
    pub fn start(&self, app: &AppHandle, shell: Arc<Shell>, url: &str, token: Option<String>) {
        let mut config = ClientConfig::new(url).with_namespace(ADMIN_NAMESPACE);
        if let Some(t) = token {
            config = config.with_token(t);
        }
        let (client, events) = Client::start(config);
        self.available.store(false, Ordering::SeqCst);
        let task = tauri::async_runtime::spawn(run(
            app.clone(),
            shell,
            client.clone(),
            events,
            self.available.clone(),
        ));
        *lock(&self.current) = Some((client, task));
    }

    /// Closes the link.
    pub async fn stop(&self) {
        self.available.store(false, Ordering::SeqCst);
        let taken = lock(&self.current).take();
        if let Some((client, task)) = taken {
            client.shutdown().await;
            task.abort();
        }
    }

    /// Whether the server accepted us on `/admin`.
    pub fn is_available(&self) -> bool {
        self.available.load(Ordering::SeqCst)
    }

    /// The `/admin` client, or why there is none.
    pub fn client(&self) -> Result<Client, String> {
        if !self.is_available() {
            return Err("operations are not available on this server (admin only)".into());
        }
        lock(&self.current)
            .as_ref()
            .map(|(c, _)| c.clone())
            .ok_or_else(|| "not connected".to_owned())
    }
}

/// Whether a link in `state` offers operations; `None` while it is undecided (keep the last
/// answer across reconnects so the screen does not flicker).
pub fn availability(state: &ConnectionState) -> Option<bool> {
    match state {
        ConnectionState::Connected { .. } => Some(true),
        ConnectionState::AuthFailed { .. } | ConnectionState::Disconnected { .. } => Some(false),
        ConnectionState::Connecting { .. } | ConnectionState::Reconnecting { .. } => None,
    }
}

async fn run(
    app: AppHandle,
    shell: Arc<Shell>,
    client: Client,
    mut events: EventStream,
    available: Arc<AtomicBool>,
) {
    let mut subscribed = false;
    while let Some(ev) = events.recv().await {
        match ev {
            ClientEvent::State(state) => {
                if let Some(on) = availability(&state)
                    && available.swap(on, Ordering::SeqCst) != on
                {
                    tracing::info!(available = on, "operations link");
                    shell.on_state_change(&app).await;
                }
                if let ConnectionState::AuthFailed { message } = &state {
                    tracing::info!(%message, "no operations access");
                }
                // The client replays subscriptions after reconnects: subscribe once.
                if matches!(state, ConnectionState::Connected { .. }) && !subscribed {
                    match client.subscribe_stats().await {
                        Ok(_) => subscribed = true,
                        Err(e) => tracing::warn!(error = %e, "stats:subscribe failed"),
                    }
                }
            }
            ClientEvent::Server(ServerEvent::Stats(s)) => {
                let _ = app.emit("admin://stats", s);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn availability_follows_the_link_state() {
        let connected = ConnectionState::Connected {
            socket_id: Some("a".into()),
            user: None,
            latency_ms: None,
            capabilities: Default::default(),
        };
        assert_eq!(availability(&connected), Some(true));
        let refused = ConnectionState::AuthFailed {
            message: "forbidden".into(),
        };
        assert_eq!(availability(&refused), Some(false));
        let retry = ConnectionState::Reconnecting {
            attempt: 2,
            retry_in: Duration::from_secs(1),
            last_error: String::new(),
        };
        assert_eq!(availability(&retry), None, "keeps the last answer");
    }
}
