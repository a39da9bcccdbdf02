//! Trips (PROTOCOL.md §5): start, progress, completion and cancellation, broadcast to
//! `trip:{id}` and `tracking`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Timestamp;
use crate::id_ref::id_ref;
use crate::validate::{self, Validate, ValidationError};

/// The room of one trip's subscribers.
pub fn trip_room(trip_id: &str) -> String {
    format!("trip:{trip_id}")
}

/// Longest place name, in characters.
pub const MAX_PLACE_NAME: usize = 200;
/// Longest cancellation reason, in characters.
pub const MAX_REASON: usize = 500;

/// A trip's origin or destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Latitude, −90..=90.
    pub lat: f64,
    /// Longitude, −180..=180.
    pub lng: f64,
    /// Display name, 1..=200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
}

impl Validate for Place {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::lat(self.lat)?;
        validate::lng(self.lng)?;
        validate::opt_text("name", self.name.as_deref(), 1, MAX_PLACE_NAME)
    }
}

/// Where a trip is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TripStatus {
    /// Reserved: planned but not started (the server does not create these yet).
    Scheduled,
    /// Started; the vehicle has not moved since.
    Started,
    /// Under way.
    Ongoing,
    /// Arrived (closed).
    Completed,
    /// Cancelled (closed).
    Cancelled,
}

impl TripStatus {
    /// Whether the trip still counts as the vehicle's open trip.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Scheduled | Self::Started | Self::Ongoing)
    }
}

/// A trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Trip {
    /// Trip id.
    pub id: String,
    /// The vehicle driving it.
    pub vehicle_id: String,
    /// The driver (a user id), who may complete it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub driver_id: Option<String>,
    /// Start point.
    pub origin: Place,
    /// End point.
    pub destination: Place,
    /// Life-cycle state.
    pub status: TripStatus,
    /// Share of the distance covered, 0..=1.
    pub progress: f64,
    /// Great-circle distance from the last position to the destination, km.
    pub distance_remaining_km: f64,
    /// Estimated arrival time: remaining distance over the average speed of the last 5
    /// minutes. `null` while that speed is unknown or zero.
    pub eta: Option<Timestamp>,
    /// When `trip:start` was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub started_at: Option<Timestamp>,
    /// When it was completed or cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub completed_at: Option<Timestamp>,
}

/// `trip:start` (`dispatcher`+). Refused when the vehicle already has an open trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TripStart {
    /// The vehicle.
    pub vehicle_id: String,
    /// Start point.
    pub origin: Place,
    /// End point.
    pub destination: Place,
    /// The driver.
    #[serde(default)]
    #[ts(optional)]
    pub driver_id: Option<String>,
}

impl Validate for TripStart {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("vehicleId", &self.vehicle_id)?;
        self.origin.validate()?;
        self.destination.validate()?;
        validate::opt_id("driverId", self.driver_id.as_deref())
    }
}

/// `trip:start` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TripStartResult {
    /// The new trip.
    pub trip_id: String,
}

id_ref!(
    TripRef,
    trip_id,
    "tripId",
    "`subscribe:trip` (seed 001 sends the bare id) and `trip:complete` (`{tripId}`)."
);

/// `subscribe:trip` ack result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TripSnapshot {
    /// The trip's current state.
    pub trip: Trip,
}

/// `trip:cancel` (`dispatcher`+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TripCancel {
    /// The trip.
    pub trip_id: String,
    /// Why, 1..=500 characters.
    pub reason: String,
}

impl Validate for TripCancel {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("tripId", &self.trip_id)?;
        validate::text("reason", &self.reason, 1, MAX_REASON)
    }
}

/// `trip:started`, `trip:updated` (progress or ETA changed) and `trip:completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TripEvent {
    /// The trip.
    pub trip_id: String,
    /// Its full current state.
    pub data: Trip,
}

/// `trip:cancelled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TripCancelled {
    /// The trip.
    pub trip_id: String,
    /// Why.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trip_refs() {
        // seed 001: subscribe:trip with the bare tripId
        let bare: TripRef = serde_json::from_value(json!("trip-1")).unwrap();
        let obj: TripRef = serde_json::from_value(json!({"tripId": "trip-1"})).unwrap();
        assert_eq!(bare.id(), obj.id());
        assert!(obj.validate().is_ok());
        assert!(TripRef::from("").validate().is_err());
        assert_eq!(trip_room("trip-1"), "trip:trip-1");
    }

    #[test]
    fn start_validates_places() {
        let s = |v| serde_json::from_value::<TripStart>(v).unwrap();
        let ok = json!({
            "vehicleId": "v1",
            "origin": {"lat": 24.7, "lng": 46.6, "name": "Depot"},
            "destination": {"lat": 24.8, "lng": 46.7}
        });
        assert!(s(ok.clone()).validate().is_ok());
        let mut bad = ok.clone();
        bad["destination"]["lat"] = json!(95);
        assert!(s(bad).validate().is_err());
        let mut unnamed = ok;
        unnamed["origin"]["name"] = json!("");
        assert!(s(unnamed).validate().is_err());
    }

    #[test]
    fn cancel_needs_a_reason() {
        let c = |v| serde_json::from_value::<TripCancel>(v).unwrap();
        assert!(
            c(json!({"tripId": "t1", "reason": "road closed"}))
                .validate()
                .is_ok()
        );
        assert!(c(json!({"tripId": "t1", "reason": ""})).validate().is_err());
        assert!(serde_json::from_value::<TripCancel>(json!({"tripId": "t1"})).is_err());
    }

    #[test]
    fn trip_serializes_null_eta() {
        let trip = Trip {
            id: "t1".into(),
            vehicle_id: "v1".into(),
            driver_id: None,
            origin: Place {
                lat: 0.0,
                lng: 0.0,
                name: None,
            },
            destination: Place {
                lat: 1.0,
                lng: 1.0,
                name: None,
            },
            status: TripStatus::Started,
            progress: 0.0,
            distance_remaining_km: 157.2,
            eta: None,
            started_at: Some("2026-02-19T10:00:00Z".parse().unwrap()),
            completed_at: None,
        };
        let v = serde_json::to_value(TripEvent {
            trip_id: "t1".into(),
            data: trip,
        })
        .unwrap();
        assert_eq!(v["data"]["eta"], json!(null));
        assert_eq!(v["data"]["distanceRemainingKm"], 157.2);
        assert_eq!(v["data"]["status"], "started");
        assert!(TripStatus::Ongoing.is_open());
        assert!(!TripStatus::Cancelled.is_open());
    }
}
