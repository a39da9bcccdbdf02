//! Fleet (PROTOCOL.md §5): vehicles, positions, tracking, and in submodules ingestion
//! ([`LocationReport`] and friends), trips ([`Trip`]), geofences ([`Geofence`]) and alerts
//! ([`Alert`]). Everything is re-exported here, so `fleet::Trip` is the path to use.
//!
//! Rooms: one per vehicle ([`vehicle_room`]), one per trip ([`trip_room`]) and
//! [`crate::events::TRACKING_ROOM`] for the live fleet view.
//!
//! Shapes follow the fleet ERP document (seed 001): `subscribe:vehicle` sends the bare
//! `vehicleId`, `vehicle:updated` is `{vehicleId, data}` with `data.plateNumber` and
//! `data.status`, `vehicle:location` is `{vehicleId, location}`.

mod alert;
mod geofence;
mod ingest;
mod trip;

pub use alert::{
    Alert, AlertAcked, AlertKind, AlertList, AlertListRequest, AlertPriority, AlertRef,
    EmergencyAlert, EmergencyInfo, LowFuel,
};
pub use geofence::{
    Circle, Geofence, GeofenceAlert, GeofenceCreate, GeofenceCreated, GeofenceEvent, GeofenceList,
    GeofenceRef, LatLng, MAX_GEOFENCE_NAME, MAX_POLYGON_VERTICES, MAX_RADIUS_M,
};
pub use ingest::{
    EmergencyBody, EmergencyRaise, LocationBatch, LocationReport, LocationSample,
    MAX_EMERGENCY_MESSAGE, MAX_EMERGENCY_TYPE, MAX_LOCATIONS_PER_BATCH, VehicleStatusBody,
    VehicleStatusReport,
};
pub use trip::{
    MAX_PLACE_NAME, MAX_REASON, Place, Trip, TripCancel, TripCancelled, TripEvent, TripRef,
    TripSnapshot, TripStart, TripStartResult, TripStatus, trip_room,
};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Timestamp;
use crate::id_ref::id_ref;
use crate::validate::{self, Validate, ValidationError};

/// Highest accepted speed, km/h.
pub const MAX_SPEED_KMH: f64 = 400.0;
/// Fuel levels are percentages.
pub const MAX_FUEL: f64 = 100.0;
/// Headings are degrees clockwise from north, 0..=360.
pub const MAX_HEADING: f64 = 360.0;

/// The room of one vehicle's subscribers.
pub fn vehicle_room(vehicle_id: &str) -> String {
    format!("vehicle:{vehicle_id}")
}

/// A position fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Latitude, degrees, −90..=90.
    pub lat: f64,
    /// Longitude, degrees, −180..=180.
    pub lng: f64,
    /// Speed, km/h, 0..=400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub speed: Option<f64>,
    /// Heading, degrees clockwise from north, 0..=360.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub heading: Option<f64>,
    /// Accuracy radius, metres, >= 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub accuracy: Option<f64>,
    /// When the fix was taken (the device's `ts`, or the arrival time when it sent none).
    pub ts: Timestamp,
}

/// Checks the ranges of §5 shared by every position payload.
pub(crate) fn check_position(
    lat: f64,
    lng: f64,
    speed: Option<f64>,
    heading: Option<f64>,
    accuracy: Option<f64>,
) -> Result<(), ValidationError> {
    validate::lat(lat)?;
    validate::lng(lng)?;
    validate::opt_range("speed", speed, 0.0, MAX_SPEED_KMH)?;
    validate::opt_range("heading", heading, 0.0, MAX_HEADING)?;
    accuracy.map_or(Ok(()), |a| validate::non_negative("accuracy", a))
}

/// Checks an optional fuel level, 0..=100.
pub(crate) fn check_fuel(fuel_level: Option<f64>) -> Result<(), ValidationError> {
    validate::opt_range("fuelLevel", fuel_level, 0.0, MAX_FUEL)
}

impl Location {
    /// Checks the ranges of §5, `ts` against `now`.
    pub fn validate_at(&self, now: Timestamp) -> Result<(), ValidationError> {
        check_position(self.lat, self.lng, self.speed, self.heading, self.accuracy)?;
        validate::not_in_future("ts", self.ts, now)
    }
}

/// A vehicle's operating status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VehicleStatus {
    /// Reporting and in service.
    Active,
    /// Reporting, parked.
    Idle,
    /// No report for the activity window (5 min by default), or never reported.
    Offline,
    /// Out of service.
    Maintenance,
    /// An emergency was raised and not yet cleared.
    Emergency,
}

