//! Ingestion (PROTOCOL.md §5): position, status and emergency reports from devices (their own
//! vehicle) and dispatchers (any vehicle), over Socket.IO or HTTP.
//!
//! Position checks compare `ts` with the current time; [`LocationReport::validate_at`] takes
//! that time as an argument so tests can pin it, and [`Validate`] uses the system clock.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Location, VehicleStatus, check_fuel, check_position};
use crate::Timestamp;
use crate::validate::{self, Validate, ValidationError};

/// `location:report`: one position of one vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationReport {
    /// The vehicle.
    pub vehicle_id: String,
    /// Latitude, −90..=90.
    pub lat: f64,
    /// Longitude, −180..=180.
    pub lng: f64,
    /// Speed, km/h, 0..=400.
    #[serde(default)]
    #[ts(optional)]
    pub speed: Option<f64>,
    /// Heading, degrees, 0..=360.
    #[serde(default)]
    #[ts(optional)]
    pub heading: Option<f64>,
    /// Accuracy radius, metres, >= 0.
    #[serde(default)]
    #[ts(optional)]
    pub accuracy: Option<f64>,
    /// Fuel level, percent, 0..=100.
    #[serde(default)]
    #[ts(optional)]
    pub fuel_level: Option<f64>,
    /// When the fix was taken; at most 5 minutes in the future. The arrival time when absent.
    #[serde(default)]
    #[ts(optional)]
    pub ts: Option<Timestamp>,
}

impl LocationReport {
    /// Checks every range of §5, `ts` against `now`.
    pub fn validate_at(&self, now: Timestamp) -> Result<(), ValidationError> {
        validate::id("vehicleId", &self.vehicle_id)?;
        check_position(self.lat, self.lng, self.speed, self.heading, self.accuracy)?;
        check_fuel(self.fuel_level)?;
        self.ts
            .map_or(Ok(()), |ts| validate::not_in_future("ts", ts, now))
    }

    /// The position as stored and broadcast; `received_at` stands in for a missing `ts`.
    pub fn location(&self, received_at: Timestamp) -> Location {
        Location {
            lat: self.lat,
            lng: self.lng,
            speed: self.speed,
            heading: self.heading,
            accuracy: self.accuracy,
            ts: self.ts.unwrap_or(received_at),
        }
    }
}

impl Validate for LocationReport {
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_at(chrono::Utc::now())
    }
}

/// One position in the body of `POST /api/vehicles/{id}/locations`: a [`LocationReport`]
/// whose `vehicleId` may be left out (the path names the vehicle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationSample {
    /// Must equal the vehicle of the path when present.
    #[serde(default)]
    #[ts(optional)]
    pub vehicle_id: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Speed, km/h.
    #[serde(default)]
    #[ts(optional)]
    pub speed: Option<f64>,
    /// Heading, degrees.
    #[serde(default)]
    #[ts(optional)]
    pub heading: Option<f64>,
    /// Accuracy, metres.
    #[serde(default)]
    #[ts(optional)]
    pub accuracy: Option<f64>,
    /// Fuel level, percent.
    #[serde(default)]
    #[ts(optional)]
    pub fuel_level: Option<f64>,
    /// When the fix was taken.
    #[serde(default)]
    #[ts(optional)]
    pub ts: Option<Timestamp>,
}

/// Most positions in one `POST /api/vehicles/{id}/locations`.
pub const MAX_LOCATIONS_PER_BATCH: usize = 1000;

/// Body of `POST /api/vehicles/{id}/locations`: one object or an array, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum LocationBatch {
    /// A single position.
    One(LocationSample),
    /// Several positions, oldest first.
    Many(Vec<LocationSample>),
}

