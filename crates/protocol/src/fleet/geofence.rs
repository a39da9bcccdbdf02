//! Geofences (PROTOCOL.md §5): circles and polygons; crossing one emits `geofence:alert`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Location;
use crate::id_ref::id_ref;
use crate::validate::{self, Validate, ValidationError};

/// A polygon vertex on the wire: `[lat, lng]`.
pub type LatLng = [f64; 2];

/// Largest circle radius, metres (1,000 km).
pub const MAX_RADIUS_M: f64 = 1_000_000.0;
/// Most vertices of a polygon.
pub const MAX_POLYGON_VERTICES: usize = 1000;
/// Longest geofence name, in characters.
pub const MAX_GEOFENCE_NAME: usize = 100;

/// A circular geofence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Circle {
    /// Centre latitude.
    pub lat: f64,
    /// Centre longitude.
    pub lng: f64,
    /// Radius, metres, > 0 and <= 1,000 km.
    pub radius_m: f64,
}

impl Validate for Circle {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::lat(self.lat)?;
        validate::lng(self.lng)?;
        validate::range("radiusM", self.radius_m, 0.0, MAX_RADIUS_M)?;
        if self.radius_m > 0.0 {
            Ok(())
        } else {
            Err(ValidationError::Invalid("`radiusM` must be > 0".into()))
        }
    }
}

/// Checks a polygon: 3..=1000 vertices, each in range.
fn check_polygon(polygon: &[LatLng]) -> Result<(), ValidationError> {
    validate::count("polygon", polygon.len(), 3, MAX_POLYGON_VERTICES)?;
    polygon.iter().try_for_each(|[lat, lng]| {
        validate::lat(*lat)?;
        validate::lng(*lng)
    })
}

/// `geofence:create` (`dispatcher`+): `{name, circle}` or `{name, polygon}`, exactly one shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GeofenceCreate {
    /// Display name, 1..=100 characters.
    pub name: String,
    /// A circle.
    #[serde(default)]
    #[ts(optional)]
    pub circle: Option<Circle>,
    /// A polygon as `[[lat, lng], ...]`, 3..=1000 vertices, implicitly closed.
    #[serde(default)]
    #[ts(optional)]
    pub polygon: Option<Vec<LatLng>>,
}

impl Validate for GeofenceCreate {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::text("name", &self.name, 1, MAX_GEOFENCE_NAME)?;
        match (&self.circle, &self.polygon) {
            (Some(c), None) => c.validate(),
            (None, Some(p)) => check_polygon(p),
            _ => Err(ValidationError::Invalid(
                "give exactly one of `circle` and `polygon`".into(),
            )),
        }
    }
}

/// `geofence:create` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GeofenceCreated {
    /// The new geofence.
    pub geofence_id: String,
}

id_ref!(
    GeofenceRef,
    geofence_id,
    "geofenceId",
    "`geofence:delete`: the geofence."
);

/// A stored geofence, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Geofence {
    /// Geofence id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Set for circles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub circle: Option<Circle>,
    /// Set for polygons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub polygon: Option<Vec<LatLng>>,
}

/// `geofence:list` ack result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct GeofenceList {
    /// Every geofence.
    pub geofences: Vec<Geofence>,
}

/// Which way a vehicle crossed a geofence's boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GeofenceEvent {
    /// Outside before, inside now.
    Enter,
    /// Inside before, outside now.
    Exit,
}

/// `geofence:alert`, to the vehicle room, `tracking`, `role:dispatcher` and `role:admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GeofenceAlert {
    /// The vehicle.
    pub vehicle_id: String,
    /// The geofence crossed.
    pub geofence_id: String,
    /// Direction of the crossing.
    pub event: GeofenceEvent,
    /// The first position on the new side.
    pub location: Location,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: serde_json::Value) -> Result<(), ValidationError> {
        serde_json::from_value::<GeofenceCreate>(v)
            .unwrap()
            .validate()
    }

    #[test]
    fn circles() {
        let c =
            |r: f64| check(json!({"name": "Depot", "circle": {"lat": 1, "lng": 2, "radiusM": r}}));
        assert!(c(500.0).is_ok());
        assert!(c(1_000_000.0).is_ok());
        assert!(c(1_000_000.5).is_err());
        assert!(c(0.0).is_err());
        assert!(c(-5.0).is_err());
        assert!(
            check(json!({"name": "X", "circle": {"lat": 91, "lng": 2, "radiusM": 5}})).is_err()
        );
    }

    #[test]
    fn polygons() {
        let tri = json!([[0, 0], [0, 1], [1, 0]]);
        assert!(check(json!({"name": "Zone", "polygon": tri})).is_ok());
        assert!(check(json!({"name": "Zone", "polygon": [[0, 0], [0, 1]]})).is_err());
        assert!(check(json!({"name": "Zone", "polygon": [[0, 0], [0, 1], [1, 181]]})).is_err());
        let big: Vec<[f64; 2]> = (0..1001).map(|i| [0.0, f64::from(i) / 10.0]).collect();
        assert!(check(json!({"name": "Zone", "polygon": big})).is_err());
        assert!(
            serde_json::from_value::<GeofenceCreate>(json!({"name": "Z", "polygon": [[0, 0, 0]]}))
                .is_err()
        );
    }

    #[test]
    fn exactly_one_shape() {
        assert!(check(json!({"name": "Zone"})).is_err());
        assert!(
            check(json!({
                "name": "Zone",
                "circle": {"lat": 1, "lng": 2, "radiusM": 5},
                "polygon": [[0, 0], [0, 1], [1, 0]]
            }))
            .is_err()
        );
        assert!(check(json!({"name": "", "circle": {"lat": 1, "lng": 2, "radiusM": 5}})).is_err());
    }

    #[test]
    fn geofence_ref_and_alert_shape() {
        let r: GeofenceRef = serde_json::from_value(json!({"geofenceId": "g1"})).unwrap();
        assert_eq!(r.id(), "g1");
        let a = GeofenceAlert {
            vehicle_id: "v1".into(),
            geofence_id: "g1".into(),
            event: GeofenceEvent::Exit,
            location: Location {
                lat: 1.0,
                lng: 2.0,
                speed: None,
                heading: None,
                accuracy: None,
                ts: "2026-02-19T10:00:00Z".parse().unwrap(),
            },
        };
        let v = serde_json::to_value(a).unwrap();
        assert_eq!(v["event"], "exit");
        assert_eq!(v["geofenceId"], "g1");
    }
}
