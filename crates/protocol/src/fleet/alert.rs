//! Alerts (PROTOCOL.md §5): the live alert events (`vehicle:low-fuel`, `emergency:alert`) and
//! the stored [`Alert`] records behind `alert:list` / `alert:ack`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Location;
use crate::Timestamp;
use crate::id_ref::id_ref;
use crate::identity::Sender;
use crate::validate::{self, Validate, ValidationError};

/// Urgency of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertPriority {
    /// Needs attention: emergencies of other types, low fuel, geofence crossings.
    High,
    /// Needs action now: emergencies of type `sos`, `panic`, `accident`, and KPIs entering
    /// `critical`.
    Critical,
}

impl AlertPriority {
    /// Emergency types that are `critical`; every other type is `high`.
    pub const CRITICAL_EMERGENCIES: [&str; 3] = ["sos", "panic", "accident"];

    /// The priority of an emergency of type `kind` (compared case-insensitively).
    pub fn for_emergency(kind: &str) -> Self {
        if Self::CRITICAL_EMERGENCIES
            .iter()
            .any(|c| c.eq_ignore_ascii_case(kind))
        {
            Self::Critical
        } else {
            Self::High
        }
    }
}

/// What raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum AlertKind {
    /// `emergency:raise` or `POST /api/vehicles/{id}/emergency`.
    Emergency,
    /// Fuel crossed below the low-fuel threshold.
    LowFuel,
    /// A vehicle entered or left a geofence.
    Geofence,
    /// A KPI entered `critical`.
    Kpi,
}

/// `vehicle:low-fuel`, to the vehicle room and `role:dispatcher`, once per crossing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LowFuel {
    /// The vehicle.
    pub vehicle_id: String,
    /// The level that crossed the threshold, percent.
    pub fuel_level: f64,
}

/// The `alert` member of `emergency:alert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EmergencyInfo {
    /// The stored [`Alert`]'s id (usable with `alert:ack`).
    pub id: String,
    /// The emergency type as raised, e.g. `sos`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The message as raised.
    pub message: String,
    /// The vehicle's last known position; `null` if it never reported one.
    pub location: Option<Location>,
}

/// `emergency:alert`, to the vehicle room, `tracking`, `role:dispatcher` and `role:admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyAlert {
    /// The vehicle.
    pub vehicle_id: String,
    /// What happened.
    pub alert: EmergencyInfo,
    /// `critical` for `sos`, `panic`, `accident`, else `high`.
    pub priority: AlertPriority,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Alert id.
    pub id: String,
    /// What raised it.
    pub kind: AlertKind,
    /// Urgency.
    pub priority: AlertPriority,
    /// The vehicle, for fleet alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub vehicle_id: Option<String>,
    /// The module, for KPI alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub module_key: Option<String>,
    /// Human-readable description.
    pub message: String,
    /// When it was raised.
    pub created_at: Timestamp,
    /// Who acknowledged it first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub acked_by: Option<Sender>,
    /// When it was first acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub acked_at: Option<Timestamp>,
}

/// `alert:list` (`viewer`+), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertListRequest {
    /// Only alerts nobody acknowledged yet.
    #[serde(default)]
    #[ts(optional)]
    pub unacked_only: Option<bool>,
    /// Opaque cursor from a previous page.
    #[serde(default)]
    #[ts(optional)]
    pub before: Option<String>,
    /// Page size, at most [`AlertListRequest::CAP`].
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl AlertListRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 200;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 50;
}

impl Validate for AlertListRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        validate::opt_text("before", self.before.as_deref(), 1, 128)
    }
}

/// `alert:list` ack result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertList {
    /// Newest first.
    pub alerts: Vec<Alert>,
    /// Pass back as `before`; `null` at the end.
    pub next_cursor: Option<String>,
}

id_ref!(
    AlertRef,
    alert_id,
    "alertId",
    "`alert:ack` (`dispatcher`+): the alert to acknowledge."
);

/// `alert:acked`, to `role:dispatcher` and `role:admin`. Acking twice keeps the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlertAcked {
    /// The alert.
    pub alert_id: String,
    /// Who acknowledged it first.
    pub acked_by: Sender,
    /// When.
    pub acked_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emergency_priorities() {
        assert_eq!(AlertPriority::for_emergency("sos"), AlertPriority::Critical);
        assert_eq!(AlertPriority::for_emergency("SOS"), AlertPriority::Critical);
        assert_eq!(
            AlertPriority::for_emergency("panic"),
            AlertPriority::Critical
        );
        assert_eq!(
            AlertPriority::for_emergency("accident"),
            AlertPriority::Critical
        );
        assert_eq!(
            AlertPriority::for_emergency("breakdown"),
            AlertPriority::High
        );
        assert!(AlertPriority::Critical > AlertPriority::High);
    }

    #[test]
    fn emergency_alert_has_seed_001_shape() {
        // seed 001 clients read { alert, priority }
        let a = EmergencyAlert {
            vehicle_id: "vehicle-123".into(),
            alert: EmergencyInfo {
                id: "a1".into(),
                kind: "accident".into(),
                message: "Collision".into(),
                location: None,
            },
            priority: AlertPriority::for_emergency("accident"),
        };
        let v = serde_json::to_value(a).unwrap();
        assert_eq!(
            v,
            json!({"vehicleId": "vehicle-123", "priority": "critical",
                   "alert": {"id": "a1", "type": "accident", "message": "Collision",
                             "location": null}})
        );
        let low = serde_json::to_value(LowFuel {
            vehicle_id: "v1".into(),
            fuel_level: 12.5,
        })
        .unwrap();
        assert_eq!(low, json!({"vehicleId": "v1", "fuelLevel": 12.5}));
    }

    #[test]
    fn kinds_are_kebab_case() {
        assert_eq!(
            serde_json::to_value(AlertKind::LowFuel).unwrap(),
            "low-fuel"
        );
        assert_eq!(serde_json::to_value(AlertKind::Kpi).unwrap(), "kpi");
    }

    #[test]
    fn list_limits() {
        let l = |v| serde_json::from_value::<AlertListRequest>(v).unwrap();
        assert!(l(json!({})).validate().is_ok());
        assert!(
            l(json!({"limit": 200, "unackedOnly": true}))
                .validate()
                .is_ok()
        );
        assert!(l(json!({"limit": 201})).validate().is_err());
        assert!(l(json!({"before": ""})).validate().is_err());
    }

    #[test]
    fn alert_ref_shapes() {
        let a: AlertRef = serde_json::from_value(json!({"alertId": "a1"})).unwrap();
        let b: AlertRef = serde_json::from_value(json!("a1")).unwrap();
        assert_eq!(a.id(), b.id());
        assert!(a.validate().is_ok());
    }
}
