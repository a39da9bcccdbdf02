//! The app's state: the current session (client, embedded server, bridge), the mirror,
//! settings and secrets. Commands are thin wrappers over the methods here.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opsdeck_client::{Client, ClientConfig, ConnectionState, Support};
use opsdeck_protocol::kpi::DEFAULT_MODULES;
use opsdeck_protocol::presence::PresenceListRequest;
use tauri::{AppHandle, Emitter};

use crate::embedded::{self, Embedded};
use crate::mirror::Mirror;
use crate::paths::Paths;
use crate::secrets::{self, SecretStore};
use crate::settings::{self, Saved};
use crate::types::{Capabilities, ConnState, ConnStatus, Mode};

/// Batch interval asked of the server for tracking (the bridge coalesces to 10/s anyway).
const TRACKING_BATCH_MS: u32 = 100;

/// One connection: to the embedded server or a remote one.
struct Session {
    client: Client,
    embedded: Option<Embedded>,
    bridge: tauri::async_runtime::JoinHandle<()>,
}

/// Everything the commands need.
pub struct Shell {
    /// Where files go.
    pub paths: Paths,
    secrets: Box<dyn SecretStore>,
    keyring_warning: Option<String>,
    saved: Mutex<Saved>,
    mirror: Mutex<Mirror>,
    session: tokio::sync::Mutex<Option<Session>>,
    client: Mutex<Option<(Client, String)>>,
    /// The `/admin` link of the session (Server screen).
    pub admin: crate::admin::AdminLink,
    /// The UI's stream of coalesced positions.
    pub positions: crate::positions::PositionsSink,
}

/// Locks `m`, going on with the data of a poisoned lock (a panicked holder left it usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn support(s: Support) -> bool {
    s.is_available()
}

/// The UI's view of a client state.
pub fn conn_state(s: &ConnectionState) -> ConnState {
    match s {
        ConnectionState::Connecting { attempt } => ConnState::Connecting { attempt: *attempt },
        ConnectionState::Connected { socket_id, .. } => ConnState::Connected {
            socket_id: socket_id.clone().unwrap_or_default(),
        },
        ConnectionState::Reconnecting {
            attempt, retry_in, ..
        } => ConnState::Reconnecting {
            attempt: *attempt,
            retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
        },
        ConnectionState::Disconnected { reason } => ConnState::Disconnected {
            reason: reason.clone(),
        },
        ConnectionState::AuthFailed { message } => ConnState::AuthFailed {
            message: message.clone(),
        },
    }
}

impl Shell {
    /// State over the resolved paths and secret store.
    pub fn new(
        paths: Paths,
        secrets: Box<dyn SecretStore>,
        keyring_warning: Option<String>,
    ) -> Self {
        let saved = settings::load(&paths.config);
        Self {
            paths,
            secrets,
            keyring_warning,
            saved: Mutex::new(saved),
            mirror: Mutex::new(Mirror::default()),
            session: tokio::sync::Mutex::new(None),
            client: Mutex::new(None),
            admin: crate::admin::AdminLink::default(),
            positions: crate::positions::PositionsSink::default(),
        }
    }

    /// The secret store.
    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// Runs `f` on the saved settings and persists them.
    pub fn update_saved<R>(&self, f: impl FnOnce(&mut Saved) -> R) -> Result<R, String> {
        let mut saved = lock(&self.saved);
        let r = f(&mut saved);
        settings::save(&self.paths.config, &saved).map_err(|e| e.to_string())?;
        Ok(r)
    }

    /// A copy of the saved settings.
    pub fn saved(&self) -> Saved {
        lock(&self.saved).clone()
    }

    /// Runs `f` on the mirror.
    pub fn mirror<R>(&self, f: impl FnOnce(&mut Mirror) -> R) -> R {
        f(&mut lock(&self.mirror))
    }

    /// The current client, or an error the UI can show.
    pub fn client(&self) -> Result<Client, String> {
        lock(&self.client)
            .as_ref()
            .map(|(c, _)| c.clone())
            .ok_or_else(|| "not connected".to_owned())
    }

    /// The status bar and Connection screen's data.
    pub fn status(&self) -> ConnStatus {
        let saved = self.saved();
        let current = lock(&self.client).clone();
        let (state, latency, user, caps, url) = match &current {
            Some((c, url)) => {
                let caps = c.capabilities();
                (
                    conn_state(&c.current_state()),
                    c.latency().map(|l| l.smoothed_ms),
                    c.user(),
                    Capabilities {
                        presence: support(caps.presence),
                        notifications: support(caps.notifications),
                        fleet: support(caps.fleet),
                        kpi: support(caps.kpi),
                        chat: support(caps.chat),
                        admin: support(caps.admin) || self.admin.is_available(),
                    },
                    url.clone(),
                )
            }
            None => (
                ConnState::Disconnected {
                    reason: "not started".into(),
                },
                None,
                None,
                Capabilities::default(),
                String::new(),
            ),
        };
        ConnStatus {
            mode: saved.mode,
            profile_id: saved.profile_id.clone(),
            server_url: url,
            state,
            latency_ms: latency,
            user,
            capabilities: caps,
            embedded: (saved.mode == Mode::Embedded).then(|| saved.settings.embedded.clone()),
            keyring_warning: self.keyring_warning.clone(),
        }
    }

