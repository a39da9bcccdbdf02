//! Turning [`Effect`]s into emits, stored alerts and history writes.

use opsdeck_protocol::Role;
use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{
    AlertKind, AlertPriority, EmergencyAlert, EmergencyInfo, GeofenceEvent, TripCancelled,
    TripEvent, VehicleLocation, VehicleUpdated, trip_room, vehicle_room,
};
use opsdeck_protocol::identity::role_room;

use super::Effect;
use super::tracking::LIVE_ROOM;
use crate::alerts::{self, NewAlert};
use crate::state::App;

/// The rooms that hear about incidents of a vehicle: its subscribers, the live fleet view
/// and the people who act on them.
fn incident_rooms(vehicle_id: &str) -> Vec<String> {
    vec![
        vehicle_room(vehicle_id),
        events::TRACKING_ROOM.to_owned(),
        role_room(Role::Dispatcher),
        role_room(Role::Admin),
    ]
}

async fn raise(app: &App, new: NewAlert) -> Option<opsdeck_protocol::fleet::Alert> {
    match alerts::raise(app, new).await {
        Ok(a) => Some(a),
        Err(e) => {
            tracing::error!(error = %e, "cannot store alert");
            None
        }
    }
}

/// Emits every effect, in order, storing alerts first where an event refers to one.
pub async fn apply(app: &App, effects: Vec<Effect>) {
    for effect in effects {
        if matches!(effect, Effect::TripUpdated(_))
            && !app.fleet.with(|s| super::rules::still_current(s, &effect))
        {
            tracing::debug!("trip closed before its progress was emitted: dropped");
            continue;
        }
        match effect {
            Effect::VehicleUpdated(v) => {
                // Also to `tracking`: a fleet view needs status changes of every vehicle
                // without one subscription per vehicle (an extension of §5).
                let room = vec![vehicle_room(&v.id), events::TRACKING_ROOM.to_owned()];
                let data = VehicleUpdated {
                    vehicle_id: v.id.clone(),
                    data: v,
                };
                app.emit_rooms(room, events::VEHICLE_UPDATED, &data).await;
            }
            Effect::Location {
                vehicle_id,
                location,
            } => {
                app.fleet.tracking.record(&vehicle_id, &location);
                let room = vec![vehicle_room(&vehicle_id)];
                let data = VehicleLocation {
                    vehicle_id,
                    location,
                };
                app.emit_rooms(room, events::VEHICLE_LOCATION, &data).await;
                app.emit_rooms(vec![LIVE_ROOM.to_owned()], events::TRACKING_UPDATE, &data)
                    .await;
            }
            Effect::LowFuel(low) => {
                raise(
                    app,
                    NewAlert {
                        kind: AlertKind::LowFuel,
                        priority: AlertPriority::High,
                        vehicle_id: Some(low.vehicle_id.clone()),
                        module_key: None,
                        message: format!("{} fuel low: {:.0}%", low.vehicle_id, low.fuel_level),
                    },
                )
                .await;
                let rooms = vec![vehicle_room(&low.vehicle_id), role_room(Role::Dispatcher)];
                app.emit_rooms(rooms, events::VEHICLE_LOW_FUEL, &low).await;
            }
            Effect::Geofence { alert, name } => {
                let verb = match alert.event {
                    GeofenceEvent::Enter => "entered",
                    GeofenceEvent::Exit => "left",
                };
                raise(
                    app,
                    NewAlert {
                        kind: AlertKind::Geofence,
                        priority: AlertPriority::High,
                        vehicle_id: Some(alert.vehicle_id.clone()),
                        module_key: None,
                        message: format!("{} {verb} {name}", alert.vehicle_id),
                    },
                )
                .await;
                let rooms = incident_rooms(&alert.vehicle_id);
                app.emit_rooms(rooms, events::GEOFENCE_ALERT, &alert).await;
            }
            Effect::Emergency {
                vehicle_id,
                kind,
                message,
                location,
                priority,
            } => {
                let stored = raise(
                    app,
                    NewAlert {
                        kind: AlertKind::Emergency,
                        priority,
                        vehicle_id: Some(vehicle_id.clone()),
                        module_key: None,
                        message: if message.is_empty() {
                            format!("{vehicle_id}: {kind}")
                        } else {
                            format!("{vehicle_id}: {kind}: {message}")
                        },
                    },
                )
                .await;
                let data = EmergencyAlert {
                    vehicle_id: vehicle_id.clone(),
                    alert: EmergencyInfo {
                        id: stored.map(|a| a.id).unwrap_or_default(),
                        kind,
                        message,
                        location,
                    },
                    priority,
                };
                app.emit_rooms(incident_rooms(&vehicle_id), events::EMERGENCY_ALERT, &data)
                    .await;
            }
            Effect::TripStarted(t) => trip_event(app, events::TRIP_STARTED, t).await,
            Effect::TripUpdated(t) => trip_event(app, events::TRIP_UPDATED, t).await,
            Effect::TripCompleted(t) => trip_event(app, events::TRIP_COMPLETED, t).await,
            Effect::TripCancelled { trip_id, reason } => {
                let rooms = vec![trip_room(&trip_id), events::TRACKING_ROOM.to_owned()];
                let data = TripCancelled { trip_id, reason };
                app.emit_rooms(rooms, events::TRIP_CANCELLED, &data).await;
            }
        }
    }
}

async fn trip_event(app: &App, event: &str, trip: opsdeck_protocol::fleet::Trip) {
    let rooms = vec![trip_room(&trip.id), events::TRACKING_ROOM.to_owned()];
    let data = TripEvent {
        trip_id: trip.id.clone(),
        data: trip,
    };
    app.emit_rooms(rooms, event, &data).await;
}
