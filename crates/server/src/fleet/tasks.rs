//! Background work of the fleet: the offline rule, saving changed state, history retention.

use std::time::Duration;

use super::{apply, rules};
use crate::state::App;

/// How often the latest state of changed vehicles and trips is saved. Every accepted position
/// is in the history already (written within milliseconds); this snapshot only speeds up a
/// restart, and at 10,000 vehicles a save per second doubled the database's write load and
/// starved the history writer. Shutdown saves once more.
const SAVE_EVERY: Duration = Duration::from_secs(15);
/// How often old history is pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Marks silent vehicles offline every `sweep_interval`.
pub async fn sweeper(app: App) {
    let mut tick = tokio::time::interval(app.fleet.config.sweep_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = crate::store::now();
        let inactivity = app.fleet.config.inactivity;
        let effects = app.fleet.with(|s| rules::sweep(s, now, inactivity));
        if !effects.is_empty() {
            apply(&app, effects).await;
        }
    }
}

/// Saves the latest state of changed vehicles and trips about once a second.
pub async fn saver(app: App) {
    let mut tick = tokio::time::interval(SAVE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        save(&app).await;
    }
}

/// Writes what changed since the last save (also called once at shutdown).
pub async fn save(app: &App) {
    let (vehicles, trips) = app.fleet.take_dirty();
    if let Err(e) = app.store.save_vehicles(&vehicles).await {
        tracing::error!(error = %e, "cannot save vehicles");
    }
    if let Err(e) = app.store.save_trips(&trips).await {
        tracing::error!(error = %e, "cannot save trips");
    }
}

/// Deletes history older than the retention, hourly.
pub async fn pruner(app: App) {
    let Some(retention) = app.fleet.config.history_retention else {
        return;
    };
    let mut tick = tokio::time::interval(PRUNE_EVERY);
    loop {
        tick.tick().await;
        let cutoff = crate::store::now()
            - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(30));
        match app.store.prune_history(cutoff.timestamp_millis()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "pruned location history"),
            Err(e) => tracing::warn!(error = %e, "cannot prune location history"),
        }
    }
}

/// How often the `fleet` KPI module is recomputed.
const FIGURES_EVERY: Duration = Duration::from_secs(2);

/// Feeds the server-derived `fleet` KPIs (vehicles active, trips in progress, average speed).
pub async fn figures(app: App) {
    let mut tick = tokio::time::interval(FIGURES_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let d = app.fleet.derived(crate::store::now());
        let f = crate::kpi::FleetFigures {
            vehicles_active: d.vehicles_active,
            trips_in_progress: d.trips_in_progress,
            average_speed_kmh: d.average_speed_kmh,
        };
        if let Err(e) = crate::kpi::set_fleet_figures(&app, f).await {
            tracing::warn!(error = %e, "cannot update fleet KPIs");
        }
    }
}
