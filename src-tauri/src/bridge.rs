//! Client events → UI events. Fleet changes are coalesced: the latest position and record per
//! vehicle and state per open trip, flushed at most ten times a second over the positions
//! channel (`positions.rs`), so 10,000 vehicles reporting at 1 Hz cost the webview ten
//! messages a second, not thousands, and fewer when the page is behind (the positions stream's
//! flow control). The online list is refreshed at most twice a second.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use opsdeck_client::{ClientEvent, EventStream};
use opsdeck_protocol::fleet::{Trip, TripStatus, Vehicle, VehicleLocation};
use tauri::{AppHandle, Emitter};

use crate::mirror::UiEvent;
use crate::shell::Shell;
use crate::types::Positions;

/// Minimum time between two `fleet://positions`.
pub const POSITIONS_EVERY: Duration = Duration::from_millis(100);
/// Minimum time between two `presence://list`.
const PRESENCE_EVERY: Duration = Duration::from_millis(500);

/// What changed in the fleet since the last flush: the latest position and record per vehicle
/// and the latest state per open trip. At 10,000 vehicles the server sends ≈ 1,700 trip
/// progress updates and ≈ 130 vehicle updates a second; one event each kept the webview's
/// main thread busy evaluating them.
#[derive(Debug, Default)]
pub struct Coalescer {
    pending: HashMap<String, VehicleLocation>,
    vehicles: HashMap<String, Vehicle>,
    /// By vehicle id.
    trips: HashMap<String, Trip>,
}

/// Whether a trip is closed (its last word, told to the UI at once).
pub fn is_closed(t: &Trip) -> bool {
    matches!(t.status, TripStatus::Completed | TripStatus::Cancelled)
}

impl Coalescer {
    /// Keeps `l` (replacing an older position of the same vehicle).
    pub fn push(&mut self, l: VehicleLocation) {
        self.pending.insert(l.vehicle_id.clone(), l);
    }

    /// Keeps a vehicle record (replacing an older one).
    pub fn push_vehicle(&mut self, v: Vehicle) {
        self.vehicles.insert(v.id.clone(), v);
    }

    /// Keeps an open trip's state (a vehicle has one open trip: a newer trip replaces what is
    /// pending of an older one, so the batch needs no order), or drops what is pending of a
    /// trip that closed (so an older open state cannot follow its closing) and hands it back
    /// to be told at once.
    pub fn push_trip(&mut self, t: Trip) -> Option<Trip> {
        if is_closed(&t) {
            if self.trips.get(&t.vehicle_id).is_some_and(|p| p.id == t.id) {
                self.trips.remove(&t.vehicle_id);
            }
            return Some(t);
        }
        self.trips.insert(t.vehicle_id.clone(), t);
        None
    }

    /// Takes what is pending; `None` when nothing is.
    pub fn flush(&mut self) -> Option<Positions> {
        if self.pending.is_empty() && self.vehicles.is_empty() && self.trips.is_empty() {
            return None;
        }
        Some(Positions {
            updates: self.pending.drain().map(|(_, l)| l).collect(),
            vehicles: self.vehicles.drain().map(|(_, v)| v).collect(),
            trips: self.trips.drain().map(|(_, t)| t).collect(),
        })
    }
}