/// A vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Vehicle {
    /// Vehicle id.
    pub id: String,
    /// Registration plate.
    pub plate_number: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// Assigned driver (a user id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub driver_id: Option<String>,
    /// Operating status.
    pub status: VehicleStatus,
    /// Last known position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub location: Option<Location>,
    /// Fuel level, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fuel_level: Option<f64>,
    /// The open trip, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub trip_id: Option<String>,
    /// Arrival time of the last accepted report (registration time if none yet).
    pub last_update: Timestamp,
}

id_ref!(
    VehicleRef,
    vehicle_id,
    "vehicleId",
    "`subscribe:vehicle` / `unsubscribe:vehicle`: the vehicle (seed 001 sends the bare id)."
);

/// `subscribe:tracking`; the payload may be absent altogether (decode `Option<Self>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscribeTracking {
    /// When set (50..=5000), positions come as `tracking:batch` every `batchMs` instead of one
    /// `tracking:update` each.
    #[serde(default)]
    #[ts(optional)]
    pub batch_ms: Option<u32>,
}

impl SubscribeTracking {
    /// Shortest batch interval, ms.
    pub const MIN_BATCH_MS: u32 = 50;
    /// Longest batch interval, ms.
    pub const MAX_BATCH_MS: u32 = 5000;
}

impl Validate for SubscribeTracking {
    fn validate(&self) -> Result<(), ValidationError> {
        self.batch_ms.map_or(Ok(()), |ms| {
            validate::range(
                "batchMs",
                f64::from(ms),
                f64::from(Self::MIN_BATCH_MS),
                f64::from(Self::MAX_BATCH_MS),
            )
        })
    }
}

/// `vehicle:updated`, to `vehicle:{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VehicleUpdated {
    /// The vehicle.
    pub vehicle_id: String,
    /// Its full current state.
    pub data: Vehicle,
}

/// `vehicle:location` (to `vehicle:{id}`) and `tracking:update` (to `tracking`), and an item
/// of `tracking:batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VehicleLocation {
    /// The vehicle.
    pub vehicle_id: String,
    /// Its new position.
    pub location: Location,
}

/// `tracking:batch`: the latest position per vehicle since the previous batch; never empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrackingBatch {
    /// One entry per vehicle that moved.
    pub updates: Vec<VehicleLocation>,
    /// When the batch was cut.
    pub timestamp: Timestamp,
}

/// `active-vehicles`: the bare array of active vehicles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ActiveVehicles(pub Vec<Vehicle>);

/// `request:active-vehicles` ack result, and `GET /api/vehicles` data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct VehicleList {
    /// The vehicles.
    pub vehicles: Vec<Vehicle>,
}

/// Longest plate number, in characters.
pub const MAX_PLATE: usize = 32;
/// Longest vehicle name, in characters.
pub const MAX_VEHICLE_NAME: usize = 100;

/// `vehicle:upsert` (`dispatcher`+) and the body of `POST /api/vehicles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleUpsert {
    /// Vehicle id.
    pub id: String,
    /// Registration plate, 1..=32 characters.
    pub plate_number: String,
    /// Display name, 1..=100 characters.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// Assigned driver.
    #[serde(default)]
    #[ts(optional)]
    pub driver_id: Option<String>,
}

impl Validate for VehicleUpsert {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("id", &self.id)?;
        validate::text("plateNumber", &self.plate_number, 1, MAX_PLATE)?;
        validate::opt_text("name", self.name.as_deref(), 1, MAX_VEHICLE_NAME)?;
        validate::opt_id("driverId", self.driver_id.as_deref())
    }
}

/// `vehicle:history`: the oldest `limit` positions in `[from, to]`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleHistoryRequest {
    /// The vehicle.
    pub vehicle_id: String,
    /// Start, inclusive.
    pub from: Timestamp,
    /// End, inclusive; not before `from`.
    pub to: Timestamp,
    /// Page size, at most [`VehicleHistoryRequest::CAP`].
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl VehicleHistoryRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 10_000;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 1000;
}

impl Validate for VehicleHistoryRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("vehicleId", &self.vehicle_id)?;
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        if self.from > self.to {
            return Err(ValidationError::Invalid(
                "`from` must not be after `to`".into(),
            ));
        }
        Ok(())
    }
}

