//! The fleet operations behind socket events, HTTP routes and the demo: authorize, apply the
//! rules under the lock, persist what must be durable, then emit.

use opsdeck_protocol::fleet::{
    EmergencyRaise, Geofence, GeofenceCreate, Location, LocationReport, Trip, TripStart, Vehicle,
    VehicleHistoryRequest, VehicleStatusReport, VehicleUpsert,
};
use opsdeck_protocol::{ErrorCode, ProtocolError, Role, Validate};

use super::history::BACKLOG_WAIT;
use super::{Effect, apply, rules};
use crate::auth::Identity;
use crate::state::App;
use crate::store::fleet::HistoryRow;

/// Reports for `vehicle_id` come from its own device or from a dispatcher (or admin).
pub fn may_report(who: &Identity, vehicle_id: &str) -> Result<(), ProtocolError> {
    match who.role {
        Role::Device if who.vehicle_id.as_deref() == Some(vehicle_id) => Ok(()),
        Role::Device => Err(ProtocolError::forbidden(
            "a device reports for its own vehicle only",
        )),
        r if r.at_least(Role::Dispatcher) => Ok(()),
        _ => Err(ProtocolError::forbidden(
            "requires role dispatcher or a device token",
        )),
    }
}

/// Seeing a vehicle: its own device, or any user.
pub fn may_watch(who: &Identity, vehicle_id: &str) -> Result<(), ProtocolError> {
    match who.role {
        Role::Device if who.vehicle_id.as_deref() != Some(vehicle_id) => Err(
            ProtocolError::forbidden("a device sees its own vehicle only"),
        ),
        _ => Ok(()),
    }
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

/// A device's first report registers its vehicle (plate = id until someone names it).
async fn ensure_device_vehicle(
    app: &App,
    who: &Identity,
    vehicle_id: &str,
) -> Result<(), ProtocolError> {
    if who.role != Role::Device || app.fleet.with(|s| s.vehicles.contains_key(vehicle_id)) {
        return Ok(());
    }
    upsert_vehicle(
        app,
        VehicleUpsert {
            id: vehicle_id.to_owned(),
            plate_number: vehicle_id.to_owned(),
            name: None,
            driver_id: None,
        },
    )
    .await
    .map(|_| ())
}

/// `location:report` and HTTP locations: checks, applies, queues the history write, emits.
pub async fn ingest_location(
    app: &App,
    who: &Identity,
    report: LocationReport,
) -> Result<(), ProtocolError> {
    let now = crate::store::now();
    report.validate_at(now)?;
    may_report(who, &report.vehicle_id)?;
    ensure_device_vehicle(app, who, &report.vehicle_id).await?;
    let slot = app
        .fleet
        .history
        .reserve(BACKLOG_WAIT)
        .await
        .map_err(|e| ProtocolError::new(ErrorCode::RateLimited, e.to_string()))?;
    let effects = app.fleet.with(|s| {
        let effects = rules::location(s, &app.fleet.config, &report, now)?;
        slot.push(HistoryRow {
            vehicle_id: report.vehicle_id.clone(),
            location: report.location(now),
        });
        Ok::<_, ProtocolError>(effects)
    })?;
    apply(app, effects).await;
    Ok(())
}

/// `vehicle:report-status` and HTTP status.
pub async fn ingest_status(
    app: &App,
    who: &Identity,
    report: VehicleStatusReport,
) -> Result<(), ProtocolError> {
    report.validate()?;
    may_report(who, &report.vehicle_id)?;
    ensure_device_vehicle(app, who, &report.vehicle_id).await?;
    let now = crate::store::now();
    let effects = app
        .fleet
        .with(|s| rules::status(s, &app.fleet.config, &report, now))?;
    apply(app, effects).await;
    Ok(())
}

/// `emergency:raise` and HTTP emergency.
pub async fn raise_emergency(
    app: &App,
    who: &Identity,
    raise: EmergencyRaise,
) -> Result<(), ProtocolError> {
    raise.validate()?;
    may_report(who, &raise.vehicle_id)?;
    ensure_device_vehicle(app, who, &raise.vehicle_id).await?;
    let now = crate::store::now();
    let effects = app.fleet.with(|s| rules::emergency(s, &raise, now))?;
    apply(app, effects).await;
    Ok(())
}

/// `vehicle:upsert` and `POST /api/vehicles`: stored before it is announced.
pub async fn upsert_vehicle(app: &App, req: VehicleUpsert) -> Result<Vehicle, ProtocolError> {
    req.validate()?;
    let now = crate::store::now();
    let vehicle = app.fleet.with(|s| rules::register(s, &req, now));
    app.store
        .save_vehicles(std::slice::from_ref(&vehicle))
        .await?;
    apply(app, vec![Effect::VehicleUpdated(vehicle.clone())]).await;
    Ok(vehicle)
}

/// Registers many vehicles in one transaction (the demo's fleet).
pub async fn register_vehicles(
    app: &App,
    reqs: &[VehicleUpsert],
) -> Result<(), crate::error::ServerError> {
    let now = crate::store::now();
    let vehicles: Vec<Vehicle> = app.fleet.with(|s| {
        reqs.iter()
            .filter(|r| r.validate().is_ok())
            .map(|r| rules::register(s, r, now))
            .collect()
    });
    app.store.save_vehicles(&vehicles).await
}

/// One vehicle as it is now.
pub fn vehicle(app: &App, id: &str) -> Result<Vehicle, ProtocolError> {
    app.fleet
        .with(|s| s.vehicles.get(id).map(|v| v.vehicle.clone()))
        .ok_or_else(|| ProtocolError::not_found(format!("unknown vehicle {id}")))
}

/// Every registered vehicle, by id.
pub fn vehicles(app: &App) -> Vec<Vehicle> {
    let mut all: Vec<Vehicle> = app
        .fleet
        .with(|s| s.vehicles.values().map(|v| v.vehicle.clone()).collect());
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// Active vehicles (§5 rule), by id.
pub fn active_vehicles(app: &App) -> Vec<Vehicle> {
    let now = crate::store::now();
    let inactivity = app.fleet.config.inactivity;
    let mut active: Vec<Vehicle> = app.fleet.with(|s| {
        s.vehicles
            .values()
            .filter(|v| rules::is_active(v, now, inactivity))
            .map(|v| v.vehicle.clone())
            .collect()
    });
    active.sort_by(|a, b| a.id.cmp(&b.id));
    active
}

/// `vehicle:history`: flushes queued positions first so a client reads its own reports.
pub async fn history(
    app: &App,
    who: &Identity,
    req: VehicleHistoryRequest,
) -> Result<Vec<Location>, ProtocolError> {
    req.validate()?;
    may_watch(who, &req.vehicle_id)?;
    vehicle(app, &req.vehicle_id)?;
    app.fleet.history.flush().await;
    let limit = req.limit.unwrap_or(VehicleHistoryRequest::DEFAULT);
    Ok(app
        .store
        .history(
            &req.vehicle_id,
            req.from.timestamp_millis(),
            req.to.timestamp_millis(),
            limit,
        )
        .await?)
}

/// `trip:start` (dispatcher+).
pub async fn start_trip(app: &App, req: TripStart) -> Result<Trip, ProtocolError> {
    req.validate()?;
    let now = crate::store::now();
    let (trip, effects) = app
        .fleet
        .with(|s| rules::start_trip(s, new_id("trp"), &req, now))?;
    app.store.save_trips(std::slice::from_ref(&trip)).await?;
    apply(app, effects).await;
    Ok(trip)
}

/// An open trip, or a closed one from the database.
pub async fn trip(app: &App, id: &str) -> Result<Trip, ProtocolError> {
    if let Some(t) = app.fleet.with(|s| s.trips.get(id).map(|t| t.trip.clone())) {
        return Ok(t);
    }
    app.store
        .trip(id)
        .await?
        .ok_or_else(|| ProtocolError::not_found(format!("unknown trip {id}")))
}

/// `trip:complete` (dispatcher+, or the trip's driver) and `trip:cancel` (dispatcher+, with
/// `reason`).
pub async fn close_trip(
    app: &App,
    who: &Identity,
    trip_id: &str,
    cancel_reason: Option<&str>,
) -> Result<Trip, ProtocolError> {
    let open = app
        .fleet
        .with(|s| s.trips.get(trip_id).map(|t| t.trip.driver_id.clone()));
    let Some(driver) = open else {
        return Err(match app.store.trip(trip_id).await? {
            Some(_) => ProtocolError::bad_request(format!("trip {trip_id} is already closed")),
            None => ProtocolError::not_found(format!("unknown trip {trip_id}")),
        });
    };
    let own_trip = cancel_reason.is_none()
        && who.role == Role::Driver
        && driver.as_deref() == Some(who.user_id.as_str());
    if !(who.at_least(Role::Dispatcher) || own_trip) {
        return Err(ProtocolError::forbidden(
            "requires role dispatcher or the trip's driver",
        ));
    }
    let now = crate::store::now();
    let (trip, effects) = app
        .fleet
        .with(|s| rules::close_trip(s, trip_id, cancel_reason, now))?;
    app.store.save_trips(std::slice::from_ref(&trip)).await?;
    apply(app, effects).await;
    Ok(trip)
}

/// `geofence:create` (dispatcher+).
pub async fn create_geofence(app: &App, req: GeofenceCreate) -> Result<Geofence, ProtocolError> {
    req.validate()?;
    let g = Geofence {
        id: new_id("geo"),
        name: req.name,
        circle: req.circle,
        polygon: req.polygon,
    };
    app.store.save_geofence(&g).await?;
    app.fleet.with(|s| rules::add_geofence(s, g.clone()));
    Ok(g)
}

/// `geofence:delete` (dispatcher+).
pub async fn delete_geofence(app: &App, id: &str) -> Result<(), ProtocolError> {
    if !app.fleet.with(|s| rules::remove_geofence(s, id)) {
        return Err(ProtocolError::not_found(format!("unknown geofence {id}")));
    }
    app.store.delete_geofence(id).await?;
    Ok(())
}

/// `geofence:list`.
pub fn geofences(app: &App) -> Vec<Geofence> {
    app.fleet
        .with(|s| s.geofences.iter().map(|(g, _)| g.clone()).collect())
}
