//! The fleet rules on [`FleetState`], with the time passed in: what a report changes and
//! which events it causes.

use chrono::{DateTime, Utc};
use opsdeck_protocol::ProtocolError;
use opsdeck_protocol::fleet::{
    AlertPriority, EmergencyRaise, Geofence, GeofenceAlert, GeofenceEvent, LocationReport, LowFuel,
    Trip, TripStart, TripStatus, Vehicle, VehicleStatus, VehicleStatusReport, VehicleUpsert,
};

use super::{Effect, FleetConfig, FleetState};
use crate::domain::fuel::FuelAlarm;
use crate::domain::geo::{self, Point, Shape};
use crate::domain::speed::SpeedWindow;

/// Seconds of speed samples behind an ETA (PROTOCOL.md §5: the last 5 minutes).
const ETA_WINDOW_SECS: i64 = 300;
/// Below this speed (km/h) a vehicle counts as standing.
const MOVING_KMH: f64 = 1.0;

/// One vehicle's live state.
#[derive(Debug, Clone)]
pub struct VehicleState {
    /// As sent to clients.
    pub vehicle: Vehicle,
    /// Arrival time of the last accepted location or status report.
    pub last_report: Option<DateTime<Utc>>,
    fuel: FuelAlarm,
    inside: Vec<String>,
    speeds: Option<Box<SpeedWindow>>,
}

impl VehicleState {
    /// State for a vehicle as loaded or registered.
    pub fn new(vehicle: Vehicle) -> Self {
        Self {
            vehicle,
            last_report: None,
            fuel: FuelAlarm::default(),
            inside: Vec::new(),
            speeds: None,
        }
    }
}

/// One open trip's live state.
#[derive(Debug, Clone)]
pub struct TripState {
    /// As sent to clients.
    pub trip: Trip,
    total_m: f64,
    emitted_progress: f64,
    emitted_eta: Option<DateTime<Utc>>,
}

impl TripState {
    /// State for an open trip.
    pub fn new(trip: Trip) -> Self {
        let total_m = geo::distance_m(place(&trip.origin), place(&trip.destination));
        Self {
            emitted_progress: trip.progress,
            emitted_eta: trip.eta,
            trip,
            total_m,
        }
    }
}

fn place(p: &opsdeck_protocol::fleet::Place) -> Point {
    Point::new(p.lat, p.lng)
}

/// Figures for the server-derived `fleet` KPI module.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Derived {
    /// Vehicles counted as active (§5 rule).
    pub vehicles_active: u64,
    /// Open trips.
    pub trips_in_progress: u64,
    /// Mean speed of active vehicles moving now, km/h.
    pub average_speed_kmh: f64,
    /// Registered vehicles.
    pub vehicles_total: u64,
}

/// §5: active = not `offline` and a report within `inactivity`.
pub fn is_active(v: &VehicleState, now: DateTime<Utc>, inactivity: std::time::Duration) -> bool {
    v.vehicle.status != VehicleStatus::Offline
        && v.last_report.is_some_and(|t| !is_stale(t, now, inactivity))
}

/// Whether a report at `last` is older than `inactivity` at `now`.
pub fn is_stale(last: DateTime<Utc>, now: DateTime<Utc>, inactivity: std::time::Duration) -> bool {
    now.signed_duration_since(last)
        .to_std()
        .is_ok_and(|age| age > inactivity)
}

/// A vehicle id's state, or `not_found`.
fn vehicle<'a>(s: &'a mut FleetState, id: &str) -> Result<&'a mut VehicleState, ProtocolError> {
    s.vehicles
        .get_mut(id)
        .ok_or_else(|| ProtocolError::not_found(format!("unknown vehicle {id}")))
}

/// Registers or updates a vehicle (`vehicle:upsert`, a device's first report).
pub fn register(s: &mut FleetState, req: &VehicleUpsert, now: DateTime<Utc>) -> Vehicle {
    let entry = s.vehicles.entry(req.id.clone()).or_insert_with(|| {
        VehicleState::new(Vehicle {
            id: req.id.clone(),
            plate_number: req.plate_number.clone(),
            name: None,
            driver_id: None,
            status: VehicleStatus::Offline,
            location: None,
            fuel_level: None,
            trip_id: None,
            last_update: now,
        })
    });
    let v = &mut entry.vehicle;
    v.plate_number = req.plate_number.clone();
    v.name = req.name.clone();
    v.driver_id = req.driver_id.clone();
    v.last_update = now;
    s.dirty_vehicles.insert(req.id.clone());
    v.clone()
}

