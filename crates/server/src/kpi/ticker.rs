//! The KPI background tasks, spawned by `run` and aborted at shutdown.

use std::time::{Duration, Instant};

use opsdeck_protocol::events;
use opsdeck_protocol::kpi::{FLEET_MODULE, fleet_keys, module_room};

use super::{DASHBOARD_MIN_GAP, KPI_MIN_GAP, ingest};
use crate::domain::kpi::Pace;
use crate::state::App;

/// How often [`derive_ticker`] refreshes the server's own `fleet` KPIs.
pub const DERIVE_INTERVAL: Duration = Duration::from_secs(2);

/// Shortest configured interval honoured, so a zero interval cannot spin.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// Emits `kpi:update:{module}` to `module:{module}` after changes (at most every
/// [`KPI_MIN_GAP`]) and at least every `config.kpi_interval`, and `dashboard:update` to
/// `dashboard` after changes (at most every [`DASHBOARD_MIN_GAP`]) and at least every
/// `config.dashboard_interval`. The only task emitting these, so one module's updates go out
/// in order. Sleeps until the next send is due or something changes.
pub async fn emit_ticker(app: App) {
    let module_pace = Pace {
        min_gap: KPI_MIN_GAP,
        max_gap: app.config.kpi_interval.max(MIN_INTERVAL),
    };
    let dashboard_pace = Pace {
        min_gap: DASHBOARD_MIN_GAP,
        max_gap: app.config.dashboard_interval.max(MIN_INTERVAL),
    };
    loop {
        let due = app
            .kpis
            .take_due(Instant::now(), module_pace, dashboard_pace);
        for (module, kpis) in due.modules {
            let room = module_room(&module);
            if app.room_size(vec![room.clone()]) == 0 {
                continue;
            }
            app.emit_rooms(vec![room], &events::kpi_update_event(&module), &kpis)
                .await;
        }
        if let Some(d) = due.dashboard
            && app.room_size(vec![events::DASHBOARD_ROOM.to_owned()]) > 0
        {
            app.emit_rooms(
                vec![events::DASHBOARD_ROOM.to_owned()],
                events::DASHBOARD_UPDATE,
                &d,
            )
            .await;
        }
        tokio::select! {
            () = app.kpis.changed() => {}
            () = tokio::time::sleep_until(due.next.into()) => {}
        }
    }
}

/// Every [`DERIVE_INTERVAL`], sets the `fleet` KPIs the server knows without the fleet
/// subsystem: `alertsLastHour` and `usersOnline`.
pub async fn derive_ticker(app: App) {
    let mut tick = tokio::time::interval(DERIVE_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let values = [
            (fleet_keys::ALERTS_LAST_HOUR, app.alerts.last_hour() as f64),
            (fleet_keys::USERS_ONLINE, app.presence.count() as f64),
        ];
        let samples = ingest::fleet_samples(&values);
        if let Err(e) = ingest::set_derived(&app, FLEET_MODULE, samples).await {
            tracing::warn!(error = %e, "cannot update derived fleet KPIs");
        }
    }
}
