//! The app's mirror of server state, fed by client events, behind the `*_snapshot` commands
//! (a view opened late still shows everything) and the source of the UI events.
//!
//! Pure: [`Mirror::apply`] takes one server event and says what to tell the UI; positions are
//! not forwarded one by one but collected for the coalescer (`bridge.rs`).

use std::collections::{BTreeMap, HashMap};

use opsdeck_client::ServerEvent;
use opsdeck_protocol::fleet::{Geofence, Trip, TripStatus, Vehicle, VehicleLocation};
use opsdeck_protocol::kpi::{DEFAULT_MODULES, DashboardUpdate, Kpi};
use opsdeck_protocol::notification::Notification;
use opsdeck_protocol::presence::{Count, PresenceUser};

use crate::recent_ids::RecentIds;
use crate::types::{FleetSnapshot, KpiModule, KpiSnapshot};

/// What the UI should hear about after one server event.
#[derive(Debug, Clone, PartialEq)]
pub enum UiEvent {
    /// `kpi://update`.
    Kpi(KpiModule),
    /// `kpi://dashboard`.
    Dashboard(DashboardUpdate),
    /// `fleet://vehicle`.
    Vehicle(Vehicle),
    /// `fleet://trip`.
    Trip(Trip),
    /// A position for the coalescer (`fleet://positions`).
    Position(VehicleLocation),
    /// `notify://new`.
    Notification(Notification),
    /// `notify://count`.
    Count(Count),
    /// The online list changed; the bridge refreshes it (coalesced).
    PresenceChanged,
}

/// Everything known now.
#[derive(Debug)]
pub struct Mirror {
    kpis: HashMap<String, Vec<Kpi>>,
    dashboard: Option<DashboardUpdate>,
    vehicles: HashMap<String, Vehicle>,
    trips: HashMap<String, Trip>,
    /// Geofences as last listed.
    pub geofences: Vec<Geofence>,
    /// Trips closed during this session (trips list).
    pub closed_trips: crate::trips::TripLog,
    /// The alert feed (`alerts.rs`, kept by `alerts_sync.rs`).
    pub alerts: crate::alerts::AlertBook,
    presence: BTreeMap<String, PresenceUser>,
    seen_notifications: RecentIds,
    /// Trips that closed lately: progress the server emitted for one after its closing (the
    /// simulator's report and a cancel race on the server) must not reopen it.
    closed_ids: RecentIds,
}

/// Notification ids remembered to drop the duplicate `notification:new` of a broadcast.
const SEEN_IDS: usize = 256;
/// Closed trip ids remembered to drop stale progress (≈ a minute of closings at 10,000
/// simulated vehicles).
const CLOSED_IDS: usize = 4096;

impl Default for Mirror {
    fn default() -> Self {
        Self {
            kpis: HashMap::new(),
            dashboard: None,
            vehicles: HashMap::new(),
            trips: HashMap::new(),
            geofences: Vec::new(),
            closed_trips: crate::trips::TripLog::default(),
            alerts: crate::alerts::AlertBook::default(),
            presence: BTreeMap::new(),
            seen_notifications: RecentIds::new(SEEN_IDS),
            closed_ids: RecentIds::new(CLOSED_IDS),
        }
    }
}