impl LocationBatch {
    /// The reports for `vehicle_id` (from the path), each checked against `now`. The batch is
    /// refused as a whole (nothing is stored) if any item is invalid, names another vehicle,
    /// or the batch is empty or longer than [`MAX_LOCATIONS_PER_BATCH`].
    pub fn into_reports(
        self,
        vehicle_id: &str,
        now: Timestamp,
    ) -> Result<Vec<LocationReport>, ValidationError> {
        let samples = match self {
            Self::One(s) => vec![s],
            Self::Many(v) => v,
        };
        validate::count("locations", samples.len(), 1, MAX_LOCATIONS_PER_BATCH)?;
        samples
            .into_iter()
            .map(|s| {
                if s.vehicle_id.as_deref().is_some_and(|v| v != vehicle_id) {
                    return Err(ValidationError::Invalid(
                        "`vehicleId` differs from the vehicle of the path".into(),
                    ));
                }
                let r = LocationReport {
                    vehicle_id: vehicle_id.to_owned(),
                    lat: s.lat,
                    lng: s.lng,
                    speed: s.speed,
                    heading: s.heading,
                    accuracy: s.accuracy,
                    fuel_level: s.fuel_level,
                    ts: s.ts,
                };
                r.validate_at(now)?;
                Ok(r)
            })
            .collect()
    }
}

/// `vehicle:report-status`: a status and/or fuel report; an empty one still counts as a report
/// (it keeps the vehicle active).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleStatusReport {
    /// The vehicle.
    pub vehicle_id: String,
    /// New operating status.
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<VehicleStatus>,
    /// Fuel level, percent, 0..=100.
    #[serde(default)]
    #[ts(optional)]
    pub fuel_level: Option<f64>,
}

impl Validate for VehicleStatusReport {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("vehicleId", &self.vehicle_id)?;
        check_fuel(self.fuel_level)
    }
}

/// Body of `POST /api/vehicles/{id}/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleStatusBody {
    /// New operating status.
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<VehicleStatus>,
    /// Fuel level, percent.
    #[serde(default)]
    #[ts(optional)]
    pub fuel_level: Option<f64>,
}

impl VehicleStatusBody {
    /// The report for `vehicle_id` (from the path).
    pub fn into_report(self, vehicle_id: impl Into<String>) -> VehicleStatusReport {
        VehicleStatusReport {
            vehicle_id: vehicle_id.into(),
            status: self.status,
            fuel_level: self.fuel_level,
        }
    }
}

/// Longest emergency type, in characters.
pub const MAX_EMERGENCY_TYPE: usize = 64;
/// Longest emergency message, in characters.
pub const MAX_EMERGENCY_MESSAGE: usize = 1000;

/// `emergency:raise`. Types `sos`, `panic` and `accident` are `critical`, others `high`
/// ([`super::AlertPriority::for_emergency`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmergencyRaise {
    /// The vehicle.
    pub vehicle_id: String,
    /// What happened, 1..=64 characters, e.g. `sos`, `accident`, `breakdown`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Free text, up to 1000 characters; may be empty (an SOS button has nothing to say).
    pub message: String,
}

impl Validate for EmergencyRaise {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("vehicleId", &self.vehicle_id)?;
        validate::text("type", &self.kind, 1, MAX_EMERGENCY_TYPE)?;
        validate::text("message", &self.message, 0, MAX_EMERGENCY_MESSAGE)
    }
}

/// Body of `POST /api/vehicles/{id}/emergency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EmergencyBody {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: String,
    /// Free text.
    pub message: String,
}

