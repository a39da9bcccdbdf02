//! Fleet events (PROTOCOL.md §5). Thin: decode (done by `on`), authorize, call
//! `fleet::service`, answer.

use opsdeck_protocol::fleet::{
    EmergencyRaise, GeofenceCreate, GeofenceCreated, GeofenceList, GeofenceRef, LocationHistory,
    LocationReport, SubscribeTracking, TripCancel, TripRef, TripSnapshot, TripStart,
    TripStartResult, VehicleHistoryRequest, VehicleRef, VehicleStatusReport, VehicleUpdated,
    VehicleUpsert, vehicle_room,
};
use opsdeck_protocol::{ErrorCode, ProtocolError, Role, Validate, events};
use serde::de::IgnoredAny;
use serde_json::json;

use super::{Caller, Reply, Table, done, join_limited, on, reply, require};
use crate::fleet::service;
use crate::fleet::tracking::{LIVE_ROOM, batch_room};

pub(super) fn register(t: &mut Table) {
    on(t, events::SUBSCRIBE_VEHICLE, subscribe_vehicle);
    on(t, events::UNSUBSCRIBE_VEHICLE, unsubscribe_vehicle);
    on(t, events::SUBSCRIBE_TRACKING, subscribe_tracking);
    on(t, events::UNSUBSCRIBE_TRACKING, unsubscribe_tracking);
    on(t, events::REQUEST_ACTIVE_VEHICLES, active_vehicles);
    on(t, events::LOCATION_REPORT, location_report);
    on(t, events::VEHICLE_REPORT_STATUS, status_report);
    on(t, events::EMERGENCY_RAISE, emergency);
    on(t, events::VEHICLE_UPSERT, upsert);
    on(t, events::VEHICLE_HISTORY, history);
    on(t, events::TRIP_START, trip_start);
    on(t, events::TRIP_COMPLETE, trip_complete);
    on(t, events::TRIP_CANCEL, trip_cancel);
    on(t, events::SUBSCRIBE_TRIP, subscribe_trip);
    on(t, events::GEOFENCE_CREATE, geofence_create);
    on(t, events::GEOFENCE_DELETE, geofence_delete);
    on(t, events::GEOFENCE_LIST, geofence_list);
}

async fn subscribe_vehicle(c: Caller, req: VehicleRef) -> Reply {
    req.validate()?;
    service::may_watch(&c.ctx.identity, req.id())?;
    let vehicle = service::vehicle(&c.app, req.id())?;
    join_limited(&c, &vehicle_room(req.id()))?;
    let data = VehicleUpdated {
        vehicle_id: vehicle.id.clone(),
        data: vehicle,
    };
    c.app.emit_socket(&c.socket, events::VEHICLE_UPDATED, &data);
    done()
}

async fn unsubscribe_vehicle(c: Caller, req: VehicleRef) -> Reply {
    req.validate()?;
    c.socket.leave(vehicle_room(req.id()));
    done()
}

/// Leaves every tracking room (before switching mode, or on unsubscribe).
fn leave_tracking(c: &Caller) {
    for room in c.socket.rooms() {
        if room == events::TRACKING_ROOM || room == LIVE_ROOM || room.starts_with("tracking:batch:")
        {
            c.socket.leave(room);
        }
    }
}

async fn subscribe_tracking(c: Caller, req: Option<SubscribeTracking>) -> Reply {
    require(&c, Role::Viewer)?;
    let req = req.unwrap_or_default();
    req.validate()?;
    leave_tracking(&c);
    join_limited(&c, events::TRACKING_ROOM)?;
    match req.batch_ms {
        Some(ms) => {
            join_limited(&c, &batch_room(ms))?;
            c.app.fleet.tracking.ensure_group(&c.app, ms);
        }
        None => join_limited(&c, LIVE_ROOM)?,
    }
    done()
}

async fn unsubscribe_tracking(c: Caller, _: IgnoredAny) -> Reply {
    leave_tracking(&c);
    done()
}

async fn active_vehicles(c: Caller, _: IgnoredAny) -> Reply {
    require(&c, Role::Viewer)?;
    let vehicles = service::active_vehicles(&c.app);
    // Emit the Vec itself: socketioxide 0.18 drops the event name when the payload is a
    // newtype struct around a sequence (`ActiveVehicles(Vec<_>)` came out as `42[{...}]`).
    c.app
        .emit_socket(&c.socket, events::ACTIVE_VEHICLES, &vehicles);
    reply(&json!({ "vehicles": vehicles }))
}

async fn location_report(c: Caller, req: LocationReport) -> Reply {
    if c.ctx.identity.role == Role::Device && !c.ctx.allow_report() {
        return Err(ProtocolError::new(
            ErrorCode::RateLimited,
            "too many location reports",
        ));
    }
    service::ingest_location(&c.app, &c.ctx.identity, req).await?;
    done()
}

async fn status_report(c: Caller, req: VehicleStatusReport) -> Reply {
    service::ingest_status(&c.app, &c.ctx.identity, req).await?;
    done()
}

async fn emergency(c: Caller, req: EmergencyRaise) -> Reply {
    service::raise_emergency(&c.app, &c.ctx.identity, req).await?;
    done()
}

async fn upsert(c: Caller, req: VehicleUpsert) -> Reply {
    require(&c, Role::Dispatcher)?;
    let vehicle = service::upsert_vehicle(&c.app, req).await?;
    reply(&json!({ "vehicle": vehicle }))
}

async fn history(c: Caller, req: VehicleHistoryRequest) -> Reply {
    let locations = service::history(&c.app, &c.ctx.identity, req).await?;
    reply(&LocationHistory { locations })
}

async fn trip_start(c: Caller, req: TripStart) -> Reply {
    require(&c, Role::Dispatcher)?;
    let trip = service::start_trip(&c.app, req).await?;
    reply(&TripStartResult { trip_id: trip.id })
}

async fn trip_complete(c: Caller, req: TripRef) -> Reply {
    req.validate()?;
    service::close_trip(&c.app, &c.ctx.identity, req.id(), None).await?;
    done()
}

async fn trip_cancel(c: Caller, req: TripCancel) -> Reply {
    require(&c, Role::Dispatcher)?;
    req.validate()?;
    service::close_trip(&c.app, &c.ctx.identity, &req.trip_id, Some(&req.reason)).await?;
    done()
}

async fn subscribe_trip(c: Caller, req: TripRef) -> Reply {
    require(&c, Role::Viewer)?;
    req.validate()?;
    let trip = service::trip(&c.app, req.id()).await?;
    join_limited(&c, &opsdeck_protocol::fleet::trip_room(req.id()))?;
    reply(&TripSnapshot { trip })
}

async fn geofence_create(c: Caller, req: GeofenceCreate) -> Reply {
    require(&c, Role::Dispatcher)?;
    let g = service::create_geofence(&c.app, req).await?;
    reply(&GeofenceCreated { geofence_id: g.id })
}

async fn geofence_delete(c: Caller, req: GeofenceRef) -> Reply {
    require(&c, Role::Dispatcher)?;
    req.validate()?;
    service::delete_geofence(&c.app, req.id()).await?;
    done()
}

async fn geofence_list(c: Caller, _: IgnoredAny) -> Reply {
    require(&c, Role::Viewer)?;
    reply(&GeofenceList {
        geofences: service::geofences(&c.app),
    })
}