/// The status a location report leaves: maintenance and emergency stay until a status report
/// clears them; otherwise moving is `active`, standing `idle`.
fn status_after_location(current: VehicleStatus, speed: Option<f64>) -> VehicleStatus {
    match (current, speed) {
        (VehicleStatus::Maintenance | VehicleStatus::Emergency, _) => current,
        (_, Some(v)) if v < MOVING_KMH => VehicleStatus::Idle,
        _ => VehicleStatus::Active,
    }
}

/// Applies one accepted position of a known vehicle.
pub fn location(
    s: &mut FleetState,
    cfg: &FleetConfig,
    report: &LocationReport,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, ProtocolError> {
    let geofences = &s.geofences;
    let v = s.vehicles.get_mut(&report.vehicle_id).ok_or_else(|| {
        ProtocolError::not_found(format!("unknown vehicle {}", report.vehicle_id))
    })?;
    let loc = report.location(now);
    let id = report.vehicle_id.clone();
    let mut effects = vec![Effect::Location {
        vehicle_id: id.clone(),
        location: loc.clone(),
    }];

    let before = v.vehicle.status;
    let first_fix = v.vehicle.location.is_none();
    v.vehicle.status = status_after_location(before, report.speed);
    v.vehicle.location = Some(loc.clone());
    v.vehicle.last_update = now;
    v.last_report = Some(now);
    if let Some(level) = report.fuel_level {
        v.vehicle.fuel_level = Some(level);
        let (alarm, alert) = v
            .fuel
            .observe(level, cfg.low_fuel_threshold, cfg.low_fuel_rearm);
        v.fuel = alarm;
        if alert {
            effects.push(Effect::LowFuel(LowFuel {
                vehicle_id: id.clone(),
                fuel_level: level,
            }));
        }
    }
    if v.vehicle.status != before {
        effects.push(Effect::VehicleUpdated(v.vehicle.clone()));
    }

    let here = Point::new(loc.lat, loc.lng);
    for (g, shape) in geofences {
        let inside = shape.contains(here);
        let was = v.inside.contains(&g.id);
        if inside == was {
            continue;
        }
        if inside {
            v.inside.push(g.id.clone());
        } else {
            v.inside.retain(|i| *i != g.id);
        }
        if first_fix {
            // Where a vehicle first shows up is a state, not a crossing.
            continue;
        }
        effects.push(Effect::Geofence {
            alert: GeofenceAlert {
                vehicle_id: id.clone(),
                geofence_id: g.id.clone(),
                event: if inside {
                    GeofenceEvent::Enter
                } else {
                    GeofenceEvent::Exit
                },
                location: loc.clone(),
            },
            name: g.name.clone(),
        });
    }

    if let Some(trip_id) = v.vehicle.trip_id.clone()
        && let Some(t) = s.trips.get_mut(&trip_id)
    {
        let speeds = v
            .speeds
            .get_or_insert_with(|| Box::new(SpeedWindow::new(ETA_WINDOW_SECS)));
        if let Some(kmh) = report.speed {
            speeds.add(now.timestamp(), kmh);
        }
        let avg = speeds.mean(now.timestamp());
        if let Some(e) = advance_trip(t, cfg, here, report.speed, avg, now) {
            s.dirty_trips.insert(trip_id);
            effects.push(e);
        }
    }
    s.dirty_vehicles.insert(id);
    Ok(effects)
}

/// Whether an effect computed earlier still tells the truth when it is about to be emitted.
/// A report's effects are emitted after the state lock is released, and storing an alert it
/// raised comes first; a trip closed by another socket in between would otherwise be
/// followed by its own stale `trip:updated`, which reopens it for any client that tracks
/// open trips from events.
pub(crate) fn still_current(s: &FleetState, effect: &Effect) -> bool {
    match effect {
        Effect::TripUpdated(t) => s.trips.contains_key(&t.id),
        _ => true,
    }
}

/// Moves a trip's progress and ETA to a new position; `trip:updated` only when they changed
/// noticeably (or the trip started moving).
fn advance_trip(
    t: &mut TripState,
    cfg: &FleetConfig,
    here: Point,
    speed: Option<f64>,
    avg_kmh: Option<f64>,
    now: DateTime<Utc>,
) -> Option<Effect> {
    let remaining = geo::distance_m(here, place(&t.trip.destination));
    t.trip.progress = geo::progress(t.total_m, remaining);
    t.trip.distance_remaining_km = remaining / 1000.0;
    t.trip.eta = geo::eta(now, remaining, avg_kmh);
    let started_moving =
        t.trip.status == TripStatus::Started && speed.is_some_and(|v| v >= MOVING_KMH);
    if started_moving {
        t.trip.status = TripStatus::Ongoing;
    }
    let eta_moved = match (t.trip.eta, t.emitted_eta) {
        (Some(a), Some(b)) => (a - b).abs().to_std().is_ok_and(|d| d >= cfg.trip_eta_step),
        (None, None) => false,
        _ => true,
    };
    let progressed = (t.trip.progress - t.emitted_progress).abs() >= cfg.trip_progress_step;
    if !(started_moving || eta_moved || progressed) {
        return None;
    }
    t.emitted_progress = t.trip.progress;
    t.emitted_eta = t.trip.eta;
    Some(Effect::TripUpdated(t.trip.clone()))
}

/// Applies a status report (`vehicle:report-status`).
pub fn status(
    s: &mut FleetState,
    cfg: &FleetConfig,
    report: &VehicleStatusReport,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, ProtocolError> {
    let v = vehicle(s, &report.vehicle_id)?;
    let mut effects = Vec::new();
    if let Some(st) = report.status {
        v.vehicle.status = st;
    }
    if let Some(level) = report.fuel_level {
        v.vehicle.fuel_level = Some(level);
        let (alarm, alert) = v
            .fuel
            .observe(level, cfg.low_fuel_threshold, cfg.low_fuel_rearm);
        v.fuel = alarm;
        if alert {
            effects.push(Effect::LowFuel(LowFuel {
                vehicle_id: report.vehicle_id.clone(),
                fuel_level: level,
            }));
        }
    }
    v.vehicle.last_update = now;
    v.last_report = Some(now);
    effects.insert(0, Effect::VehicleUpdated(v.vehicle.clone()));
    s.dirty_vehicles.insert(report.vehicle_id.clone());
    Ok(effects)
}

/// Applies `emergency:raise`: the vehicle turns `emergency`.
pub fn emergency(
    s: &mut FleetState,
    raise: &EmergencyRaise,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, ProtocolError> {
    let v = vehicle(s, &raise.vehicle_id)?;
    v.vehicle.status = VehicleStatus::Emergency;
    v.vehicle.last_update = now;
    v.last_report = Some(now);
    let effects = vec![
        Effect::VehicleUpdated(v.vehicle.clone()),
        Effect::Emergency {
            vehicle_id: raise.vehicle_id.clone(),
            kind: raise.kind.clone(),
            message: raise.message.clone(),
            location: v.vehicle.location.clone(),
            priority: AlertPriority::for_emergency(&raise.kind),
        },
    ];
    s.dirty_vehicles.insert(raise.vehicle_id.clone());
    Ok(effects)
}

/// Opens a trip; a vehicle has at most one open trip.
pub fn start_trip(
    s: &mut FleetState,
    id: String,
    req: &TripStart,
    now: DateTime<Utc>,
) -> Result<(Trip, Vec<Effect>), ProtocolError> {
    let v = vehicle(s, &req.vehicle_id)?;
    if let Some(open) = &v.vehicle.trip_id {
        return Err(ProtocolError::bad_request(format!(
            "vehicle {} already has open trip {open}",
            req.vehicle_id
        )));
    }
    let total_m = geo::distance_m(place(&req.origin), place(&req.destination));
    let from = v
        .vehicle
        .location
        .as_ref()
        .map_or(place(&req.origin), |l| Point::new(l.lat, l.lng));
    let remaining = geo::distance_m(from, place(&req.destination));
    let trip = Trip {
        id: id.clone(),
        vehicle_id: req.vehicle_id.clone(),
        driver_id: req
            .driver_id
            .clone()
            .or_else(|| v.vehicle.driver_id.clone()),
        origin: req.origin.clone(),
        destination: req.destination.clone(),
        status: TripStatus::Started,
        progress: geo::progress(total_m, remaining),
        distance_remaining_km: remaining / 1000.0,
        eta: None,
        started_at: Some(now),
        completed_at: None,
    };
    v.vehicle.trip_id = Some(id.clone());
    v.vehicle.last_update = now;
    v.speeds = Some(Box::new(SpeedWindow::new(ETA_WINDOW_SECS)));
    let updated = v.vehicle.clone();
    s.trips.insert(id.clone(), TripState::new(trip.clone()));
    s.dirty_trips.insert(id);
    s.dirty_vehicles.insert(req.vehicle_id.clone());
    Ok((
        trip.clone(),
        vec![Effect::TripStarted(trip), Effect::VehicleUpdated(updated)],
    ))
}

/// Closes an open trip as completed or cancelled; returns the closed trip and effects.
pub fn close_trip(
    s: &mut FleetState,
    trip_id: &str,
    cancel_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Trip, Vec<Effect>), ProtocolError> {
    let mut t = s
        .trips
        .remove(trip_id)
        .ok_or_else(|| ProtocolError::not_found(format!("no open trip {trip_id}")))?;
    t.trip.completed_at = Some(now);
    let mut effects = Vec::new();
    match cancel_reason {
        Some(reason) => {
            t.trip.status = TripStatus::Cancelled;
            effects.push(Effect::TripCancelled {
                trip_id: trip_id.to_owned(),
                reason: reason.to_owned(),
            });
        }
        None => {
            t.trip.status = TripStatus::Completed;
            t.trip.progress = 1.0;
            t.trip.distance_remaining_km = 0.0;
            t.trip.eta = Some(now);
            effects.push(Effect::TripCompleted(t.trip.clone()));
        }
    }
    if let Some(v) = s.vehicles.get_mut(&t.trip.vehicle_id) {
        v.vehicle.trip_id = None;
        v.vehicle.last_update = now;
        v.speeds = None;
        effects.push(Effect::VehicleUpdated(v.vehicle.clone()));
        s.dirty_vehicles.insert(t.trip.vehicle_id.clone());
    }
    Ok((t.trip, effects))
}

/// Vehicles with no report for `inactivity` turn `offline`.
pub fn sweep(
    s: &mut FleetState,
    now: DateTime<Utc>,
    inactivity: std::time::Duration,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (id, v) in &mut s.vehicles {
        let stale = v.last_report.is_none_or(|t| is_stale(t, now, inactivity));
        if v.vehicle.status != VehicleStatus::Offline && stale {
            v.vehicle.status = VehicleStatus::Offline;
            v.vehicle.last_update = now;
            effects.push(Effect::VehicleUpdated(v.vehicle.clone()));
            s.dirty_vehicles.insert(id.clone());
        }
    }
    effects
}

/// The figures behind the `fleet` KPI module.
pub fn derived(s: &FleetState, now: DateTime<Utc>, inactivity: std::time::Duration) -> Derived {
    let mut d = Derived {
        vehicles_total: s.vehicles.len() as u64,
        trips_in_progress: s.trips.len() as u64,
        ..Derived::default()
    };
    let (mut sum, mut moving) = (0.0, 0u64);
    for v in s
        .vehicles
        .values()
        .filter(|v| is_active(v, now, inactivity))
    {
        d.vehicles_active += 1;
        if let Some(speed) = v.vehicle.location.as_ref().and_then(|l| l.speed)
            && speed >= MOVING_KMH
        {
            sum += speed;
            moving += 1;
        }
    }
    if moving > 0 {
        d.average_speed_kmh = sum / moving as f64;
    }
    d
}

/// Adds a geofence (its shape parsed once). Vehicles already inside are marked so without an
/// alert: only crossings alert.
pub fn add_geofence(s: &mut FleetState, g: Geofence) {
    let shape = shape_of(&g);
    for v in s.vehicles.values_mut() {
        if let Some(l) = &v.vehicle.location
            && shape.contains(Point::new(l.lat, l.lng))
        {
            v.inside.push(g.id.clone());
        }
    }
    s.geofences.push((g, shape));
}

/// The parsed shape of a geofence.
pub fn shape_of(g: &Geofence) -> Shape {
    match (&g.circle, &g.polygon) {
        (Some(c), _) => Shape::Circle {
            center: Point::new(c.lat, c.lng),
            radius_m: c.radius_m,
        },
        (None, Some(p)) => {
            Shape::Polygon(p.iter().map(|[lat, lng]| Point::new(*lat, *lng)).collect())
        }
        (None, None) => Shape::Polygon(Vec::new()),
    }
}

/// Removes a geofence; vehicles forget they were inside it.
pub fn remove_geofence(s: &mut FleetState, id: &str) -> bool {
    let before = s.geofences.len();
    s.geofences.retain(|(g, _)| g.id != id);
    for v in s.vehicles.values_mut() {
        v.inside.retain(|i| i != id);
    }
    s.geofences.len() != before
}

/// A location used by tests and the demo: `lat`, `lng`, speed in km/h at `ts`.
#[cfg(test)]
pub(crate) fn report(
    id: &str,
    lat: f64,
    lng: f64,
    speed: f64,
    fuel: Option<f64>,
) -> LocationReport {
    LocationReport {
        vehicle_id: id.into(),
        lat,
        lng,
        speed: Some(speed),
        heading: Some(0.0),
        accuracy: Some(5.0),
        fuel_level: fuel,
        ts: None,
    }
}
