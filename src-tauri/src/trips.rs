//! Trips closed during this session. The protocol lists only open trips (§5: `subscribe:trip`
//! for one, no list of closed ones), so the trips list shows the completed and cancelled trips
//! this app heard of, newest first, with the cancel reason that `trip:cancelled` carries.

use std::collections::VecDeque;

use opsdeck_protocol::Timestamp;
use opsdeck_protocol::fleet::Trip;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A completed or cancelled trip as the trips list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ClosedTrip {
    /// The trip in its last known state (`completedAt` set to when this app heard of the
    /// cancellation when the server sent none).
    pub trip: Trip,
    /// Why it was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Trips read per `trips_fetch` call at most.
pub const FETCH_CAP: usize = 200;

/// The ids to fetch: valid, distinct, at most [`FETCH_CAP`].
pub fn fetch_batch(ids: &[String]) -> Vec<&String> {
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .filter(|id| opsdeck_protocol::validate::id("tripId", id).is_ok() && seen.insert(*id))
        .take(FETCH_CAP)
        .collect()
}

/// Closed trips, newest first, at most [`TripLog::CAP`].
#[derive(Debug, Default)]
pub struct TripLog {
    closed: VecDeque<ClosedTrip>,
}

impl TripLog {
    /// Closed trips kept.
    pub const CAP: usize = 50;

    /// Records a trip that just closed; a trip recorded again replaces its earlier entry.
    pub fn record(&mut self, mut trip: Trip, reason: Option<String>, now: Timestamp) {
        if trip.completed_at.is_none() {
            trip.completed_at = Some(now);
        }
        let reason = match self.closed.iter().position(|c| c.trip.id == trip.id) {
            Some(i) => self.closed.remove(i).and_then(|c| c.reason).or(reason),
            None => reason,
        };
        self.closed.push_front(ClosedTrip { trip, reason });
        self.closed.truncate(Self::CAP);
    }

    /// Newest first.
    pub fn list(&self) -> Vec<ClosedTrip> {
        self.closed.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use opsdeck_protocol::fleet::TripStatus;
    use serde_json::json;

    fn trip(id: &str, status: &str) -> Trip {
        serde_json::from_value(json!({
            "id": id, "vehicleId": "v1", "origin": {"lat": 1.0, "lng": 2.0},
            "destination": {"lat": 1.5, "lng": 2.5}, "status": status, "progress": 0.5,
            "distanceRemainingKm": 3.0, "eta": null
        }))
        .unwrap()
    }

    fn at(s: i64) -> Timestamp {
        chrono::Utc.timestamp_opt(s, 0).unwrap()
    }

    #[test]
    fn newest_first_with_reason_and_close_time() {
        let mut log = TripLog::default();
        log.record(trip("a", "completed"), None, at(10));
        log.record(trip("b", "cancelled"), Some("flat tyre".into()), at(20));
        let l = log.list();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].trip.id, "b");
        assert_eq!(l[0].reason.as_deref(), Some("flat tyre"));
        assert_eq!(l[0].trip.completed_at, Some(at(20)));
        assert_eq!(l[1].trip.status, TripStatus::Completed);
        assert_eq!(l[1].reason, None);
    }

    #[test]
    fn keeps_the_server_close_time_and_an_earlier_reason() {
        let mut log = TripLog::default();
        let mut t = trip("a", "cancelled");
        t.completed_at = Some(at(5));
        log.record(t.clone(), Some("driver sick".into()), at(10));
        log.record(t, None, at(30));
        let l = log.list();
        assert_eq!(l.len(), 1, "recorded once");
        assert_eq!(l[0].trip.completed_at, Some(at(5)));
        assert_eq!(l[0].reason.as_deref(), Some("driver sick"));
    }

    #[test]
    fn the_mirror_logs_trips_as_they_close() {
        use opsdeck_client::ServerEvent;
        use opsdeck_protocol::fleet::{TripCancelled, TripEvent};
        let mut m = crate::mirror::Mirror::default();
        for id in ["a", "b"] {
            let data = trip(id, "started");
            m.apply(ServerEvent::TripStarted(TripEvent {
                trip_id: id.into(),
                data,
            }));
        }
        m.apply(ServerEvent::TripCompleted(TripEvent {
            trip_id: "a".into(),
            data: trip("a", "completed"),
        }));
        m.apply(ServerEvent::TripCancelled(TripCancelled {
            trip_id: "b".into(),
            reason: "road closed".into(),
        }));
        assert!(m.fleet_snapshot().trips.is_empty(), "no open trips left");
        let l = m.closed_trips.list();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].trip.id, "b");
        assert_eq!(l[0].trip.status, TripStatus::Cancelled);
        assert_eq!(l[0].reason.as_deref(), Some("road closed"));
        assert!(l[0].trip.completed_at.is_some());
        assert_eq!(l[1].trip.status, TripStatus::Completed);
    }

    #[test]
    fn fetch_batch_drops_bad_and_repeated_ids_and_caps() {
        let ids: Vec<String> = ["t1", "t1", "bad id!", "", "t2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(fetch_batch(&ids), [&ids[0], &ids[4]]);
        let many: Vec<String> = (0..FETCH_CAP + 5).map(|i| format!("t{i}")).collect();
        assert_eq!(fetch_batch(&many).len(), FETCH_CAP);
    }

    #[test]
    fn bounded() {
        let mut log = TripLog::default();
        for i in 0..(TripLog::CAP + 10) {
            log.record(trip(&format!("t{i}"), "completed"), None, at(i as i64));
        }
        let l = log.list();
        assert_eq!(l.len(), TripLog::CAP);
        assert_eq!(l[0].trip.id, format!("t{}", TripLog::CAP + 9));
    }
}
