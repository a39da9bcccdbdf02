//! Changing KPIs: producer reports, thresholds, the server's derived values, and what happens
//! when a KPI enters `critical` (an alert of kind `kpi` and a notification to role
//! `dispatcher`).

use opsdeck_protocol::fleet::{AlertKind, AlertPriority};
use opsdeck_protocol::kpi::{FLEET_MODULE, Kpi, KpiReport, KpiSample, KpiThreshold, fleet_keys};
use opsdeck_protocol::notification::{NotificationType, SendNotification, Target, TargetKind};
use opsdeck_protocol::{ErrorCode, ProtocolError, Role, Validate};
use serde::Serialize;

use super::{MAX_KPIS_PER_MODULE, MAX_MODULES, Module};
use crate::alerts::{self, NewAlert};
use crate::domain::kpi::{self, KpiState};
use crate::state::App;

/// Result of a report: the `kpi:report` ack and the `POST /api/kpis/{moduleKey}` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportResult {
    /// The module reported to.
    pub module_key: String,
    /// How many KPIs changed (an identical value changes nothing).
    pub changed: usize,
    /// Whether the report created the module.
    pub created: bool,
}

/// What the fleet subsystem supplies for module `fleet`, every couple of seconds. The server
/// adds `alertsLastHour` and `usersOnline` itself ([`super::derive_ticker`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FleetFigures {
    /// Vehicles whose status is not `offline`.
    pub vehicles_active: u64,
    /// Trips `started` or `ongoing`.
    pub trips_in_progress: u64,
    /// Average speed of the active vehicles, km/h (0 when none moves).
    pub average_speed_kmh: f64,
}

/// A producer's report (`kpi:report`, `POST /api/kpis/{moduleKey}`), already authorized:
/// validated, stored, applied; a report for an unknown module creates it. Module `fleet` is
/// derived by the server and takes no reports (`bad_request`).
pub async fn report(app: &App, req: KpiReport) -> Result<ReportResult, ProtocolError> {
    req.validate()?;
    if kpi::is_derived(&req.module_key) {
        return Err(ProtocolError::bad_request(format!(
            "module `{}` is derived by the server and takes no reports",
            req.module_key
        )));
    }
    apply_samples(app, &req.module_key, &req.kpis).await
}

/// Sets values computed by the server itself (module `fleet`), bypassing the producer
/// refusal of [`report`]. Values that did not change cost nothing (no write, no emission).
/// Invalid samples (bad key, non-finite value) are refused as a whole (`bad_request`).
pub async fn set_derived(
    app: &App,
    module: &str,
    values: Vec<KpiSample>,
) -> Result<(), ProtocolError> {
    if values.is_empty() {
        return Ok(());
    }
    let req = KpiReport {
        module_key: module.to_owned(),
        kpis: values,
    };
    req.validate()?;
    apply_samples(app, &req.module_key, &req.kpis)
        .await
        .map(|_| ())
}

/// The fleet subsystem's figures for module `fleet` (see [`FleetFigures`]).
pub async fn set_fleet_figures(app: &App, f: FleetFigures) -> Result<(), ProtocolError> {
    let values = [
        (fleet_keys::VEHICLES_ACTIVE, f.vehicles_active as f64),
        (fleet_keys::TRIPS_IN_PROGRESS, f.trips_in_progress as f64),
        (fleet_keys::AVERAGE_SPEED, round1(f.average_speed_kmh)),
    ];
    set_derived(app, FLEET_MODULE, fleet_samples(&values)).await
}

/// Samples for module `fleet` with the labels and units of [`kpi::fleet_seed`].
pub(super) fn fleet_samples(values: &[(&str, f64)]) -> Vec<KpiSample> {
    let seed = kpi::fleet_seed();
    values
        .iter()
        .map(|(key, v)| {
            let mut s = seed
                .iter()
                .find(|s| s.key == *key)
                .cloned()
                .unwrap_or_else(|| KpiSample {
                    key: (*key).to_owned(),
                    label: None,
                    value: 0.0,
                    unit: None,
                    trend: None,
                });
            s.value = *v;
            s
        })
        .collect()
}

fn round1(v: f64) -> f64 {
    if v.is_finite() {
        (v * 10.0).round() / 10.0
    } else {
        0.0
    }
}

