//! `serve --demo`: the built-in simulator (`crates/sim`) driving the server in-process, so a
//! fresh install shows a living fleet and ticking KPIs without any other process.
//!
//! The simulator's events go through the same service functions as reports from sockets and
//! HTTP (validated, stored, emitted), as an internal admin identity.

use std::collections::HashMap;
use std::time::Duration;

use opsdeck_protocol::Role;
use opsdeck_protocol::fleet::VehicleUpsert;
use opsdeck_sim::roadmap::road_map;
use opsdeck_sim::{Sim, SimConfig, SimEvent};

use crate::auth::Identity;
use crate::config::DemoConfig;
use crate::error::ServerError;
use crate::fleet::service;
use crate::kpi;
use crate::state::App;

/// How often the simulated world advances.
const STEP: Duration = Duration::from_secs(1);

fn identity() -> Identity {
    Identity {
        user_id: "opsdeck-demo".into(),
        name: "Opsdeck demo".into(),
        role: Role::Admin,
        vehicle_id: None,
        anonymous: false,
    }
}

/// Registers the simulated vehicles, geofences and KPI thresholds that are not there yet.
async fn seed(app: &App, sim: &Sim) -> Result<(), ServerError> {
    let missing: Vec<VehicleUpsert> = sim
        .vehicles()
        .into_iter()
        .filter(|v| !app.fleet.with(|s| s.vehicles.contains_key(&v.id)))
        .collect();
    service::register_vehicles(app, &missing).await?;
    let known: Vec<String> = service::geofences(app)
        .into_iter()
        .map(|g| g.name)
        .collect();
    for g in sim.geofences() {
        if !known.contains(&g.name)
            && let Err(e) = service::create_geofence(app, g).await
        {
            tracing::warn!(error = %e, "demo geofence refused");
        }
    }
    for t in sim.kpi_thresholds() {
        if let Err(e) = kpi::set_threshold(app, t).await {
            tracing::warn!(error = %e, "demo threshold refused");
        }
    }
    tracing::info!(
        vehicles = sim.config().vehicles,
        new = missing.len(),
        "demo fleet ready"
    );
    Ok(())
}

/// The simulator's configuration for `cfg`: the default city (Riyadh, 12 km).
fn sim_config(cfg: DemoConfig) -> SimConfig {
    SimConfig {
        seed: cfg.seed,
        vehicles: cfg.vehicles,
        kpis: true,
        ..SimConfig::default()
    }
}

/// The demo city's roads as a GeoJSON `FeatureCollection`, one `MultiLineString` feature per
/// road class (property `class`), for a map to draw under the simulated vehicles.
pub fn roads_geojson() -> serde_json::Value {
    let features: Vec<serde_json::Value> = road_map(&sim_config(DemoConfig::default()))
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"class": r.class.as_str()},
                "geometry": {"type": "MultiLineString", "coordinates": r.lines},
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

/// Runs the simulator until the task is aborted.
pub async fn run(app: App, cfg: DemoConfig) {
    let mut sim = match Sim::new(sim_config(cfg)) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "demo simulator refused its configuration");
            return;
        }
    };
    if let Err(e) = seed(&app, &sim).await {
        tracing::error!(error = %e, "cannot seed the demo");
        return;
    }
    let who = identity();
    // Trips the simulator opened, by vehicle (it names vehicles, the server names trips).
    let mut trips: HashMap<String, String> = HashMap::new();
    let mut tick = tokio::time::interval(STEP);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut events = Vec::new();
    loop {
        tick.tick().await;
        events.clear();
        sim.step_into(crate::store::now(), STEP, &mut events);
        for e in events.drain(..) {
            if let Err(err) = feed(&app, &who, &mut trips, e).await {
                tracing::debug!(error = %err, "demo event refused");
            }
        }
    }
}

async fn feed(
    app: &App,
    who: &Identity,
    trips: &mut HashMap<String, String>,
    e: SimEvent,
) -> Result<(), opsdeck_protocol::ProtocolError> {
    match e {
        SimEvent::Location(r) => service::ingest_location(app, who, r).await,
        SimEvent::Status(r) => service::ingest_status(app, who, r).await,
        SimEvent::Emergency(r) => service::raise_emergency(app, who, r).await,
        SimEvent::TripStart(r) => {
            // A trip left open by a previous run (restart) is closed first.
            if let Some(open) = service::vehicle(app, &r.vehicle_id)?.trip_id {
                service::close_trip(app, who, &open, Some("superseded by a new trip")).await?;
            }
            let vehicle = r.vehicle_id.clone();
            let trip = service::start_trip(app, r).await?;
            trips.insert(vehicle, trip.id);
            Ok(())
        }
        SimEvent::TripComplete { vehicle_id } => match trips.remove(&vehicle_id) {
            Some(id) => service::close_trip(app, who, &id, None).await.map(|_| ()),
            None => Ok(()),
        },
        SimEvent::TripCancel { vehicle_id, reason } => match trips.remove(&vehicle_id) {
            Some(id) => service::close_trip(app, who, &id, Some(&reason))
                .await
                .map(|_| ()),
            None => Ok(()),
        },
        SimEvent::Kpi(r) => kpi::report(app, r).await.map(|_| ()),
    }
}
