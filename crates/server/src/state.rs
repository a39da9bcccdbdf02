//! Shared server state: one [`App`] handle, cloned into every handler.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use chrono::{DateTime, Utc};
use opsdeck_protocol::Role;
use socketioxide::SocketIo;
use tokio_util::task::TaskTracker;

use crate::auth::{Identity, Verifier};
use crate::config::Config;
use crate::domain::presence::{Presence, PresenceClaim};
use crate::domain::rate_limit::TokenBucket;
use crate::error::ServerError;
use crate::fleet::Fleet;
use crate::metrics::{Counters, Sampler};
use crate::store::Store;

/// The server's shared state.
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// What [`App`] holds.
pub struct Inner {
    /// Resolved configuration.
    pub config: Config,
    /// Database.
    pub store: Store,
    /// Token verification.
    pub verifier: Verifier,
    /// Online users.
    pub presence: Presence,
    /// KPI modules, values and thresholds (PROTOCOL.md §4); loaded by `run` before serving.
    pub kpis: crate::kpi::Kpis,
    /// The last-hour count of stored alerts (§5); loaded by `run` before serving.
    pub alerts: crate::alerts::Alerts,
    /// Metrics counters.
    pub counters: Counters,
    /// Turns counters into rates for `stats`.
    pub sampler: Sampler,
    /// When the server started.
    pub started: Instant,
    /// The Socket.IO handle, set once the layer is built.
    io: OnceLock<SocketIo>,
    /// Users whose current name and role are already in the database, so a reconnect does
    /// not write. Keyed by user id.
    known_users: Mutex<HashMap<String, (String, Role)>>,
    /// A presence transition happened since the last `getOnlineUsers` broadcast.
    pub online_users_dirty: AtomicBool,
    /// In-flight event and disconnect handlers, awaited at shutdown so their writes finish.
    pub tracker: TaskTracker,
    /// Vehicles, trips, geofences and live tracking.
    pub fleet: Fleet,
}

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    /// State for `config` over `store`.
    pub fn new(config: Config, store: Store, verifier: Verifier, fleet: Fleet) -> Self {
        let counters = Counters::default();
        let sampler = Sampler::new(&counters);
        Self(Arc::new(Inner {
            config,
            store,
            verifier,
            presence: Presence::new(),
            kpis: crate::kpi::Kpis::new(),
            alerts: crate::alerts::Alerts::new(),
            counters,
            sampler,
            started: Instant::now(),
            io: OnceLock::new(),
            known_users: Mutex::new(HashMap::new()),
            online_users_dirty: AtomicBool::new(false),
            tracker: TaskTracker::new(),
            fleet,
        }))
    }

    /// Sets the Socket.IO handle (once, at start-up).
    pub fn set_io(&self, io: SocketIo) {
        let _ = self.io.set(io);
    }

    /// The Socket.IO handle.
    ///
    /// # Panics
    /// If called before [`App::set_io`], which `run` does before serving anything.
    pub fn io(&self) -> &SocketIo {
        self.io.get().expect("io is set before serving")
    }

    /// Records `identity` as a known user, writing only when it is new or changed.
    pub async fn remember_user(&self, identity: &Identity) -> Result<(), ServerError> {
        if identity.anonymous {
            return Ok(());
        }
        let current = (identity.name.clone(), identity.role);
        {
            let known = self.known_users.lock().unwrap_or_else(|p| p.into_inner());
            if known.get(&identity.user_id) == Some(&current) {
                return Ok(());
            }
        }
        self.store
            .upsert_user(&identity.user_id, &identity.name, identity.role)
            .await?;
        self.known_users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(identity.user_id.clone(), current);
        Ok(())
    }

    /// Forgets the cached name/role of a user (after an admin changed it).
    pub fn forget_user(&self, user_id: &str) {
        self.known_users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user_id);
    }
}

/// Per-socket state, stored as a socket extension.
#[derive(Debug)]
pub struct SocketCtx {
    /// Who the socket is.
    pub identity: Identity,
    /// When it connected.
    pub connected_at: DateTime<Utc>,
    /// Peer address.
    pub remote_addr: String,
    /// Event rate limit.
    bucket: Mutex<TokenBucket>,
    /// Location report limit of `device` sockets.
    reports: Mutex<TokenBucket>,
    /// Whether this socket is counted in [`App::presence`].
    pub presence: PresenceClaim,
    /// Whether this socket is counted in the `main_sockets` gauge (the same race between
    /// the connect and disconnect handlers as for presence).
    pub gauged: PresenceClaim,
}

impl SocketCtx {
    /// Context for a socket that just authenticated.
    pub fn new(identity: Identity, remote_addr: String, config: &Config) -> Self {
        let limits = &config.limits;
        Self {
            identity,
            connected_at: crate::store::now(),
            remote_addr,
            bucket: Mutex::new(TokenBucket::new(
                limits.events_per_sec,
                limits.events_burst,
                Instant::now(),
            )),
            reports: Mutex::new(TokenBucket::new(
                limits.device_reports_per_sec,
                limits.device_reports_per_sec.max(1.0),
                Instant::now(),
            )),
            presence: PresenceClaim::default(),
            gauged: PresenceClaim::default(),
        }
    }

    /// Takes one location report from a device socket's budget.
    pub fn allow_report(&self) -> bool {
        self.reports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .try_take(Instant::now())
    }

    /// Takes one event from the socket's rate budget.
    pub fn allow_event(&self) -> bool {
        self.bucket
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .try_take(Instant::now())
    }
}
