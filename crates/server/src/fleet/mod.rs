//! Fleet tracking (PROTOCOL.md §5): the in-memory state of every vehicle, open trip and
//! geofence, and the rules that turn reports into events.
//!
//! The methods here take the state lock, apply one report and return [`Effect`]s without
//! awaiting anything; `apply.rs` then emits them, raises alerts and queues writes. So the lock
//! is never held across an await, and the rules are testable without sockets. Geometry, ETA,
//! fuel hysteresis and speed windows are pure functions in `domain/`.

mod apply;
pub mod history;
pub mod rules;
pub mod service;
pub mod tasks;
#[cfg(test)]
mod tests;
pub mod tracking;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use opsdeck_protocol::fleet::AlertPriority;
use opsdeck_protocol::fleet::{Geofence, GeofenceAlert, Location, LowFuel, Trip, Vehicle};

pub use apply::apply;
pub use rules::{Derived, TripState, VehicleState};

use crate::domain::geo::Shape;
use history::HistoryQueue;
use tracking::Tracking;

/// Fleet settings.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetConfig {
    /// A vehicle with no report for this long turns `offline`.
    pub inactivity: Duration,
    /// How often the offline rule is checked.
    pub sweep_interval: Duration,
    /// Fuel percentage below which `vehicle:low-fuel` fires.
    pub low_fuel_threshold: f64,
    /// Re-arms once the level is above threshold + this.
    pub low_fuel_rearm: f64,
    /// Location history older than this is deleted (checked hourly); `None` keeps all.
    pub history_retention: Option<Duration>,
    /// `trip:updated` when progress moved by at least this fraction…
    pub trip_progress_step: f64,
    /// …or the ETA moved by at least this much.
    pub trip_eta_step: Duration,
}

impl Default for FleetConfig {
    fn default() -> Self {
        Self {
            inactivity: Duration::from_secs(300),
            sweep_interval: Duration::from_secs(5),
            low_fuel_threshold: 15.0,
            low_fuel_rearm: 5.0,
            history_retention: Some(Duration::from_secs(30 * 86_400)),
            trip_progress_step: 0.01,
            trip_eta_step: Duration::from_secs(30),
        }
    }
}

/// Something to emit (and maybe store) after a state change.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `vehicle:updated` (status, registry or trip changed).
    VehicleUpdated(Vehicle),
    /// A new position: `vehicle:location`, `tracking:update`, batches, history.
    Location {
        /// The vehicle.
        vehicle_id: String,
        /// The position.
        location: Location,
    },
    /// Fuel crossed below the threshold.
    LowFuel(LowFuel),
    /// A geofence was entered or left.
    Geofence {
        /// The event.
        alert: GeofenceAlert,
        /// The geofence's name, for the stored alert.
        name: String,
    },
    /// An emergency was raised.
    Emergency {
        /// The vehicle.
        vehicle_id: String,
        /// Emergency type (`sos`, `breakdown`, …).
        kind: String,
        /// Free text.
        message: String,
        /// Last known position.
        location: Option<Location>,
        /// `critical` for sos/panic/accident.
        priority: AlertPriority,
    },
    /// `trip:started`.
    TripStarted(Trip),
    /// `trip:updated`.
    TripUpdated(Trip),
    /// `trip:completed`.
    TripCompleted(Trip),
    /// `trip:cancelled`.
    TripCancelled {
        /// The trip.
        trip_id: String,
        /// Why.
        reason: String,
    },
}

/// Everything the fleet rules work on.
#[derive(Debug, Default)]
pub struct FleetState {
    /// Vehicles by id.
    pub vehicles: HashMap<String, VehicleState>,
    /// Open trips by id.
    pub trips: HashMap<String, TripState>,
    /// Geofences with their parsed shapes, in creation order.
    pub geofences: Vec<(Geofence, Shape)>,
    /// Vehicles whose latest state is not yet saved.
    pub dirty_vehicles: HashSet<String>,
    /// Trips whose latest state is not yet saved.
    pub dirty_trips: HashSet<String>,
}

/// The fleet: state behind one lock, the history writer and the tracking fan-out.
#[derive(Debug)]
pub struct Fleet {
    state: Mutex<FleetState>,
    /// Settings.
    pub config: FleetConfig,
    /// Location history writer.
    pub history: HistoryQueue,
    /// Batched tracking groups.
    pub tracking: Tracking,
}

impl Fleet {
    /// A fleet over loaded state.
    pub fn new(config: FleetConfig, state: FleetState, history: HistoryQueue) -> Self {
        Self {
            state: Mutex::new(state),
            config,
            history,
            tracking: Tracking::default(),
        }
    }

    /// Runs `f` on the state under the lock (never across an await).
    pub fn with<R>(&self, f: impl FnOnce(&mut FleetState) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Vehicles and trips changed since the last call, to save.
    pub fn take_dirty(&self) -> (Vec<Vehicle>, Vec<Trip>) {
        self.with(|s| {
            let vehicles = s
                .dirty_vehicles
                .drain()
                .filter_map(|id| s.vehicles.get(&id).map(|v| v.vehicle.clone()))
                .collect();
            let trips = s
                .dirty_trips
                .drain()
                .filter_map(|id| s.trips.get(&id).map(|t| t.trip.clone()))
                .collect();
            (vehicles, trips)
        })
    }

    /// Derived fleet figures for the `fleet` KPI module.
    pub fn derived(&self, now: DateTime<Utc>) -> Derived {
        self.with(|s| rules::derived(s, now, self.config.inactivity))
    }
}

impl Fleet {
    /// Loads vehicles, open trips and geofences, and starts the history writer.
    pub async fn load(
        store: &crate::store::Store,
        config: FleetConfig,
    ) -> Result<Self, crate::error::ServerError> {
        let mut state = FleetState::default();
        for v in store.load_vehicles().await? {
            let mut vs = VehicleState::new(v);
            // The inactivity rule continues across a restart from the last saved update.
            vs.last_report = Some(vs.vehicle.last_update);
            state.vehicles.insert(vs.vehicle.id.clone(), vs);
        }
        for t in store.open_trips().await? {
            state.trips.insert(t.id.clone(), TripState::new(t));
        }
        for g in store.load_geofences().await? {
            rules::add_geofence(&mut state, g);
        }
        let (history, _writer) = HistoryQueue::start(store.clone());
        tracing::info!(
            vehicles = state.vehicles.len(),
            trips = state.trips.len(),
            geofences = state.geofences.len(),
            "fleet loaded"
        );
        Ok(Self::new(config, state, history))
    }
}