/// Applies validated samples to `module`: computes the changes, stores them, then applies
/// them in memory, all under the writer lock; then raises an alert for every KPI that entered
/// `critical`.
async fn apply_samples(
    app: &App,
    module: &str,
    samples: &[KpiSample],
) -> Result<ReportResult, ProtocolError> {
    let kpis = &app.kpis;
    let now = crate::store::now();
    let writer = kpis.writer.lock().await;

    // 1. What changes (memory untouched).
    let (created, changes, criticals) = {
        let board = kpis.board();
        let m = board.module(module);
        if m.is_none() && board.modules.len() >= MAX_MODULES {
            return Err(ProtocolError::new(
                ErrorCode::TooLarge,
                format!("at most {MAX_MODULES} modules"),
            ));
        }
        let mut next_position = m.map_or(0, |m| m.kpis.len());
        let mut changes: Vec<(usize, KpiState)> = Vec::new();
        let mut criticals: Vec<Kpi> = Vec::new();
        for s in samples {
            let existing = m.and_then(|m| m.position(&s.key));
            let current = existing.and_then(|i| m.map(|m| &m.kpis[i]));
            let applied = kpi::apply(current, s, board.threshold(module, &s.key), now);
            if !applied.changed {
                continue;
            }
            let position = existing.unwrap_or_else(|| {
                next_position += 1;
                next_position - 1
            });
            if applied.entered_critical {
                criticals.push(applied.state.kpi.clone());
            }
            changes.push((position, applied.state));
        }
        if next_position > MAX_KPIS_PER_MODULE {
            return Err(ProtocolError::new(
                ErrorCode::TooLarge,
                format!("at most {MAX_KPIS_PER_MODULE} KPIs per module"),
            ));
        }
        (m.is_none(), changes, criticals)
    };

    // 2. Durable first.
    let rows: Vec<(i64, &KpiState)> = changes.iter().map(|(p, s)| (*p as i64, s)).collect();
    app.store.save_kpis(module, &rows).await?;

    // 3. Apply.
    {
        let mut board = kpis.board();
        if created {
            board
                .modules
                .push(Module::new(module, std::time::Instant::now()));
        }
        if let Some(m) = board.module_mut(module) {
            for (position, state) in &changes {
                match m.kpis.get_mut(*position) {
                    Some(slot) => *slot = state.clone(),
                    None => m.kpis.push(state.clone()),
                }
            }
            if !changes.is_empty() || created {
                m.dirty = true;
            }
        }
        if !changes.is_empty() || created {
            board.dashboard_dirty = true;
        }
    }
    drop(writer);
    if !changes.is_empty() || created {
        kpis.changed.notify_one();
    }
    if created {
        tracing::info!(module, "kpi module created");
    }

    for k in &criticals {
        entered_critical(app, module, k).await;
    }
    Ok(ReportResult {
        module_key: module.to_owned(),
        changed: changes.len(),
        created,
    })
}

/// `kpi:threshold`, already authorized: validated, stored (it then takes precedence over the
/// configuration file's), applied to the KPI's status. A KPI it puts into `critical` raises
/// an alert like a report would. The module need not exist yet.
pub async fn set_threshold(app: &App, t: KpiThreshold) -> Result<(), ProtocolError> {
    t.validate()?;
    let kpis = &app.kpis;
    let writer = kpis.writer.lock().await;
    app.store.save_threshold(&t).await?;
    let critical = {
        let mut board = kpis.board();
        board.set_threshold(&t);
        let threshold = board.threshold(&t.module_key, &t.key).copied();
        let mut critical = None;
        let mut changed = false;
        if let Some(m) = board.module_mut(&t.module_key)
            && let Some(i) = m.position(&t.key)
        {
            let (status_changed, entered) = kpi::restatus(&mut m.kpis[i], threshold.as_ref());
            if status_changed {
                m.dirty = true;
                changed = true;
            }
            if entered {
                critical = Some(m.kpis[i].kpi.clone());
            }
        }
        if changed {
            board.dashboard_dirty = true;
        }
        critical
    };
    drop(writer);
    kpis.changed.notify_one();
    if let Some(k) = critical {
        entered_critical(app, &t.module_key, &k).await;
    }
    Ok(())
}

/// Longest KPI label quoted in a notification title (titles are at most 200 characters).
const TITLE_LABEL_CHARS: usize = 150;

/// A KPI entered `critical`: an alert (kind `kpi`, priority `critical`) and a notification
/// (type `critical`) to role `dispatcher`. Failures are logged: the report itself succeeded.
async fn entered_critical(app: &App, module: &str, k: &Kpi) {
    let unit = k
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let message = format!(
        "KPI {} ({}/{}) is critical: {}{}",
        k.label, module, k.key, k.value, unit
    );
    let alert = match alerts::raise(
        app,
        NewAlert {
            kind: AlertKind::Kpi,
            priority: AlertPriority::Critical,
            vehicle_id: None,
            module_key: Some(module.to_owned()),
            message: message.clone(),
        },
    )
    .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, module, key = %k.key, "cannot store kpi alert");
            return;
        }
    };
    let label: String = k.label.chars().take(TITLE_LABEL_CHARS).collect();
    let note = SendNotification {
        title: format!("KPI critical: {label}"),
        message,
        kind: NotificationType::Critical,
        target: Target {
            kind: TargetKind::Roles,
            ids: Some(vec![Role::Dispatcher.as_str().to_owned()]),
        },
        data: Some(serde_json::json!({
            "alertId": alert.id,
            "moduleKey": module,
            "key": k.key,
            "value": k.value,
        })),
    };
    if let Err(e) = crate::handlers::notifications::send(app, note, None).await {
        tracing::error!(error = %e, module, key = %k.key, "cannot send kpi notification");
    }
}