/// Runs until the event stream ends (the session was replaced or the app quits).
pub async fn run(app: AppHandle, shell: Arc<Shell>, mut events: EventStream) {
    let mut positions = Coalescer::default();
    let mut presence_dirty = false;
    let mut chat = crate::chat::ChatRelay::default();
    let alerts = crate::alerts_sync::AlertsSync::start(app.clone(), shell.clone());
    let mut tick = tokio::time::interval(POSITIONS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut presence_tick = tokio::time::interval(PRESENCE_EVERY);
    loop {
        tokio::select! {
            ev = events.recv() => {
                let Some(ev) = ev else { break };
                if let ClientEvent::State(opsdeck_client::ConnectionState::Connected { .. }) = &ev {
                    alerts.connected();
                }
                match ev {
                    ClientEvent::State(_) | ClientEvent::Latency(_) => {
                        shell.on_state_change(&app).await;
                    }
                    ClientEvent::Server(ev) => {
                        if let Some(c) = chat.translate(&ev) {
                            c.emit(&app);
                        }
                        alerts.observe(&app, &shell, &ev);
                        let out = shell.mirror(|m| m.apply(ev));
                        for ui in out {
                            match ui {
                                UiEvent::Position(l) => positions.push(l),
                                UiEvent::Vehicle(v) => positions.push_vehicle(v),
                                UiEvent::Trip(t) => {
                                    if let Some(closed) = positions.push_trip(t) {
                                        emit(&app, UiEvent::Trip(closed));
                                    }
                                }
                                UiEvent::PresenceChanged => presence_dirty = true,
                                other => emit(&app, other),
                            }
                        }
                    }
                    ClientEvent::CaughtUp(report) => {
                        tracing::info!(?report, "caught up after reconnect");
                    }
                    ClientEvent::SubscriptionFailed { subscription, error } => {
                        tracing::warn!(?subscription, %error, "subscription failed");
                    }
                }
            }
            // While the page is behind, the batch stays in the coalescer (latest state per
            // vehicle) instead of queueing in memory as a stale copy (`positions.rs`).
            _ = tick.tick() => {
                if !shell.positions.ready() {
                    tracing::trace!("positions held: the page is behind");
                } else if let Some(p) = positions.flush() {
                    shell.positions.send(p);
                }
            }
            _ = presence_tick.tick(), if presence_dirty => {
                presence_dirty = false;
                shell.refresh_presence(&app).await;
            }
        }
    }
}

fn emit(app: &AppHandle, ev: UiEvent) {
    let _ = match ev {
        UiEvent::Kpi(m) => app.emit("kpi://update", m),
        UiEvent::Dashboard(d) => app.emit("kpi://dashboard", d),
        UiEvent::Trip(t) => app.emit("fleet://trip", t),
        UiEvent::Notification(n) => app.emit("notify://new", n),
        UiEvent::Count(c) => app.emit("notify://count", c),
        UiEvent::Position(_) | UiEvent::Vehicle(_) | UiEvent::PresenceChanged => Ok(()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn loc(id: &str, lat: f64) -> VehicleLocation {
        serde_json::from_value(json!({
            "vehicleId": id, "location": {"lat": lat, "lng": 46.7, "ts": "2026-01-01T00:00:05Z"}
        }))
        .unwrap()
    }

    #[test]
    fn keeps_the_latest_position_per_vehicle() {
        let mut c = Coalescer::default();
        assert!(c.flush().is_none());
        for i in 0..1000 {
            c.push(loc(&format!("V-{}", i % 10), f64::from(i)));
        }
        let mut p = c.flush().unwrap().updates;
        p.sort_by(|a, b| a.vehicle_id.cmp(&b.vehicle_id));
        assert_eq!(p.len(), 10);
        assert_eq!(p[0].vehicle_id, "V-0");
        assert_eq!(p[0].location.lat, 990.0);
        assert!(c.flush().is_none(), "nothing twice");
    }

    fn trip(id: &str, status: &str, progress: f64) -> Trip {
        serde_json::from_value(json!({
            "id": id, "vehicleId": "V-1", "origin": {"lat": 1.0, "lng": 2.0},
            "destination": {"lat": 1.5, "lng": 2.5}, "status": status, "progress": progress,
            "distanceRemainingKm": 3.0, "eta": null
        }))
        .unwrap()
    }

    fn vehicle(id: &str, status: &str) -> Vehicle {
        serde_json::from_value(json!({
            "id": id, "plateNumber": "P", "status": status, "lastUpdate": "2026-01-01T00:00:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn open_trips_and_vehicle_records_ride_in_the_batch() {
        let mut c = Coalescer::default();
        for k in 0..5 {
            assert!(
                c.push_trip(trip("T-1", "ongoing", f64::from(k) / 10.0))
                    .is_none()
            );
        }
        c.push_vehicle(vehicle("V-1", "idle"));
        c.push_vehicle(vehicle("V-1", "active"));
        let p = c.flush().unwrap();
        assert!(p.updates.is_empty());
        assert_eq!(p.trips.len(), 1);
        assert_eq!(p.trips[0].progress, 0.4);
        assert_eq!(p.vehicles.len(), 1);
        assert_eq!(
            serde_json::to_value(&p.vehicles[0]).unwrap()["status"],
            "active"
        );
        assert!(c.flush().is_none());
    }

    #[test]
    fn a_closing_trip_goes_out_at_once_and_drops_its_pending_state() {
        let mut c = Coalescer::default();
        assert!(c.push_trip(trip("T-1", "ongoing", 0.9)).is_none());
        assert!(c.push_trip(trip("T-2", "started", 0.0)).is_none());
        let closed = c.push_trip(trip("T-1", "completed", 1.0)).unwrap();
        assert_eq!(closed.id, "T-1");
        let p = c.flush().unwrap();
        let ids: Vec<&str> = p.trips.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T-2"], "no stale open state of T-1 after its close");
        assert!(c.push_trip(trip("T-2", "cancelled", 0.0)).is_some());
        assert!(c.flush().is_none());
    }

    #[test]
    fn a_vehicles_newer_trip_replaces_its_older_one_in_the_batch() {
        let mut c = Coalescer::default();
        assert!(c.push_trip(trip("T-1", "ongoing", 0.5)).is_none());
        assert!(c.push_trip(trip("T-2", "started", 0.0)).is_none());
        let p = c.flush().unwrap();
        let ids: Vec<&str> = p.trips.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T-2"], "only the vehicle's latest trip");
        assert!(c.push_trip(trip("T-3", "started", 0.0)).is_none());
        assert!(c.push_trip(trip("T-2", "cancelled", 0.0)).is_some());
        let p = c.flush().unwrap();
        assert_eq!(p.trips[0].id, "T-3", "closing T-2 leaves T-3 pending");
    }
}
