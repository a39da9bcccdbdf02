//! The KPI engine (PROTOCOL.md §4): modules and their KPIs in memory (persisted in
//! `store/kpis.rs`), thresholds, and the coalesced emission of `kpi:update:{module}` and
//! `dashboard:update`.
//!
//! - [`Kpis`]: the state, in [`crate::state::Inner::kpis`]; loaded by `run` before serving.
//! - `ingest.rs`: [`report`] (from `kpi:report` and `POST /api/kpis/{moduleKey}`),
//!   [`set_threshold`], [`set_derived`] / [`set_fleet_figures`] (the server's own KPIs), and
//!   the alert + notification when a KPI enters `critical`.
//! - `ticker.rs`: [`emit_ticker`] (the only task that emits to module rooms and `dashboard`,
//!   so updates of one module never overtake each other) and [`derive_ticker`] (users online
//!   and alerts in the last hour for module `fleet`).
//!
//! Rules (status, trend, summary cards, top KPIs) are pure functions in
//! [`crate::domain::kpi`].

mod ingest;
mod ticker;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use opsdeck_protocol::Validate;
use opsdeck_protocol::kpi::{DEFAULT_MODULES, DashboardUpdate, FLEET_MODULE, Kpi, KpiThreshold};
use tokio::sync::Notify;

use crate::domain::kpi::{self, KpiState, Pace, Threshold};
use crate::error::ServerError;
use crate::store::Store;

pub use ingest::{
    FleetFigures, ReportResult, report, set_derived, set_fleet_figures, set_threshold,
};
pub use ticker::{DERIVE_INTERVAL, derive_ticker, emit_ticker};

/// Shortest time between two `kpi:update:{module}` of one module: at most 4 per second.
pub const KPI_MIN_GAP: Duration = Duration::from_millis(250);
/// Shortest time between two `dashboard:update` caused by changes: at most 1 per second.
pub const DASHBOARD_MIN_GAP: Duration = Duration::from_secs(1);
/// Most modules; a report creating one more is refused (`too_large`).
pub const MAX_MODULES: usize = 1000;
/// Most KPIs per module; a report adding one more is refused (`too_large`).
pub const MAX_KPIS_PER_MODULE: usize = 1000;

/// One module: its KPIs in order of first report, and its emission state.
#[derive(Debug)]
struct Module {
    key: String,
    kpis: Vec<KpiState>,
    /// Changed since the last `kpi:update`.
    dirty: bool,
    /// When the last `kpi:update` went out (or the module was created).
    last_emit: Instant,
}

impl Module {
    fn new(key: &str, now: Instant) -> Self {
        Self {
            key: key.to_owned(),
            kpis: Vec::new(),
            dirty: false,
            last_emit: now,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.kpis.iter().position(|k| k.kpi.key == key)
    }
}

/// Everything behind the [`Kpis`] lock.
#[derive(Debug)]
struct Board {
    /// Default modules first (in [`DEFAULT_MODULES`] order), then the others in order of
    /// creation (by key for those loaded at start-up).
    modules: Vec<Module>,
    /// Effective thresholds: module → KPI key → threshold.
    thresholds: HashMap<String, HashMap<String, Threshold>>,
    /// Something changed since the last `dashboard:update`.
    dashboard_dirty: bool,
    /// When the last `dashboard:update` went out.
    last_dashboard: Instant,
}

impl Board {
    fn module(&self, key: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.key == key)
    }

    fn module_mut(&mut self, key: &str) -> Option<&mut Module> {
        self.modules.iter_mut().find(|m| m.key == key)
    }

    fn threshold(&self, module: &str, key: &str) -> Option<&Threshold> {
        self.thresholds.get(module).and_then(|m| m.get(key))
    }

    fn set_threshold(&mut self, t: &KpiThreshold) {
        self.thresholds
            .entry(t.module_key.clone())
            .or_default()
            .insert(t.key.clone(), Threshold::from(t));
    }

    fn dashboard(&self) -> DashboardUpdate {
        kpi::dashboard(
            self.modules
                .iter()
                .map(|m| (m.key.as_str(), m.kpis.as_slice())),
            crate::store::now(),
        )
    }
}

/// What [`Kpis::take_due`] found due.
#[derive(Debug)]
pub struct Due {
    /// `(module, KPIs)` whose `kpi:update` is due.
    pub modules: Vec<(String, Vec<Kpi>)>,
    /// The `dashboard:update`, if due.
    pub dashboard: Option<DashboardUpdate>,
    /// When the next send can be due (absent further changes).
    pub next: Instant,
}

