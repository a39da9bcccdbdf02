//! Opsdeck's deterministic fleet and KPI simulator.
//!
//! [`Sim`] models a fleet driving on a generated city road network (default: Riyadh, 12 km
//! around Olaya) and the six ERP modules' KPIs, and returns from each [`Sim::step`] what
//! devices and producers would send to an Opsdeck server ([`SimEvent`], built from the wire
//! types of `opsdeck-protocol`). The model is pure: no clock, no sockets, no global RNG.
//! The same [`SimConfig`] and the same sequence of `step` calls give the same events.
//!
//! Where things live: [`roads`] (street grid, ring road, router), [`roadmap`] (the roads in
//! degrees, for drawing), [`places`] (landmarks, districts, depots, stations), [`registry`]
//! (ids, plates, models), `vehicle` (kinematics and fuel), `trips` (what a vehicle does
//! next), [`incidents`] (emergencies), [`geofences`] (demo zones), [`kpi`] (ERP module KPIs),
//! [`sim`] (the step loop), [`geo`] (projection and geometry), and [`wire`] (the Socket.IO
//! packet codec the `opsdeck-sim` binary speaks).
#![warn(missing_docs)]

pub mod error;
pub mod geo;
pub mod geofences;
pub mod incidents;
pub mod kpi;
pub mod places;
pub mod registry;
pub mod roadmap;
pub mod roads;
pub mod sim;
mod trips;
mod vehicle;
pub mod wire;

pub use error::SimError;
pub use sim::Sim;

use opsdeck_protocol::fleet::{EmergencyRaise, LocationReport, TripStart, VehicleStatusReport};
use opsdeck_protocol::kpi::KpiReport;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of vehicles (0 for KPIs only).
    pub vehicles: usize,
    /// Centre of the city, `(lat, lng)` degrees.
    pub center: (f64, f64),
    /// Radius of the simulated area, km (1 to 100).
    pub radius_km: f64,
    /// Whether to produce KPI reports for the six ERP modules.
    pub kpis: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            vehicles: 50,
            center: places::RIYADH,
            radius_km: 12.0,
            kpis: true,
        }
    }
}

/// Something a device or producer would send to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEvent {
    /// `location:report`: one per vehicle per report interval, moving or not.
    Location(LocationReport),
    /// `vehicle:report-status`: the vehicle's status changed (and its fuel level then).
    Status(VehicleStatusReport),
    /// `emergency:raise`.
    Emergency(EmergencyRaise),
    /// `trip:start`: the vehicle leaves for a destination.
    TripStart(TripStart),
    /// The vehicle arrived: `trip:complete` for the trip its last `TripStart` opened.
    TripComplete {
        /// The vehicle.
        vehicle_id: String,
    },
    /// The open trip is abandoned (after a breakdown, accident or medical emergency):
    /// `trip:cancel` for the trip its last `TripStart` opened.
    TripCancel {
        /// The vehicle.
        vehicle_id: String,
        /// Why.
        reason: String,
    },
    /// `kpi:report` for one module.
    Kpi(KpiReport),
}

impl SimEvent {
    /// The vehicle the event is about; `None` for KPI reports.
    pub fn vehicle_id(&self) -> Option<&str> {
        match self {
            Self::Location(r) => Some(&r.vehicle_id),
            Self::Status(r) => Some(&r.vehicle_id),
            Self::Emergency(r) => Some(&r.vehicle_id),
            Self::TripStart(r) => Some(&r.vehicle_id),
            Self::TripComplete { vehicle_id } | Self::TripCancel { vehicle_id, .. } => {
                Some(vehicle_id)
            }
            Self::Kpi(_) => None,
        }
    }
}
