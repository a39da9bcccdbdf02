//! The simulation: world set-up and the step loop.
//!
//! Time is kept in whole microseconds since the start, so scheduling never drifts; each
//! `step` is cut into sub-steps of at most one second (or one report interval, if shorter)
//! and every vehicle is advanced once per sub-step, in a fixed order, drawing from seeded
//! ChaCha streams (one for the fleet's decisions, one for GPS noise, one for KPIs). Nothing
//! reads a clock: `now` only stamps the reports.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use opsdeck_protocol::fleet::{
    EmergencyRaise, GeofenceCreate, VehicleStatus, VehicleStatusReport, VehicleUpsert,
};
use opsdeck_protocol::kpi::KpiThreshold;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::geo::Projection;
use crate::incidents::{self, EmergencyKind};
use crate::kpi::{self, KpiBoard};
use crate::places::{PlaceKind, Places};
use crate::registry::{self, Identity};
use crate::roads::{RoadNetwork, Router};
use crate::trips::{self, PUMP_L_PER_S, World};
use crate::vehicle::{self, Errand, Mode, Vehicle};
use crate::{SimConfig, SimError, SimEvent};

/// How often each vehicle reports its position unless told otherwise.
pub const DEFAULT_REPORT_INTERVAL: Duration = Duration::from_secs(1);
/// How often each ERP module reports its KPIs (as the reference dashboard does).
pub const KPI_INTERVAL: Duration = Duration::from_secs(5);
/// Shortest accepted report interval.
pub const MIN_REPORT_INTERVAL: Duration = Duration::from_millis(10);
/// Longest accepted report interval.
pub const MAX_REPORT_INTERVAL: Duration = Duration::from_secs(3600);
/// Longest sub-step of the physics, µs.
const MAX_SUBSTEP_US: u64 = 1_000_000;

/// RNG streams, so that e.g. the report rate does not change the fleet's decisions.
const STREAM_REGISTRY: u64 = 0;
const STREAM_FLEET: u64 = 1;
const STREAM_GPS: u64 = 2;
const STREAM_KPI: u64 = 3;

/// A vehicle's state as a map would show it.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleSnapshot {
    /// Vehicle id.
    pub id: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lng: f64,
    /// Speed, km/h.
    pub speed_kmh: f64,
    /// Heading, degrees.
    pub heading: f64,
    /// Fuel level, percent.
    pub fuel_level: f64,
    /// Status it would report now.
    pub status: VehicleStatus,
}

/// A deterministic fleet and KPI simulation. See the crate documentation.
#[derive(Debug, Clone)]
pub struct Sim {
    config: SimConfig,
    proj: Projection,
    net: RoadNetwork,
    places: Places,
    depots: Vec<usize>,
    stations: Vec<usize>,
    destinations: Vec<usize>,
    router: Router,
    ids: Vec<Identity>,
    fleet: Vec<Vehicle>,
    rng: ChaCha8Rng,
    gps_rng: ChaCha8Rng,
    kpi_rng: ChaCha8Rng,
    kpis: Option<KpiBoard>,
    /// Simulation time, µs since the start.
    t: u64,
    interval_us: u64,
    next_kpi: u64,
    next_emergency: u64,
    started: bool,
}

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// Seconds to simulation microseconds.
pub(crate) fn secs(s: f64) -> u64 {
    (s * 1e6) as u64
}

/// Rounds to one decimal.
pub(crate) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn check(config: &SimConfig) -> Result<(), SimError> {
    let bad = |m: String| Err(SimError::Config(m));
    let (lat, lng) = config.center;
    if !(1.0..=100.0).contains(&config.radius_km) {
        return bad(format!(
            "radius_km must be 1..=100, got {}",
            config.radius_km
        ));
    }
    let margin = config.radius_km / 100.0 * 2.0; // degrees, generous
    if !(lat.abs() + margin <= 80.0 && lng.abs() + margin / lat.to_radians().cos() <= 180.0) {
        return bad(format!(
            "centre ({lat}, {lng}) must keep the whole area within latitudes ±80 and \
             longitudes ±180"
        ));
    }
    if config.vehicles > 1_000_000 {
        return bad(format!(
            "at most 1,000,000 vehicles, got {}",
            config.vehicles
        ));
    }
    Ok(())
}