/// The KPI state of the server.
///
/// Locks: `board` is a std mutex held only for in-memory work, never across an await.
/// `writer` is an async mutex held by every change (report, threshold, derived values) across
/// its database write, so changes are stored and applied in the same order, and a failed write
/// leaves memory untouched. The emission ticker never takes `writer`.
#[derive(Debug)]
pub struct Kpis {
    board: Mutex<Board>,
    writer: tokio::sync::Mutex<()>,
    changed: Notify,
}

impl Default for Kpis {
    fn default() -> Self {
        Self::new()
    }
}

impl Kpis {
    /// The default modules, each with no KPIs, and no thresholds.
    pub fn new() -> Self {
        let now = Instant::now();
        Self {
            board: Mutex::new(Board {
                modules: DEFAULT_MODULES
                    .iter()
                    .map(|m| Module::new(m, now))
                    .collect(),
                thresholds: HashMap::new(),
                dashboard_dirty: false,
                last_dashboard: now,
            }),
            writer: tokio::sync::Mutex::new(()),
            changed: Notify::new(),
        }
    }

    fn board(&self) -> MutexGuard<'_, Board> {
        // Each critical section leaves the board consistent (values are computed before they
        // are written), so a poisoned lock is safe to reuse.
        self.board.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Loads thresholds (the configuration's, then the stored ones, which take precedence)
    /// and the stored KPI values; statuses are recomputed. Module `fleet` starts with its
    /// derived KPIs at 0 when nothing is stored for it. Called once by `run` before serving.
    pub async fn load(
        &self,
        store: &Store,
        configured: &[KpiThreshold],
    ) -> Result<(), ServerError> {
        for t in configured {
            t.validate().map_err(|e| ServerError::Config {
                message: format!("kpi-threshold {}/{}: {e}", t.module_key, t.key),
            })?;
        }
        let stored_thresholds = store.load_thresholds().await?;
        let stored_kpis = store.load_kpis().await?;
        let now = Instant::now();
        let mut board = self.board();
        for t in configured.iter().chain(&stored_thresholds) {
            board.set_threshold(t);
        }
        for s in stored_kpis {
            if board.module(&s.module_key).is_none() {
                board.modules.push(Module::new(&s.module_key, now));
            }
            let threshold = board.threshold(&s.module_key, &s.state.kpi.key).copied();
            let mut state = s.state;
            kpi::restatus(&mut state, threshold.as_ref());
            if let Some(m) = board.module_mut(&s.module_key) {
                m.kpis.push(state);
            }
        }
        let seed_fleet = board
            .module(FLEET_MODULE)
            .is_some_and(|m| m.kpis.is_empty());
        if seed_fleet {
            let at = crate::store::now();
            let seeded: Vec<KpiState> = kpi::fleet_seed()
                .iter()
                .map(|s| {
                    let t = board.threshold(FLEET_MODULE, &s.key).copied();
                    kpi::apply(None, s, t.as_ref(), at).state
                })
                .collect();
            if let Some(m) = board.module_mut(FLEET_MODULE) {
                m.kpis = seeded;
            }
        }
        Ok(())
    }

    /// The KPIs of `module`, or `None` for an unknown module.
    pub fn snapshot(&self, module: &str) -> Option<Vec<Kpi>> {
        self.board()
            .module(module)
            .map(|m| m.kpis.iter().map(|k| k.kpi.clone()).collect())
    }

    /// Whether `module` exists.
    pub fn exists(&self, module: &str) -> bool {
        self.board().module(module).is_some()
    }

    /// Every module key, in display order.
    pub fn modules(&self) -> Vec<String> {
        self.board().modules.iter().map(|m| m.key.clone()).collect()
    }

    /// The current `dashboard:update`.
    pub fn dashboard(&self) -> DashboardUpdate {
        self.board().dashboard()
    }

    /// Marks what is due at `now` as sent and returns it, with when to look again.
    pub fn take_due(&self, now: Instant, module_pace: Pace, dashboard_pace: Pace) -> Due {
        let mut board = self.board();
        let mut modules = Vec::new();
        let mut next = now + module_pace.max_gap.max(dashboard_pace.max_gap);
        for m in &mut board.modules {
            if module_pace.due(now, m.last_emit, m.dirty) {
                m.dirty = false;
                m.last_emit = now;
                modules.push((
                    m.key.clone(),
                    m.kpis.iter().map(|k| k.kpi.clone()).collect(),
                ));
            }
            next = next.min(module_pace.next_due(m.last_emit, m.dirty));
        }
        let dashboard = if dashboard_pace.due(now, board.last_dashboard, board.dashboard_dirty) {
            board.dashboard_dirty = false;
            board.last_dashboard = now;
            Some(board.dashboard())
        } else {
            None
        };
        next = next.min(dashboard_pace.next_due(board.last_dashboard, board.dashboard_dirty));
        Due {
            modules,
            dashboard,
            next,
        }
    }

    /// Resolves once something changed since the last call (a change before the call counts).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}
