//! KPIs and the dashboard (PROTOCOL.md §4).
//!
//! A module (`finance`, `fleet`, ...) is a named set of KPIs. Subscribers of a module sit in room
//! [`module_room`] and receive `kpi:update:{moduleKey}` ([`crate::events::kpi_update_event`])
//! with the bare array of KPIs, as the ERP dashboard backend (seed 000) emits it.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Timestamp;
use crate::id_ref::id_ref;
use crate::validate::{self, Validate, ValidationError};

/// The modules known without any report: the ERP dashboard's six, plus `fleet`.
pub const DEFAULT_MODULES: [&str; 7] = [
    "reports",
    "finance",
    "hr",
    "security",
    "elearning",
    "rehab",
    FLEET_MODULE,
];

/// The module whose KPIs the server derives from fleet data itself.
pub const FLEET_MODULE: &str = "fleet";

/// Keys of the KPIs of module `fleet` (Opsdeck's choice; PROTOCOL.md names them only in prose).
pub mod fleet_keys {
    /// Vehicles whose status is not `offline`.
    pub const VEHICLES_ACTIVE: &str = "vehiclesActive";
    /// Trips `started` or `ongoing`.
    pub const TRIPS_IN_PROGRESS: &str = "tripsInProgress";
    /// Average speed of active vehicles, km/h.
    pub const AVERAGE_SPEED: &str = "averageSpeed";
    /// Alerts created in the last hour.
    pub const ALERTS_LAST_HOUR: &str = "alertsLastHour";
    /// Online users.
    pub const USERS_ONLINE: &str = "usersOnline";
}

/// The room of one module's subscribers.
pub fn module_room(module_key: &str) -> String {
    format!("module:{module_key}")
}

/// Health of a KPI against its thresholds.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    /// Within thresholds (or no thresholds set).
    #[default]
    Ok,
    /// Past the warning threshold.
    Warning,
    /// Past the critical threshold; entering it raises a `kpi` alert.
    Critical,
}

/// One KPI as subscribers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    /// Key, unique within its module.
    pub key: String,
    /// Human-readable label.
    pub label: String,
    /// Current value.
    pub value: f64,
    /// Unit, e.g. `%`, `km/h`, `EUR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unit: Option<String>,
    /// Change against the previous value, e.g. `+5%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub trend: Option<String>,
    /// Health against the KPI's thresholds.
    pub status: KpiStatus,
    /// When the value last changed.
    pub updated_at: Timestamp,
}

/// `kpi:update:{moduleKey}`: the bare array of the module's KPIs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct KpiUpdate(pub Vec<Kpi>);

id_ref!(
    ModuleRef,
    module_key,
    "moduleKey",
    "`module:subscribe` / `module:unsubscribe`: the module."
);

/// A summary card of `dashboard:update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SummaryCard {
    /// Key (a module key or a KPI key).
    pub key: String,
    /// Human-readable label.
    pub label: String,
    /// The headline number.
    pub value: f64,
    /// Worst status among what the card summarizes.
    pub status: KpiStatus,
}

/// `dashboard:update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DashboardUpdate {
    /// One card per module.
    pub summary_cards: Vec<SummaryCard>,
    /// The four most important KPIs (critical first).
    #[serde(rename = "topKPIs")]
    pub top_kpis: Vec<Kpi>,
    /// When the update was computed.
    pub timestamp: Timestamp,
}

/// One KPI value in a producer's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiSample {
    /// Key, an id unique within the module.
    pub key: String,
    /// Label; the previous label (or the key) when absent.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// The value.
    pub value: f64,
    /// Unit.
    #[serde(default)]
    #[ts(optional)]
    pub unit: Option<String>,
    /// Trend as the producer computes it, e.g. `+5%` (Opsdeck extension: producers that
    /// already have a trend, such as the ERP backend, may pass it on).
    #[serde(default)]
    #[ts(optional)]
    pub trend: Option<String>,
}