impl Mirror {
    /// Forgets everything (switching servers).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Applies one server event.
    pub fn apply(&mut self, ev: ServerEvent) -> Vec<UiEvent> {
        match ev {
            ServerEvent::KpiUpdate { module, kpis } => {
                self.kpis.insert(module.clone(), kpis.clone());
                vec![UiEvent::Kpi(KpiModule { key: module, kpis })]
            }
            ServerEvent::DashboardUpdate(d) => {
                self.dashboard = Some(d.clone());
                vec![UiEvent::Dashboard(d)]
            }
            ServerEvent::VehicleUpdated(u) => {
                self.vehicles.insert(u.vehicle_id.clone(), u.data.clone());
                vec![UiEvent::Vehicle(u.data)]
            }
            ServerEvent::ActiveVehicles(list) => {
                let mut out = Vec::with_capacity(list.len());
                for v in list {
                    self.vehicles.insert(v.id.clone(), v.clone());
                    out.push(UiEvent::Vehicle(v));
                }
                out
            }
            ServerEvent::TrackingUpdate(l) | ServerEvent::VehicleLocation(l) => {
                self.position(&l);
                vec![UiEvent::Position(l)]
            }
            ServerEvent::TrackingBatch(b) => b
                .updates
                .into_iter()
                .map(|l| {
                    self.position(&l);
                    UiEvent::Position(l)
                })
                .collect(),
            ServerEvent::TripStarted(t)
            | ServerEvent::TripUpdated(t)
            | ServerEvent::TripCompleted(t) => self.trip(t.data),
            ServerEvent::TripCancelled(c) => match self.close(&c.trip_id) {
                Some(mut t) => {
                    t.status = TripStatus::Cancelled;
                    self.closed_trips
                        .record(t.clone(), Some(c.reason), chrono::Utc::now());
                    vec![UiEvent::Trip(t)]
                }
                None => Vec::new(),
            },
            ServerEvent::NotificationNew(n) | ServerEvent::NotificationBroadcast(n) => {
                if !self.seen_notifications.insert(&n.id) {
                    return Vec::new();
                }
                vec![UiEvent::Notification(n)]
            }
            ServerEvent::NotificationCount(c) => vec![UiEvent::Count(c)],
            ServerEvent::UserOnline(_)
            | ServerEvent::UserOffline(_)
            | ServerEvent::UserStatus(_) => {
                vec![UiEvent::PresenceChanged]
            }
            _ => Vec::new(),
        }
    }

    fn position(&mut self, l: &VehicleLocation) {
        if let Some(v) = self.vehicles.get_mut(&l.vehicle_id) {
            v.location = Some(l.location.clone());
            v.last_update = l.location.ts;
        }
    }

    fn trip(&mut self, t: Trip) -> Vec<UiEvent> {
        if t.status.is_open() {
            if self.closed_ids.contains(&t.id) {
                tracing::debug!(trip = %t.id, "progress after the trip closed: dropped");
                return Vec::new();
            }
            self.trips.insert(t.id.clone(), t.clone());
        } else {
            self.close(&t.id);
            self.closed_trips
                .record(t.clone(), None, chrono::Utc::now());
        }
        vec![UiEvent::Trip(t)]
    }

    /// Forgets an open trip for good; what was known of it.
    fn close(&mut self, id: &str) -> Option<Trip> {
        self.closed_ids.insert(id);
        self.trips.remove(id)
    }

    /// Replaces the online list.
    pub fn set_presence(&mut self, users: Vec<PresenceUser>) {
        self.presence = users.into_iter().map(|u| (u.user_id.clone(), u)).collect();
    }

    /// The online list, by user id.
    pub fn presence(&self) -> Vec<PresenceUser> {
        self.presence.values().cloned().collect()
    }

    /// KPIs: the default modules first in their order, then others by name.
    pub fn kpi_snapshot(&self) -> KpiSnapshot {
        let mut keys: Vec<&String> = self.kpis.keys().collect();
        let rank = |k: &str| {
            DEFAULT_MODULES
                .iter()
                .position(|m| *m == k)
                .unwrap_or(usize::MAX)
        };
        keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
        KpiSnapshot {
            modules: keys
                .into_iter()
                .map(|k| KpiModule {
                    key: k.clone(),
                    kpis: self.kpis[k].clone(),
                })
                .collect(),
            dashboard: self.dashboard.clone(),
        }
    }