impl Sim {
    /// Builds the world for `config`: roads, places, vehicles (parked at depots, landmarks and
    /// street corners, a few with low fuel and a few in maintenance) and KPI state.
    pub fn new(config: SimConfig) -> Result<Self, SimError> {
        check(&config)?;
        let proj = Projection::new(config.center.0, config.center.1);
        let net = RoadNetwork::generate(config.radius_km * 1000.0);
        let places = Places::new(&net);
        let kind = |k: PlaceKind| places.of_kind(k).map(|(i, _)| i).collect::<Vec<_>>();
        let depots = kind(PlaceKind::Depot);
        let stations = kind(PlaceKind::Station);
        let mut destinations = kind(PlaceKind::Landmark);
        destinations.extend(kind(PlaceKind::District));
        let ids = registry::identities(config.vehicles, &mut rng(config.seed, STREAM_REGISTRY));
        let mut fleet_rng = rng(config.seed, STREAM_FLEET);
        let mut gps_rng = rng(config.seed, STREAM_GPS);
        let interval_us = DEFAULT_REPORT_INTERVAL.as_micros() as u64;
        let fleet = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let mut v =
                    vehicle::spawn(i, id, &net, &places, &depots, &destinations, &mut fleet_rng);
                v.next_report = gps_rng.random_range(0..interval_us);
                v
            })
            .collect();
        let next_emergency = incidents::next_gap_us(config.vehicles, &mut fleet_rng);
        Ok(Self {
            kpis: config.kpis.then(KpiBoard::new),
            kpi_rng: rng(config.seed, STREAM_KPI),
            router: Router::new(&net),
            config,
            proj,
            net,
            places,
            depots,
            stations,
            destinations,
            ids,
            fleet,
            rng: fleet_rng,
            gps_rng,
            t: 0,
            interval_us,
            next_kpi: 0,
            next_emergency,
            started: false,
        })
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Simulated time since the start.
    pub fn elapsed(&self) -> Duration {
        Duration::from_micros(self.t)
    }

    /// The registry entries of every vehicle, for `vehicle:upsert` / `POST /api/vehicles`.
    pub fn vehicles(&self) -> Vec<VehicleUpsert> {
        self.ids.iter().map(Identity::upsert).collect()
    }

    /// The demo geofences, for `geofence:create`.
    pub fn geofences(&self) -> Vec<GeofenceCreate> {
        crate::geofences::demo(&self.net, &self.places, &self.proj)
    }

    /// Thresholds of the simulated KPIs, for `kpi:threshold`; empty without KPIs.
    pub fn kpi_thresholds(&self) -> Vec<KpiThreshold> {
        if self.config.kpis {
            kpi::thresholds()
        } else {
            Vec::new()
        }
    }

    /// How often each vehicle reports its position.
    pub fn report_interval(&self) -> Duration {
        Duration::from_micros(self.interval_us)
    }

    /// Sets how often each vehicle reports its position (10 ms to 1 h); the vehicles'
    /// reports are spread evenly over the new interval.
    pub fn set_report_interval(&mut self, every: Duration) -> Result<(), SimError> {
        if !(MIN_REPORT_INTERVAL..=MAX_REPORT_INTERVAL).contains(&every) {
            return Err(SimError::Config(format!(
                "report interval must be 10 ms to 1 h, got {every:?}"
            )));
        }
        self.interval_us = every.as_micros() as u64;
        for v in &mut self.fleet {
            v.next_report = self.t + self.gps_rng.random_range(0..self.interval_us);
        }
        Ok(())
    }

    /// Sets the report rate per vehicle in Hz (`1 / interval`).
    pub fn set_report_hz(&mut self, hz: f64) -> Result<(), SimError> {
        if !(hz.is_finite() && hz > 0.0) {
            return Err(SimError::Config(format!(
                "report rate must be > 0, got {hz}"
            )));
        }
        self.set_report_interval(Duration::from_secs_f64((1.0 / hz).min(3600.0)))
    }

    /// The road network.
    pub fn roads(&self) -> &RoadNetwork {
        &self.net
    }

    /// The named places.
    pub fn places(&self) -> &Places {
        &self.places
    }

    /// The projection between local metres and degrees.
    pub fn projection(&self) -> &Projection {
        &self.proj
    }

    /// Every vehicle's current state (without GPS noise).
    pub fn snapshot(&self) -> Vec<VehicleSnapshot> {
        self.fleet
            .iter()
            .zip(&self.ids)
            .map(|(v, id)| {
                let (x, y) = v.xy(&self.net);
                let (lat, lng) = self.proj.to_lat_lng(x, y);
                VehicleSnapshot {
                    id: id.id.clone(),
                    lat,
                    lng,
                    speed_kmh: f64::from(v.speed) * 3.6,
                    heading: f64::from(v.heading),
                    fuel_level: f64::from(v.fuel_pct()),
                    status: v.derived_status(),
                }
            })
            .collect()
    }

    /// Advances the world by `dt` and returns what devices and producers would send, in
    /// order. `now` is the wall-clock time at the end of the step; reports made earlier in
    /// the step are stamped earlier. The first call also reports every vehicle's status.
    pub fn step(&mut self, now: DateTime<Utc>, dt: Duration) -> Vec<SimEvent> {
        let mut out = Vec::new();
        self.step_into(now, dt, &mut out);
        out
    }

    /// [`Sim::step`], appending to `out` (to reuse its allocation).
    pub fn step_into(&mut self, now: DateTime<Utc>, dt: Duration, out: &mut Vec<SimEvent>) {
        let end = self.t + dt.as_micros() as u64;
        if !self.started {
            self.started = true;
            for (v, id) in self.fleet.iter_mut().zip(&self.ids) {
                push_status(v, id, out);
            }
        }
        let max_sub = self.interval_us.min(MAX_SUBSTEP_US);
        while self.t < end {
            let h = (end - self.t).min(max_sub);
            self.t += h;
            let ts = now - TimeDelta::microseconds((end - self.t) as i64);
            self.advance(h, ts, out);
        }
    }

    /// One sub-step of `h_us` ending at `self.t` (wall-clock `ts`).
    fn advance(&mut self, h_us: u64, ts: DateTime<Utc>, out: &mut Vec<SimEvent>) {
        let t = self.t;
        let h = h_us as f32 / 1e6;
        while t >= self.next_emergency {
            self.raise_emergency(out);
            let gap = incidents::next_gap_us(self.fleet.len(), &mut self.rng);
            self.next_emergency = self.next_emergency.saturating_add(gap.max(1));
        }
        let world = World {
            net: &self.net,
            places: &self.places,
            proj: &self.proj,
            depots: &self.depots,
            stations: &self.stations,
            destinations: &self.destinations,
        };
        let rng = &mut self.rng;
        for (v, id) in self.fleet.iter_mut().zip(&self.ids) {
            match v.mode {
                Mode::Parked => {
                    if t >= v.wake_at {
                        trips::decide(v, id, &world, &mut self.router, rng, t, out);
                    }
                }
                Mode::Driving => {
                    if v.drive(world.net, h, t, rng) {
                        trips::arrive(v, id, rng, t, out);
                    }
                }
                Mode::Refuelling => {
                    let full = v.fill_to / 100.0 * v.tank_l;
                    v.fuel_l = (v.fuel_l + PUMP_L_PER_S * h).min(full.max(v.fuel_l));
                    if t >= v.wake_at {
                        v.mode = Mode::Parked;
                    }
                }
                Mode::Halted => {
                    v.halt(h);
                    if t >= v.wake_at {
                        end_halt(v, rng, t);
                    }
                }
                Mode::Servicing => {
                    if t >= v.wake_at {
                        v.mode = Mode::Parked;
                        v.trips_left = rng.random_range(3..=8);
                    }
                }
            }
            push_status(v, id, out);
            if t >= v.next_report {
                out.push(SimEvent::Location(vehicle::report(
                    v,
                    id,
                    &world,
                    &mut self.gps_rng,
                    ts,
                )));
                v.next_report += self.interval_us;
                if v.next_report <= t {
                    v.next_report = t + self.interval_us;
                }
            }
        }
        if let Some(board) = &mut self.kpis
            && t >= self.next_kpi
        {
            out.extend(
                board
                    .update(&mut self.kpi_rng)
                    .into_iter()
                    .map(SimEvent::Kpi),
            );
            self.next_kpi += KPI_INTERVAL.as_micros() as u64;
        }
    }

    /// Raises an emergency on a random vehicle that is parked or driving.
    fn raise_emergency(&mut self, out: &mut Vec<SimEvent>) {
        if self.fleet.is_empty() {
            return;
        }
        let i = self.rng.random_range(0..self.fleet.len());
        let v = &mut self.fleet[i];
        if !matches!(v.mode, Mode::Parked | Mode::Driving) {
            return; // already halted, refuelling or in the workshop: skip this one
        }
        let id = &self.ids[i];
        let kind = EmergencyKind::draw(v.mode == Mode::Driving, &mut self.rng);
        let (x, y) = v.xy(&self.net);
        let message = kind.message(self.places.district_near(x, y), &mut self.rng);
        out.push(SimEvent::Emergency(EmergencyRaise {
            vehicle_id: id.id.clone(),
            kind: kind.as_str().to_owned(),
            message,
        }));
        if kind.cancels_trip() {
            if matches!(v.errand, Errand::Trip { .. }) {
                out.push(SimEvent::TripCancel {
                    vehicle_id: id.id.clone(),
                    reason: kind.cancel_reason().to_owned(),
                });
            }
            v.errand = Errand::None;
            v.route.clear();
        }
        v.mode = Mode::Halted;
        v.incident = Some(kind);
        v.repairing = false;
        v.wake_at = self.t + secs(kind.alert_s(&mut self.rng));
    }
}