impl EmergencyBody {
    /// The request for `vehicle_id` (from the path).
    pub fn into_raise(self, vehicle_id: impl Into<String>) -> EmergencyRaise {
        EmergencyRaise {
            vehicle_id: vehicle_id.into(),
            kind: self.kind,
            message: self.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-02-19T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn report_from_seed_001_gps_update() {
        // seed 001: emitGPSUpdate(vehicleId, { lat: 24.7136, lng: 46.6753, speed: 45 })
        let r: LocationReport = serde_json::from_value(json!({
            "vehicleId": "vehicle-123", "lat": 24.7136, "lng": 46.6753, "speed": 45
        }))
        .unwrap();
        assert!(r.validate_at(now()).is_ok());
        let loc = r.location(now());
        assert_eq!(loc.ts, now());
        assert_eq!(loc.speed, Some(45.0));
    }

    #[test]
    fn report_ranges_and_ts() {
        let base = json!({"vehicleId": "v1", "lat": 0, "lng": 0});
        let with = |k: &str, v: serde_json::Value| {
            let mut b = base.clone();
            b[k] = v;
            serde_json::from_value::<LocationReport>(b)
                .unwrap()
                .validate_at(now())
        };
        assert!(with("fuelLevel", json!(100)).is_ok());
        assert!(with("fuelLevel", json!(100.5)).is_err());
        assert!(with("fuelLevel", json!(-1)).is_err());
        assert!(with("speed", json!(401)).is_err());
        assert!(with("lat", json!(-91)).is_err());
        assert!(with("heading", json!(720)).is_err());
        assert!(with("accuracy", json!(-1)).is_err());
        assert!(with("ts", json!("2026-02-19T10:04:59Z")).is_ok());
        assert!(with("ts", json!("2026-02-19T10:05:01Z")).is_err());
        assert!(with("ts", json!("2020-01-01T00:00:00Z")).is_ok());
        assert!(with("vehicleId", json!("v 1")).is_err());
        assert!(
            serde_json::from_value::<LocationReport>(json!({"vehicleId": "v1", "lat": 0})).is_err()
        );
        assert!(
            serde_json::from_value::<LocationReport>(
                json!({"vehicleId": "v1", "lat": 0, "lng": 0, "altitude": 5})
            )
            .is_err()
        );
    }

    #[test]
    fn http_batch_one_or_many() {
        let one: LocationBatch = serde_json::from_value(json!({"lat": 1, "lng": 2})).unwrap();
        let reports = one.into_reports("v1", now()).unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].vehicle_id, "v1");

        let many: LocationBatch = serde_json::from_value(json!([
            {"lat": 1, "lng": 2, "ts": "2026-02-19T09:00:00Z"},
            {"vehicleId": "v1", "lat": 1.1, "lng": 2.1, "ts": "2026-02-19T09:00:05Z"}
        ]))
        .unwrap();
        assert_eq!(many.into_reports("v1", now()).unwrap().len(), 2);

        let other: LocationBatch =
            serde_json::from_value(json!([{"vehicleId": "v2", "lat": 1, "lng": 2}])).unwrap();
        assert!(other.into_reports("v1", now()).is_err());

        let one_bad: LocationBatch =
            serde_json::from_value(json!([{"lat": 1, "lng": 2}, {"lat": 100, "lng": 2}])).unwrap();
        assert!(one_bad.into_reports("v1", now()).is_err());

        let empty: LocationBatch = serde_json::from_value(json!([])).unwrap();
        assert!(empty.into_reports("v1", now()).is_err());
    }

    #[test]
    fn status_reports() {
        // seed 001: emitVehicleUpdate(vehicleId, { status: 'active', ... })
        let r: VehicleStatusReport =
            serde_json::from_value(json!({"vehicleId": "vehicle-123", "status": "active"}))
                .unwrap();
        assert_eq!(r.status, Some(VehicleStatus::Active));
        assert!(r.validate().is_ok());
        let heartbeat: VehicleStatusReport =
            serde_json::from_value(json!({"vehicleId": "v1"})).unwrap();
        assert!(heartbeat.validate().is_ok());
        let fuel: VehicleStatusBody = serde_json::from_value(json!({"fuelLevel": 101})).unwrap();
        assert!(fuel.into_report("v1").validate().is_err());
        assert!(
            serde_json::from_value::<VehicleStatusReport>(
                json!({"vehicleId": "v", "status": "parked"})
            )
            .is_err()
        );
    }

    #[test]
    fn emergencies() {
        let e: EmergencyRaise =
            serde_json::from_value(json!({"vehicleId": "v1", "type": "sos", "message": ""}))
                .unwrap();
        assert!(e.validate().is_ok());
        let body: EmergencyBody =
            serde_json::from_value(json!({"type": "", "message": "help"})).unwrap();
        assert!(body.into_raise("v1").validate().is_err());
        let long = EmergencyRaise {
            vehicle_id: "v1".into(),
            kind: "sos".into(),
            message: "x".repeat(MAX_EMERGENCY_MESSAGE + 1),
        };
        assert!(long.validate().is_err());
    }
}