    /// Connects as the saved mode says (at start-up).
    pub async fn start(self: &Arc<Self>, app: &AppHandle) -> Result<ConnStatus, String> {
        let saved = self.saved();
        match (saved.mode, saved.profile_id) {
            (Mode::Remote, Some(id)) => self.connect(app, Mode::Remote, Some(id)).await,
            _ => self.connect(app, Mode::Embedded, None).await,
        }
    }

    /// Replaces the session: embedded (starting the server) or a remote profile.
    pub async fn connect(
        self: &Arc<Self>,
        app: &AppHandle,
        mode: Mode,
        profile_id: Option<String>,
    ) -> Result<ConnStatus, String> {
        let mut session = self.session.lock().await;
        if let Some(old) = session.take() {
            *lock(&self.client) = None;
            self.admin.stop().await;
            stop_session(old).await;
        }
        self.mirror(Mirror::clear);
        let saved = self.saved();
        let (url, token, embedded) = match mode {
            Mode::Embedded => {
                let secret = secrets::embedded_secret(self.secrets())?;
                let env = std::env::var("OPSDECK_LISTEN").ok();
                let addr = embedded::listen_addr(env.as_deref(), &saved.settings.embedded)?;
                let cfg =
                    embedded::config(&self.paths.database(), &secret, &saved.settings.embedded);
                let e = Embedded::start(addr, cfg, &secret).await?;
                (e.url(), Some(e.token.clone()), Some(e))
            }
            Mode::Remote => {
                let id = profile_id.clone().ok_or("no profile chosen")?;
                let profile = saved
                    .profiles
                    .iter()
                    .find(|p| p.id == id)
                    .cloned()
                    .ok_or_else(|| format!("unknown profile {id}"))?;
                let token = self.secrets.get(&secrets::profile_account(&id))?;
                (profile.url, token, None)
            }
        };
        let mut config = ClientConfig::new(url.clone());
        self.admin.start(app, self.clone(), &url, token.clone());
        if let Some(t) = token {
            config = config.with_token(t);
        }
        let (client, events) = Client::start(config);
        *lock(&self.client) = Some((client.clone(), url.clone()));
        let bridge =
            tauri::async_runtime::spawn(crate::bridge::run(app.clone(), self.clone(), events));
        *session = Some(Session {
            client: client.clone(),
            embedded,
            bridge,
        });
        drop(session);
        self.update_saved(|s| {
            s.mode = mode;
            if mode == Mode::Remote {
                s.profile_id = profile_id;
            }
        })?;
        let me = self.clone();
        let app2 = app.clone();
        tauri::async_runtime::spawn(async move { me.subscribe_all(&app2, &client).await });
        let status = self.status();
        let _ = app.emit("conn://status", &status);
        Ok(status)
    }

    /// Subscribes to everything the screens show, once connected; the client replays these
    /// after every reconnect.
    async fn subscribe_all(&self, app: &AppHandle, client: &Client) {
        if client
            .wait_connected(Duration::from_secs(3600))
            .await
            .is_err()
        {
            return;
        }
        let caps = client.capabilities();
        if caps.kpi.is_available() || caps.kpi == Support::Unknown {
            let _ = client.subscribe_dashboard().await;
            for m in DEFAULT_MODULES {
                let _ = client.subscribe_module(m).await;
            }
        }
        if caps.fleet.is_available() {
            let _ = client.subscribe_tracking(Some(TRACKING_BATCH_MS)).await;
            if let Ok(list) = client.active_vehicles().await {
                tracing::debug!(vehicles = list.len(), "active vehicles loaded");
            }
            if let Ok(g) = client.list_geofences().await {
                self.mirror(|m| m.geofences = g.geofences);
            }
        }
        if caps.notifications.is_available() {
            let _ = client.subscribe_notifications().await;
            if let Ok(c) = client.notification_count().await {
                let _ = app.emit("notify://count", c);
            }
        }
        if caps.presence.is_available() {
            let _ = client.subscribe_presence().await;
            self.refresh_presence(app).await;
        }
        let _ = app.emit("conn://status", self.status());
    }

    /// Tells the UI the connection state changed.
    pub async fn on_state_change(&self, app: &AppHandle) {
        let _ = app.emit("conn://status", self.status());
    }

    /// Re-reads the online list and sends it to the UI.
    pub async fn refresh_presence(&self, app: &AppHandle) {
        let Ok(client) = self.client() else { return };
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let req = PresenceListRequest {
                limit: Some(1000),
                after: after.take(),
            };
            match client.presence_list(&req).await {
                Ok(page) => {
                    all.extend(page.users);
                    match page.next_cursor {
                        Some(c) => after = Some(c),
                        None => break,
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "presence list failed");
                    return;
                }
            }
        }
        self.mirror(|m| m.set_presence(all.clone()));
        let _ = app.emit("presence://list", all);
    }

    /// Stops the session (client, bridge, embedded server) before the app exits.
    pub async fn shutdown(&self) {
        *lock(&self.client) = None;
        self.admin.stop().await;
        if let Some(s) = self.session.lock().await.take() {
            stop_session(s).await;
        }
    }
}

async fn stop_session(s: Session) {
    s.client.shutdown().await;
    s.bridge.abort();
    if let Some(e) = s.embedded {
        e.stop().await;
    }
}