/// `vehicle:history` ack result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct LocationHistory {
    /// Oldest first; page by moving `from` past the last `ts`.
    pub locations: Vec<Location>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn vehicle_ref_accepts_seed_001_bare_id_and_object() {
        // seed 001: socket.emit('subscribe:vehicle', vehicleId)
        let bare: VehicleRef = serde_json::from_value(json!("vehicle-123")).unwrap();
        assert_eq!(bare.id(), "vehicle-123");
        assert!(bare.validate().is_ok());
        let obj: VehicleRef = serde_json::from_value(json!({"vehicleId": "vehicle-123"})).unwrap();
        assert_eq!(obj.id(), "vehicle-123");
        assert!(VehicleRef::from("no/slash").validate().is_err());
        assert!(serde_json::from_value::<VehicleRef>(json!(42)).is_err());
        assert_eq!(vehicle_room("vehicle-123"), "vehicle:vehicle-123");
    }

    #[test]
    fn vehicle_updated_has_the_fields_seed_001_reads() {
        let v = Vehicle {
            id: "vehicle-123".into(),
            plate_number: "ABC-123".into(),
            name: None,
            driver_id: None,
            status: VehicleStatus::Active,
            location: Some(Location {
                lat: 24.7136,
                lng: 46.6753,
                speed: Some(45.0),
                heading: None,
                accuracy: None,
                ts: t("2026-02-19T10:00:00Z"),
            }),
            fuel_level: Some(80.0),
            trip_id: None,
            last_update: t("2026-02-19T10:00:00Z"),
        };
        let msg = serde_json::to_value(VehicleUpdated {
            vehicle_id: v.id.clone(),
            data: v,
        })
        .unwrap();
        assert_eq!(msg["data"]["plateNumber"], "ABC-123");
        assert_eq!(msg["data"]["status"], "active");
        assert_eq!(msg["data"]["location"]["speed"], 45.0);
        assert_eq!(msg["data"]["lastUpdate"], "2026-02-19T10:00:00Z");
        // absent options are omitted, not null
        assert!(msg["data"].get("driverId").is_none());
        assert!(msg["data"]["location"].get("heading").is_none());
    }

    #[test]
    fn location_ranges() {
        let now = t("2026-02-19T10:00:00Z");
        let ok = Location {
            lat: -90.0,
            lng: 180.0,
            speed: Some(400.0),
            heading: Some(360.0),
            accuracy: Some(0.0),
            ts: now,
        };
        assert!(ok.validate_at(now).is_ok());
        for bad in [
            Location {
                lat: 90.5,
                ..ok.clone()
            },
            Location {
                lng: -180.1,
                ..ok.clone()
            },
            Location {
                speed: Some(400.1),
                ..ok.clone()
            },
            Location {
                speed: Some(-1.0),
                ..ok.clone()
            },
            Location {
                heading: Some(361.0),
                ..ok.clone()
            },
            Location {
                heading: Some(-0.5),
                ..ok.clone()
            },
            Location {
                accuracy: Some(-3.0),
                ..ok.clone()
            },
            Location {
                ts: t("2026-02-19T10:05:01Z"),
                ..ok.clone()
            },
        ] {
            assert!(bad.validate_at(now).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn subscribe_tracking_batch_bounds() {
        let s = |v| serde_json::from_value::<SubscribeTracking>(v).unwrap();
        assert!(s(json!({})).validate().is_ok());
        assert!(s(json!({"batchMs": 50})).validate().is_ok());
        assert!(s(json!({"batchMs": 5000})).validate().is_ok());
        assert!(s(json!({"batchMs": 49})).validate().is_err());
        assert!(s(json!({"batchMs": 5001})).validate().is_err());
        // seed 001 emits subscribe:tracking with no payload: decoded as null
        assert_eq!(
            serde_json::from_value::<Option<SubscribeTracking>>(json!(null)).unwrap(),
            None
        );
        assert!(serde_json::from_value::<SubscribeTracking>(json!({"batch": 5})).is_err());
    }

    #[test]
    fn history_request_limits() {
        let r = |v| serde_json::from_value::<VehicleHistoryRequest>(v).unwrap();
        let base = json!({"vehicleId": "v1", "from": "2026-02-19T09:00:00Z",
                          "to": "2026-02-19T10:00:00Z"});
        assert!(r(base.clone()).validate().is_ok());
        let mut capped = base.clone();
        capped["limit"] = json!(10_000);
        assert!(r(capped.clone()).validate().is_ok());
        capped["limit"] = json!(10_001);
        assert!(r(capped).validate().is_err());
        let mut reversed = base;
        reversed["from"] = json!("2026-02-19T11:00:00Z");
        assert!(r(reversed).validate().is_err());
    }

    #[test]
    fn upsert_validates() {
        let u = |v| serde_json::from_value::<VehicleUpsert>(v).unwrap();
        assert!(
            u(json!({"id": "v1", "plateNumber": "ABC 123"}))
                .validate()
                .is_ok()
        );
        assert!(
            u(json!({"id": "v1", "plateNumber": ""}))
                .validate()
                .is_err()
        );
        assert!(
            u(json!({"id": "v1", "plateNumber": "P", "driverId": "bad id"}))
                .validate()
                .is_err()
        );
        assert!(
            serde_json::from_value::<VehicleUpsert>(
                json!({"id": "v1", "plateNumber": "P", "color": "red"})
            )
            .is_err()
        );
    }
}