/// The emergency phase is over: repair on the spot, or resume.
fn end_halt(v: &mut Vehicle, rng: &mut impl Rng, t: u64) {
    let Some(kind) = v.incident else {
        v.mode = Mode::Parked;
        return;
    };
    if !v.repairing
        && let Some(repair) = kind.repair_s(rng)
    {
        v.repairing = true;
        v.wake_at = t + secs(repair);
        return;
    }
    v.incident = None;
    v.repairing = false;
    if v.errand == Errand::None {
        v.mode = Mode::Parked;
        v.wake_at = t + secs(kind.recovery_s(rng));
    } else {
        v.mode = Mode::Driving;
    }
}

/// Emits a status report if the vehicle's status changed since the last one.
fn push_status(v: &mut Vehicle, id: &Identity, out: &mut Vec<SimEvent>) {
    let status = v.derived_status();
    if v.status != Some(status) {
        v.status = Some(status);
        out.push(SimEvent::Status(VehicleStatusReport {
            vehicle_id: id.id.clone(),
            status: Some(status),
            fuel_level: Some(round1(f64::from(v.fuel_pct()))),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Validate;

    fn now() -> DateTime<Utc> {
        "2026-02-19T06:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_emergency_halts_the_vehicle_until_it_recovers() {
        let mut sim = Sim::new(SimConfig {
            vehicles: 30,
            kpis: false,
            ..SimConfig::default()
        })
        .unwrap();
        sim.next_emergency = u64::MAX; // raised by hand below
        sim.step(now(), Duration::from_secs(900));
        let mut out = Vec::new();
        while !out.iter().any(|e| matches!(e, SimEvent::Emergency(_))) {
            sim.raise_emergency(&mut out);
        }
        let SimEvent::Emergency(raise) = &out[0] else {
            panic!("{out:?}")
        };
        raise.validate().unwrap();
        let id = raise.vehicle_id.clone();
        let i = sim.ids.iter().position(|v| v.id == id).unwrap();
        assert_eq!(sim.fleet[i].mode, Mode::Halted);
        let mut statuses = Vec::new();
        let mut positions = Vec::new();
        let later = now() + TimeDelta::seconds(60);
        for e in sim.step(later, Duration::from_secs(5 * 3600)) {
            match e {
                SimEvent::Status(s) if s.vehicle_id == id => statuses.push(s.status.unwrap()),
                SimEvent::Location(r) if r.vehicle_id == id && r.speed == Some(0.0) => {
                    positions.push((r.lat, r.lng));
                }
                _ => {}
            }
        }
        assert_eq!(statuses[0], VehicleStatus::Emergency, "{statuses:?}");
        assert!(
            statuses[1..]
                .iter()
                .any(|s| matches!(s, VehicleStatus::Idle | VehicleStatus::Active)),
            "{} never recovered: {statuses:?}",
            raise.kind
        );
        // While halted it stands still (within GPS noise) once stopped.
        let (a, b) = (positions[5], positions[60]);
        assert!(crate::geo::haversine_m(a, b) < 10.0);
    }

    #[test]
    fn kpis_only() {
        let mut sim = Sim::new(SimConfig {
            vehicles: 0,
            ..SimConfig::default()
        })
        .unwrap();
        let events = sim.step(now(), Duration::from_secs(60));
        // At the first sub-step, then every 5 s: t = 1, 5, 10, ..., 60.
        assert_eq!(events.len(), 6 * 13);
        assert!(events.iter().all(|e| e.vehicle_id().is_none()));
        let mut quiet = Sim::new(SimConfig {
            vehicles: 0,
            kpis: false,
            ..SimConfig::default()
        })
        .unwrap();
        assert!(quiet.step(now(), Duration::from_secs(60)).is_empty());
        assert!(quiet.kpi_thresholds().is_empty());
    }

    #[test]
    fn vehicles_are_small() {
        // The fixed part of a vehicle; its route adds 2 bytes per junction left.
        assert!(std::mem::size_of::<Vehicle>() <= 128);
    }
}