/// Longest KPI label, in characters.
pub const MAX_LABEL: usize = 200;
/// Longest unit, in characters.
pub const MAX_UNIT: usize = 32;
/// Longest trend, in characters.
pub const MAX_TREND: usize = 32;
/// Most KPIs in one report.
pub const MAX_KPIS_PER_REPORT: usize = 500;

impl Validate for KpiSample {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("key", &self.key)?;
        validate::opt_text("label", self.label.as_deref(), 1, MAX_LABEL)?;
        validate::finite("value", self.value)?;
        validate::opt_text("unit", self.unit.as_deref(), 1, MAX_UNIT)?;
        validate::opt_text("trend", self.trend.as_deref(), 1, MAX_TREND)
    }
}

fn validate_samples(kpis: &[KpiSample]) -> Result<(), ValidationError> {
    validate::count("kpis", kpis.len(), 1, MAX_KPIS_PER_REPORT)?;
    let mut keys = HashSet::with_capacity(kpis.len());
    for k in kpis {
        k.validate()?;
        if !keys.insert(k.key.as_str()) {
            return Err(ValidationError::Invalid(format!(
                "KPI `{}` appears twice in one report",
                k.key
            )));
        }
    }
    Ok(())
}

/// `kpi:report` (`dispatcher`+). A report for an unknown module creates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiReport {
    /// The module, an id.
    pub module_key: String,
    /// 1..=500 values with distinct keys.
    pub kpis: Vec<KpiSample>,
}

impl Validate for KpiReport {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("moduleKey", &self.module_key)?;
        validate_samples(&self.kpis)
    }
}

/// Body of `POST /api/kpis/{moduleKey}`: `{kpis: [...]}` or the bare array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum KpiReportBody {
    /// `{kpis}`.
    Object {
        /// The values.
        kpis: Vec<KpiSample>,
    },
    /// The bare array.
    Bare(Vec<KpiSample>),
}

impl KpiReportBody {
    /// The report for `module_key` (taken from the path).
    pub fn into_report(self, module_key: impl Into<String>) -> KpiReport {
        let kpis = match self {
            Self::Object { kpis } | Self::Bare(kpis) => kpis,
        };
        KpiReport {
            module_key: module_key.into(),
            kpis,
        }
    }
}

/// Which side of a threshold is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdDirection {
    /// Values at or above the threshold are bad (e.g. error rate).
    Above,
    /// Values at or below the threshold are bad (e.g. fuel, revenue).
    Below,
}

/// `kpi:threshold` (`dispatcher`+): sets the thresholds of one KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiThreshold {
    /// The module, an id.
    pub module_key: String,
    /// The KPI, an id.
    pub key: String,
    /// Where `warning` starts.
    pub warning: f64,
    /// Where `critical` starts; not less severe than `warning`.
    pub critical: f64,
    /// Which side is bad.
    pub direction: ThresholdDirection,
}