    /// Vehicles (by id), open trips and geofences.
    pub fn fleet_snapshot(&self) -> FleetSnapshot {
        let mut vehicles: Vec<Vehicle> = self.vehicles.values().cloned().collect();
        vehicles.sort_by(|a, b| a.id.cmp(&b.id));
        let mut trips: Vec<Trip> = self.trips.values().cloned().collect();
        trips.sort_by(|a, b| a.id.cmp(&b.id));
        FleetSnapshot {
            vehicles,
            trips,
            geofences: self.geofences.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::notification::{NotificationType, Target};
    use serde_json::json;

    fn vehicle(id: &str) -> Vehicle {
        serde_json::from_value(json!({
            "id": id, "plateNumber": "P", "status": "active", "lastUpdate": "2026-01-01T00:00:00Z"
        }))
        .unwrap()
    }

    fn loc(id: &str, lat: f64) -> VehicleLocation {
        serde_json::from_value(json!({
            "vehicleId": id, "location": {"lat": lat, "lng": 46.7, "ts": "2026-01-01T00:00:05Z"}
        }))
        .unwrap()
    }

    #[test]
    fn positions_update_vehicles_and_go_to_the_coalescer() {
        let mut m = Mirror::default();
        m.apply(ServerEvent::ActiveVehicles(vec![
            vehicle("V-1"),
            vehicle("V-2"),
        ]));
        let out = m.apply(ServerEvent::TrackingBatch(
            opsdeck_protocol::fleet::TrackingBatch {
                updates: vec![loc("V-1", 24.7), loc("V-2", 24.8)],
                timestamp: "2026-01-01T00:00:05Z".parse().unwrap(),
            },
        ));
        assert_eq!(out.len(), 2);
        assert!(matches!(&out[0], UiEvent::Position(_)));
        let snap = m.fleet_snapshot();
        assert_eq!(snap.vehicles[0].location.as_ref().unwrap().lat, 24.7);
        assert_eq!(snap.vehicles[1].location.as_ref().unwrap().lat, 24.8);
    }

    fn trip_event(id: &str, status: &str) -> ServerEvent {
        ServerEvent::decode(
            if status == "started" {
                "trip:started"
            } else {
                "trip:updated"
            },
            json!({"tripId": id, "data": {
                "id": id, "vehicleId": "V-1", "origin": {"lat": 1.0, "lng": 2.0},
                "destination": {"lat": 1.5, "lng": 2.5}, "status": status, "progress": 0.5,
                "distanceRemainingKm": 3.0, "eta": null
            }}),
        )
    }

    #[test]
    fn progress_emitted_after_a_trip_closed_does_not_reopen_it() {
        let mut m = Mirror::default();
        assert_eq!(m.apply(trip_event("T-1", "ongoing")).len(), 1);
        let cancelled = ServerEvent::decode(
            "trip:cancelled",
            json!({"tripId": "T-1", "reason": "called off"}),
        );
        let out = m.apply(cancelled);
        assert!(matches!(&out[..], [UiEvent::Trip(t)] if t.status == TripStatus::Cancelled));
        assert!(
            m.apply(trip_event("T-1", "ongoing")).is_empty(),
            "stale progress"
        );
        assert!(m.fleet_snapshot().trips.is_empty());
        assert_eq!(
            m.apply(trip_event("T-2", "started")).len(),
            1,
            "a new trip is told"
        );
        assert_eq!(m.fleet_snapshot().trips.len(), 1);
    }

    #[test]
    fn broadcasts_arriving_twice_are_shown_once() {
        let mut m = Mirror::default();
        let n = Notification {
            id: "n1".into(),
            title: "t".into(),
            message: "m".into(),
            kind: NotificationType::Info,
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            read: false,
            sender: None,
            target: Target::all(),
            data: None,
        };
        assert_eq!(
            m.apply(ServerEvent::NotificationBroadcast(n.clone())).len(),
            1
        );
        assert_eq!(m.apply(ServerEvent::NotificationNew(n)).len(), 0);
    }

    #[test]
    fn kpi_modules_keep_the_default_order() {
        let mut m = Mirror::default();
        for module in ["zeta", "fleet", "finance", "reports"] {
            m.apply(ServerEvent::KpiUpdate {
                module: module.into(),
                kpis: Vec::new(),
            });
        }
        let keys: Vec<String> = m
            .kpi_snapshot()
            .modules
            .into_iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(keys, ["reports", "finance", "fleet", "zeta"]);
    }
}
