//! Before the run: the open-file limit, and the demo geofences and KPI thresholds created
//! over the control connection.

use opsdeck_protocol::events;
use opsdeck_sim::Sim;
use serde_json::Value;
use tracing::warn;

use crate::control::Control;
use crate::say;
use crate::stats::{Kind, Stats};

/// Warns when the process may not open one socket per vehicle.
pub fn check_fd_limit(vehicles: usize) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < vehicles + 64
    {
        warn!(
            soft,
            vehicles, "open-file limit too low for one socket per vehicle; raise `ulimit -n`"
        );
    }
}

/// Creates the demo geofences (unless one of that name exists) and the KPI thresholds.
pub async fn setup(control: &Control, sim: &Sim, stats: &Stats) {
    let existing: Vec<String> = match control.request(events::GEOFENCE_LIST, &Value::Null).await {
        Ok(v) => v["geofences"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|g| g["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        Err(e) => {
            warn!(error = %e, "geofence:list failed");
            Vec::new()
        }
    };
    let (mut made, mut failed) = (0, 0);
    for fence in sim.geofences() {
        if existing.contains(&fence.name) {
            continue;
        }
        let kind = Kind::Other(events::GEOFENCE_CREATE);
        stats.sent(kind, 1);
        match control.request(events::GEOFENCE_CREATE, &fence).await {
            Ok(_) => {
                stats.ok(kind, 1);
                made += 1;
            }
            Err(e) => {
                stats.rejected(kind, 1, e.code());
                warn!(name = %fence.name, error = %e, "geofence:create failed");
                failed += 1;
            }
        }
    }
    let thresholds = sim.kpi_thresholds();
    let mut set = 0;
    for t in &thresholds {
        let kind = Kind::Other(events::KPI_THRESHOLD);
        stats.sent(kind, 1);
        match control.request(events::KPI_THRESHOLD, t).await {
            Ok(_) => {
                stats.ok(kind, 1);
                set += 1;
            }
            Err(e) => {
                stats.rejected(kind, 1, e.code());
                warn!(key = %t.key, error = %e, "kpi:threshold failed");
            }
        }
    }
    say(&format!(
        "setup: {made} geofences created ({} existed, {failed} failed), {set}/{} KPI thresholds set",
        existing.len(),
        thresholds.len()
    ));
}