impl Validate for KpiThreshold {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("moduleKey", &self.module_key)?;
        validate::id("key", &self.key)?;
        validate::finite("warning", self.warning)?;
        validate::finite("critical", self.critical)?;
        let ordered = match self.direction {
            ThresholdDirection::Above => self.warning <= self.critical,
            ThresholdDirection::Below => self.warning >= self.critical,
        };
        if ordered {
            Ok(())
        } else {
            Err(ValidationError::Invalid(
                "`critical` must be at least as severe as `warning` for the given `direction`"
                    .into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn module_ref_from_erp_client() {
        // seed 000: socket.emit('module:subscribe', { moduleKey })
        let m: ModuleRef = serde_json::from_value(json!({"moduleKey": "finance"})).unwrap();
        assert_eq!(m.id(), "finance");
        assert!(m.validate().is_ok());
        let bare: ModuleRef = serde_json::from_value(json!("hr")).unwrap();
        assert_eq!(bare.id(), "hr");
        let bad: ModuleRef = serde_json::from_value(json!({"moduleKey": "a b"})).unwrap();
        assert!(bad.validate().is_err());
        assert!(serde_json::from_value::<ModuleRef>(json!({"module": "hr"})).is_err());
        assert_eq!(module_room("finance"), "module:finance");
    }

    #[test]
    fn kpi_update_is_a_bare_array() {
        let kpi = Kpi {
            key: "revenue".into(),
            label: "Revenue".into(),
            value: 1234.5,
            unit: Some("EUR".into()),
            trend: Some("+5%".into()),
            status: KpiStatus::Ok,
            updated_at: "2026-02-19T10:00:00Z".parse().unwrap(),
        };
        let v = serde_json::to_value(KpiUpdate(vec![kpi.clone()])).unwrap();
        assert_eq!(
            v,
            json!([{"key": "revenue", "label": "Revenue", "value": 1234.5, "unit": "EUR",
                    "trend": "+5%", "status": "ok", "updatedAt": "2026-02-19T10:00:00Z"}])
        );
        let back: KpiUpdate = serde_json::from_value(v).unwrap();
        assert_eq!(back.0, vec![kpi]);
    }

    #[test]
    fn dashboard_uses_the_erp_field_names() {
        let d = DashboardUpdate {
            summary_cards: vec![SummaryCard {
                key: "finance".into(),
                label: "Finance".into(),
                value: 3.0,
                status: KpiStatus::Warning,
            }],
            top_kpis: vec![],
            timestamp: "2026-02-19T10:00:00Z".parse().unwrap(),
        };
        let v = serde_json::to_value(&d).unwrap();
        // seed 000 reads data.summaryCards and data.topKPIs
        assert!(v.get("summaryCards").is_some());
        assert!(v.get("topKPIs").is_some());
        assert_eq!(v["summaryCards"][0]["status"], "warning");
    }

    #[test]
    fn reports_validate() {
        let r: KpiReport = serde_json::from_value(json!({
            "moduleKey": "finance",
            "kpis": [{"key": "revenue", "label": "Revenue", "value": 10, "unit": "EUR"},
                     {"key": "margin", "value": 0.2}]
        }))
        .unwrap();
        assert!(r.validate().is_ok());

        let mut dup = r.clone();
        dup.kpis[1].key = "revenue".into();
        assert!(dup.validate().is_err());

        let mut empty = r.clone();
        empty.kpis.clear();
        assert!(empty.validate().is_err());

        let mut nan = r.clone();
        nan.kpis[0].value = f64::NAN;
        assert!(nan.validate().is_err());

        let mut bad_key = r;
        bad_key.module_key = "fin ance".into();
        assert!(bad_key.validate().is_err());

        assert!(
            serde_json::from_value::<KpiReport>(json!({"moduleKey": "x", "kpis": [], "extra": 1}))
                .is_err()
        );
    }

    #[test]
    fn http_body_accepts_object_or_array() {
        let a: KpiReportBody =
            serde_json::from_value(json!({"kpis": [{"key": "k", "value": 1}]})).unwrap();
        let b: KpiReportBody = serde_json::from_value(json!([{"key": "k", "value": 1}])).unwrap();
        assert_eq!(a.into_report("hr"), b.clone().into_report("hr"));
        assert_eq!(b.into_report("hr").module_key, "hr");
    }

    #[test]
    fn thresholds_must_be_ordered() {
        let t = |w: f64, c: f64, d: &str| {
            serde_json::from_value::<KpiThreshold>(json!({
                "moduleKey": "fleet", "key": "fuel", "warning": w, "critical": c, "direction": d
            }))
            .unwrap()
            .validate()
        };
        assert!(t(80.0, 95.0, "above").is_ok());
        assert!(t(95.0, 80.0, "above").is_err());
        assert!(t(20.0, 10.0, "below").is_ok());
        assert!(t(10.0, 20.0, "below").is_err());
        assert!(t(10.0, 10.0, "below").is_ok());
    }
}
