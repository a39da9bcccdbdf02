//! Alerts (PROTOCOL.md §5, last paragraph): every emergency, low-fuel, geofence and
//! KPI-critical event is also kept as an [`Alert`], listed with `alert:list` and acknowledged
//! with `alert:ack` (`handlers/alerts.rs`).
//!
//! [`raise`] is the one way to create an alert: it stores it durably and counts it for the
//! `fleet` module's "alerts in the last hour" KPI ([`Alerts::last_hour`]). It emits nothing:
//! the caller sends the event of its own domain (`emergency:alert`, `vehicle:low-fuel`,
//! `geofence:alert`, or the KPI notification), after `raise` returned, so the alert id it
//! carries is already listable and acknowledgeable.

use std::sync::Mutex;

use chrono::TimeDelta;
use opsdeck_protocol::fleet::{Alert, AlertKind, AlertPriority};

use crate::domain::recent::RecentCount;
use crate::error::ServerError;
use crate::state::App;
use crate::store::Store;

/// What a subsystem reports to [`raise`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    /// What raised it.
    pub kind: AlertKind,
    /// Urgency (see [`AlertPriority::for_emergency`] for emergencies).
    pub priority: AlertPriority,
    /// The vehicle, for fleet alerts.
    pub vehicle_id: Option<String>,
    /// The module, for KPI alerts.
    pub module_key: Option<String>,
    /// Human-readable description.
    pub message: String,
}

/// In-memory view of the alerts: how many were raised in the last hour. The alerts themselves
/// live in the database only.
#[derive(Debug)]
pub struct Alerts {
    /// Alerts per 10 s over the last hour. A std mutex: every use is a few arithmetic
    /// operations, never across an await.
    recent: Mutex<RecentCount>,
}

impl Default for Alerts {
    fn default() -> Self {
        Self::new()
    }
}

impl Alerts {
    /// No alerts counted yet; [`Alerts::load`] fills in the last hour from the database.
    pub fn new() -> Self {
        Self {
            recent: Mutex::new(RecentCount::hour()),
        }
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, RecentCount> {
        // Every operation leaves the counter consistent, so poisoning is harmless.
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts the alerts stored during the last hour (at start-up).
    pub async fn load(&self, store: &Store) -> Result<(), ServerError> {
        let now = crate::store::now();
        let times = store.alert_times_since(now - TimeDelta::hours(1)).await?;
        let mut recent = self.recent();
        for t in times {
            recent.record(t, now);
        }
        Ok(())
    }

    /// Alerts raised in the last hour (to 10 s precision).
    pub fn last_hour(&self) -> u64 {
        self.recent().count(crate::store::now())
    }

    fn record(&self, alert: &Alert) {
        self.recent().record(alert.created_at, crate::store::now());
    }
}

/// A fresh alert id.
fn new_id() -> String {
    format!("alr_{:016x}", rand::random::<u64>())
}

/// Stores a new alert (durably, before returning it) and counts it for the last hour.
///
/// Called by the fleet subsystem for emergencies, low fuel and geofence crossings, and by the
/// KPI engine for KPIs entering `critical`. The caller emits its own events afterwards.
pub async fn raise(app: &App, new: NewAlert) -> Result<Alert, ServerError> {
    let alert = Alert {
        id: new_id(),
        kind: new.kind,
        priority: new.priority,
        vehicle_id: new.vehicle_id,
        module_key: new.module_key,
        message: new.message,
        created_at: crate::store::now(),
        acked_by: None,
        acked_at: None,
    };
    app.store.insert_alert(&alert).await?;
    app.alerts.record(&alert);
    tracing::info!(
        id = %alert.id,
        kind = crate::store::alerts::kind_str(alert.kind),
        "alert raised"
    );
    Ok(alert)
}
