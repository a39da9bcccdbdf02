//! KPI logic without sockets or database (PROTOCOL.md §4): status against thresholds, trends,
//! applying a producer's sample, the dashboard's summary cards and top KPIs, and when to emit.
//!
//! Rules chosen here (PROTOCOL.md leaves them open):
//! - **Status**: with direction `above`, `value >= critical` is critical, else `value >=
//!   warning` is warning; with `below` the same with `<=`. No threshold: `ok`.
//! - **Trend** (when the producer sends none): the relative change against the previous value,
//!   rounded to one decimal, `"+5%"`, `"-2.1%"`, `"0%"`; none when the previous value is 0 (no
//!   meaningful ratio) or there is no previous value.
//! - **A KPI changes** when its value, label, unit or trend differ from the current ones. An
//!   identical report changes nothing: no new `updatedAt`, no emission.
//! - **Summary cards**: one per module, in module order; `value` is the number of the module's
//!   KPIs that need attention (status `warning` or `critical`), `status` the worst status.
//! - **Top KPIs**: the four KPIs across all modules ranked by status (critical, warning, ok),
//!   then by the size of their last relative change, then most recently updated, then module
//!   and key (so the choice is deterministic).

use std::cmp::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use opsdeck_protocol::kpi::{
    DashboardUpdate, FLEET_MODULE, Kpi, KpiSample, KpiStatus, KpiThreshold, SummaryCard,
    ThresholdDirection, fleet_keys,
};

/// How many KPIs `dashboard:update` carries in `topKPIs`.
pub const TOP_KPIS: usize = 4;

/// The thresholds of one KPI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Where `warning` starts (inclusive).
    pub warning: f64,
    /// Where `critical` starts (inclusive).
    pub critical: f64,
    /// Which side is bad.
    pub direction: ThresholdDirection,
}

impl From<&KpiThreshold> for Threshold {
    fn from(t: &KpiThreshold) -> Self {
        Self {
            warning: t.warning,
            critical: t.critical,
            direction: t.direction,
        }
    }
}

/// The status of `value` against `threshold` (`ok` without one).
pub fn status(value: f64, threshold: Option<&Threshold>) -> KpiStatus {
    let Some(t) = threshold else {
        return KpiStatus::Ok;
    };
    let past = |limit: f64| match t.direction {
        ThresholdDirection::Above => value >= limit,
        ThresholdDirection::Below => value <= limit,
    };
    if past(t.critical) {
        KpiStatus::Critical
    } else if past(t.warning) {
        KpiStatus::Warning
    } else {
        KpiStatus::Ok
    }
}

/// The relative change from `previous` to `current` (0.05 for +5%); `None` when `previous` is
/// 0, where no ratio exists.
pub fn relative_change(previous: f64, current: f64) -> Option<f64> {
    if previous == 0.0 || !previous.is_finite() || !current.is_finite() {
        return None;
    }
    Some((current - previous) / previous.abs())
}

/// The trend string for a change from `previous` to `current`: `"+5%"`, `"-2.1%"`, `"0%"`.
pub fn trend(previous: f64, current: f64) -> Option<String> {
    let pct = relative_change(previous, current)? * 100.0;
    let rounded = (pct * 10.0).round() / 10.0;
    if rounded == 0.0 {
        return Some("0%".to_owned());
    }
    let sign = if rounded > 0.0 { "+" } else { "-" };
    let abs = rounded.abs();
    Some(if abs.fract() == 0.0 && abs < 1e15 {
        format!("{sign}{abs:.0}%")
    } else {
        format!("{sign}{abs:.1}%")
    })
}

/// One KPI as the server keeps it: what subscribers see, plus the value before the last
/// change (for trends and the top-KPI ranking).
#[derive(Debug, Clone, PartialEq)]
pub struct KpiState {
    /// As sent to subscribers.
    pub kpi: Kpi,
    /// The value before the last change.
    pub previous: Option<f64>,
}

impl KpiState {
    /// The size of the last relative change, for ranking. A change away from 0 counts as
    /// 100%; no previous value counts as no change.
    pub fn change_magnitude(&self) -> f64 {
        let Some(previous) = self.previous else {
            return 0.0;
        };
        match relative_change(previous, self.kpi.value) {
            Some(r) => r.abs(),
            // From 0 (no ratio): any move counts as 100%.
            None if self.kpi.value != 0.0 && previous == 0.0 => 1.0,
            None => 0.0,
        }
    }
}

/// The result of [`apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The KPI after the sample.
    pub state: KpiState,
    /// Whether anything subscribers see changed.
    pub changed: bool,
    /// Whether the KPI entered `critical` (it was not critical before, or did not exist).
    pub entered_critical: bool,
}

/// Applies a producer's `sample` to the current state of its KPI (`None` for a new KPI).
///
/// Absent label and unit keep the current ones (a new KPI's label is its key); an absent trend
/// is computed from the previous value when the value changes, else kept.
pub fn apply(
    current: Option<&KpiState>,
    sample: &KpiSample,
    threshold: Option<&Threshold>,
    now: DateTime<Utc>,
) -> Applied {
    let label = sample
        .label
        .clone()
        .or_else(|| current.map(|c| c.kpi.label.clone()))
        .unwrap_or_else(|| sample.key.clone());
    let unit = sample
        .unit
        .clone()
        .or_else(|| current.and_then(|c| c.kpi.unit.clone()));
    let new_status = status(sample.value, threshold);
    let Some(cur) = current else {
        return Applied {
            state: KpiState {
                kpi: Kpi {
                    key: sample.key.clone(),
                    label,
                    value: sample.value,
                    unit,
                    trend: sample.trend.clone(),
                    status: new_status,
                    updated_at: now,
                },
                previous: None,
            },
            changed: true,
            entered_critical: new_status == KpiStatus::Critical,
        };
    };
    let value_changed = cur.kpi.value != sample.value;
    let trend = match &sample.trend {
        Some(t) => Some(t.clone()),
        None if value_changed => trend(cur.kpi.value, sample.value),
        None => cur.kpi.trend.clone(),
    };
    let changed = value_changed
        || label != cur.kpi.label
        || unit != cur.kpi.unit
        || trend != cur.kpi.trend
        || new_status != cur.kpi.status;
    if !changed {
        return Applied {
            state: cur.clone(),
            changed: false,
            entered_critical: false,
        };
    }
    Applied {
        state: KpiState {
            kpi: Kpi {
                key: sample.key.clone(),
                label,
                value: sample.value,
                unit,
                trend,
                status: new_status,
                updated_at: now,
            },
            previous: if value_changed {
                Some(cur.kpi.value)
            } else {
                cur.previous
            },
        },
        changed: true,
        entered_critical: new_status == KpiStatus::Critical
            && cur.kpi.status != KpiStatus::Critical,
    }
}

/// Re-evaluates a KPI's status after its threshold changed. Returns whether the status
/// changed and whether it entered `critical`.
pub fn restatus(state: &mut KpiState, threshold: Option<&Threshold>) -> (bool, bool) {
    let new = status(state.kpi.value, threshold);
    let old = std::mem::replace(&mut state.kpi.status, new);
    (
        new != old,
        new == KpiStatus::Critical && old != KpiStatus::Critical,
    )
}

/// A module's display label: fixed for the default modules, else the key with its first
/// letter capitalized.
pub fn module_label(key: &str) -> String {
    match key {
        "hr" => "HR".to_owned(),
        "elearning" => "E-learning".to_owned(),
        _ => {
            let mut chars = key.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// The KPIs module `fleet` starts with before the fleet subsystem reports anything: every
/// derived KPI at 0, in display order.
pub fn fleet_seed() -> Vec<KpiSample> {
    let sample = |key: &str, label: &str, unit: Option<&str>| KpiSample {
        key: key.to_owned(),
        label: Some(label.to_owned()),
        value: 0.0,
        unit: unit.map(str::to_owned),
        trend: None,
    };
    vec![
        sample(fleet_keys::VEHICLES_ACTIVE, "Vehicles active", None),
        sample(fleet_keys::TRIPS_IN_PROGRESS, "Trips in progress", None),
        sample(fleet_keys::AVERAGE_SPEED, "Average speed", Some("km/h")),
        sample(fleet_keys::ALERTS_LAST_HOUR, "Alerts (last hour)", None),
        sample(fleet_keys::USERS_ONLINE, "Users online", None),
    ]
}

/// Whether `module` is derived by the server (and so takes no producer reports).
pub fn is_derived(module: &str) -> bool {
    module == FLEET_MODULE
}

fn severity(s: KpiStatus) -> u8 {
    match s {
        KpiStatus::Ok => 0,
        KpiStatus::Warning => 1,
        KpiStatus::Critical => 2,
    }
}

/// The worst of `statuses` (`ok` for none).
pub fn worst(statuses: impl IntoIterator<Item = KpiStatus>) -> KpiStatus {
    statuses
        .into_iter()
        .max_by_key(|s| severity(*s))
        .unwrap_or(KpiStatus::Ok)
}

/// `dashboard:update` for `modules` (in display order): see the module docs for the rules.
pub fn dashboard<'a>(
    modules: impl IntoIterator<Item = (&'a str, &'a [KpiState])>,
    now: DateTime<Utc>,
) -> DashboardUpdate {
    let mut cards = Vec::new();
    let mut all: Vec<(&str, &KpiState)> = Vec::new();
    for (module, kpis) in modules {
        let attention = kpis
            .iter()
            .filter(|k| k.kpi.status != KpiStatus::Ok)
            .count();
        cards.push(SummaryCard {
            key: module.to_owned(),
            label: module_label(module),
            value: attention as f64,
            status: worst(kpis.iter().map(|k| k.kpi.status)),
        });
        all.extend(kpis.iter().map(|k| (module, k)));
    }
    all.sort_by(|(ma, a), (mb, b)| {
        severity(b.kpi.status)
            .cmp(&severity(a.kpi.status))
            .then_with(|| {
                b.change_magnitude()
                    .partial_cmp(&a.change_magnitude())
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| b.kpi.updated_at.cmp(&a.kpi.updated_at))
            .then_with(|| ma.cmp(mb))
            .then_with(|| a.kpi.key.cmp(&b.kpi.key))
    });
    DashboardUpdate {
        summary_cards: cards,
        top_kpis: all
            .into_iter()
            .take(TOP_KPIS)
            .map(|(_, k)| k.kpi.clone())
            .collect(),
        timestamp: now,
    }
}

/// When a coalesced, periodic stream (one module's `kpi:update`, or `dashboard:update`) sends
/// next: a change goes out once `min_gap` has passed since the last send, and something goes
/// out at least every `max_gap` regardless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Shortest time between two sends (the coalescing window).
    pub min_gap: Duration,
    /// Longest time between two sends (the periodic refresh).
    pub max_gap: Duration,
}

impl Pace {
    /// When the next send is due, given the last send and whether something changed since.
    pub fn next_due(&self, last: Instant, dirty: bool) -> Instant {
        let periodic = last + self.max_gap;
        if dirty {
            periodic.min(last + self.min_gap)
        } else {
            periodic
        }
    }

    /// Whether a send is due at `now`.
    pub fn due(&self, now: Instant, last: Instant, dirty: bool) -> bool {
        now >= self.next_due(last, dirty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn sample(key: &str, value: f64) -> KpiSample {
        KpiSample {
            key: key.into(),
            label: None,
            value,
            unit: None,
            trend: None,
        }
    }

    const ABOVE: Threshold = Threshold {
        warning: 80.0,
        critical: 95.0,
        direction: ThresholdDirection::Above,
    };
    const BELOW: Threshold = Threshold {
        warning: 20.0,
        critical: 10.0,
        direction: ThresholdDirection::Below,
    };

    #[test]
    fn status_against_thresholds() {
        assert_eq!(status(99.0, None), KpiStatus::Ok);
        assert_eq!(status(79.9, Some(&ABOVE)), KpiStatus::Ok);
        assert_eq!(status(80.0, Some(&ABOVE)), KpiStatus::Warning);
        assert_eq!(status(95.0, Some(&ABOVE)), KpiStatus::Critical);
        assert_eq!(status(1e9, Some(&ABOVE)), KpiStatus::Critical);
        assert_eq!(status(20.1, Some(&BELOW)), KpiStatus::Ok);
        assert_eq!(status(20.0, Some(&BELOW)), KpiStatus::Warning);
        assert_eq!(status(10.0, Some(&BELOW)), KpiStatus::Critical);
        assert_eq!(status(-5.0, Some(&BELOW)), KpiStatus::Critical);
        let same = Threshold {
            warning: 10.0,
            critical: 10.0,
            direction: ThresholdDirection::Below,
        };
        assert_eq!(status(10.0, Some(&same)), KpiStatus::Critical);
    }

    #[test]
    fn trends() {
        assert_eq!(trend(100.0, 105.0).as_deref(), Some("+5%"));
        assert_eq!(trend(100.0, 97.9).as_deref(), Some("-2.1%"));
        assert_eq!(trend(100.0, 100.04).as_deref(), Some("0%"));
        assert_eq!(trend(100.0, 99.96).as_deref(), Some("0%"));
        assert_eq!(trend(-50.0, -25.0).as_deref(), Some("+50%"));
        assert_eq!(trend(10.0, 0.0).as_deref(), Some("-100%"));
        assert_eq!(trend(3.0, 4.0).as_deref(), Some("+33.3%"));
        assert_eq!(trend(0.0, 4.0), None);
        assert_eq!(
            trend(1e-300, 1e300).as_deref().map(|s| s.len() < 40),
            Some(true)
        );
    }

    #[test]
    fn apply_new_and_changed() {
        let now = t("2026-02-19T10:00:00Z");
        let later = t("2026-02-19T10:00:01Z");
        let mut s = sample("revenue", 100.0);
        s.label = Some("Revenue".into());
        s.unit = Some("EUR".into());
        let a = apply(None, &s, None, now);
        assert!(a.changed);
        assert!(!a.entered_critical);
        assert_eq!(a.state.kpi.label, "Revenue");
        assert_eq!(a.state.kpi.trend, None);
        assert_eq!(a.state.previous, None);

        // same value: nothing changes
        let same = apply(Some(&a.state), &sample("revenue", 100.0), None, later);
        assert!(!same.changed);
        assert_eq!(same.state, a.state);

        // new value: label and unit kept, trend computed, updatedAt moves
        let b = apply(Some(&a.state), &sample("revenue", 110.0), None, later);
        assert!(b.changed);
        assert_eq!(b.state.kpi.label, "Revenue");
        assert_eq!(b.state.kpi.unit.as_deref(), Some("EUR"));
        assert_eq!(b.state.kpi.trend.as_deref(), Some("+10%"));
        assert_eq!(b.state.kpi.updated_at, later);
        assert_eq!(b.state.previous, Some(100.0));

        // the producer's trend wins
        let mut given = sample("revenue", 120.0);
        given.trend = Some("+12% YoY".into());
        let c = apply(Some(&b.state), &given, None, later);
        assert_eq!(c.state.kpi.trend.as_deref(), Some("+12% YoY"));

        // a new KPI without a label is labelled by its key
        let d = apply(None, &sample("margin", 0.2), None, now);
        assert_eq!(d.state.kpi.label, "margin");
    }

    #[test]
    fn entering_critical_is_a_transition() {
        let now = t("2026-02-19T10:00:00Z");
        let a = apply(None, &sample("err", 50.0), Some(&ABOVE), now);
        assert_eq!(a.state.kpi.status, KpiStatus::Ok);
        let b = apply(Some(&a.state), &sample("err", 96.0), Some(&ABOVE), now);
        assert_eq!(b.state.kpi.status, KpiStatus::Critical);
        assert!(b.entered_critical);
        let c = apply(Some(&b.state), &sample("err", 99.0), Some(&ABOVE), now);
        assert!(c.changed);
        assert!(!c.entered_critical, "still critical is no new transition");
        let d = apply(Some(&c.state), &sample("err", 85.0), Some(&ABOVE), now);
        assert_eq!(d.state.kpi.status, KpiStatus::Warning);
        let e = apply(Some(&d.state), &sample("err", 97.0), Some(&ABOVE), now);
        assert!(e.entered_critical, "re-entering counts again");
        let fresh = apply(None, &sample("new", 5.0), Some(&BELOW), now);
        assert!(
            fresh.entered_critical,
            "a new KPI born critical enters critical"
        );
    }

    #[test]
    fn restatus_after_threshold_change() {
        let now = t("2026-02-19T10:00:00Z");
        let mut s = apply(None, &sample("fuel", 15.0), None, now).state;
        assert_eq!(restatus(&mut s, None), (false, false));
        assert_eq!(restatus(&mut s, Some(&BELOW)), (true, false));
        assert_eq!(s.kpi.status, KpiStatus::Warning);
        let strict = Threshold {
            warning: 30.0,
            critical: 20.0,
            direction: ThresholdDirection::Below,
        };
        assert_eq!(restatus(&mut s, Some(&strict)), (true, true));
        assert_eq!(restatus(&mut s, Some(&strict)), (false, false));
    }

    fn state(key: &str, value: f64, previous: Option<f64>, status: KpiStatus) -> KpiState {
        KpiState {
            kpi: Kpi {
                key: key.into(),
                label: key.into(),
                value,
                unit: None,
                trend: None,
                status,
                updated_at: t("2026-02-19T10:00:00Z"),
            },
            previous,
        }
    }

    #[test]
    fn dashboard_cards_and_top_four() {
        let finance = vec![
            state("revenue", 100.0, Some(99.0), KpiStatus::Ok), // 1%
            state("costs", 50.0, Some(25.0), KpiStatus::Ok),    // 100%
            state("margin", 0.1, Some(0.2), KpiStatus::Warning),
        ];
        let hr = vec![
            state("attrition", 9.0, None, KpiStatus::Critical),
            state("headcount", 10.0, Some(9.0), KpiStatus::Ok), // 11%
        ];
        let empty: Vec<KpiState> = vec![];
        let now = t("2026-02-19T10:00:05Z");
        let d = dashboard(
            [
                ("finance", finance.as_slice()),
                ("hr", hr.as_slice()),
                ("rehab", empty.as_slice()),
            ],
            now,
        );
        assert_eq!(d.timestamp, now);
        let cards: Vec<_> = d
            .summary_cards
            .iter()
            .map(|c| (c.key.as_str(), c.label.as_str(), c.value, c.status))
            .collect();
        assert_eq!(
            cards,
            [
                ("finance", "Finance", 1.0, KpiStatus::Warning),
                ("hr", "HR", 1.0, KpiStatus::Critical),
                ("rehab", "Rehab", 0.0, KpiStatus::Ok),
            ]
        );
        let top: Vec<_> = d.top_kpis.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(top, ["attrition", "margin", "costs", "headcount"]);
        let few = dashboard([("hr", hr.as_slice())], now);
        assert_eq!(few.top_kpis.len(), 2);
    }

    #[test]
    fn change_magnitude_from_zero() {
        assert_eq!(
            state("a", 5.0, Some(0.0), KpiStatus::Ok).change_magnitude(),
            1.0
        );
        assert_eq!(
            state("a", 0.0, Some(0.0), KpiStatus::Ok).change_magnitude(),
            0.0
        );
        assert_eq!(state("a", 5.0, None, KpiStatus::Ok).change_magnitude(), 0.0);
        assert_eq!(
            state("a", 5.0, Some(10.0), KpiStatus::Ok).change_magnitude(),
            0.5
        );
    }

    #[test]
    fn labels_and_seed() {
        assert_eq!(module_label("finance"), "Finance");
        assert_eq!(module_label("elearning"), "E-learning");
        assert_eq!(module_label("x"), "X");
        let seed = fleet_seed();
        assert_eq!(seed.len(), 5);
        assert_eq!(seed[4].key, fleet_keys::USERS_ONLINE);
        assert!(is_derived("fleet") && !is_derived("finance"));
    }

    #[test]
    fn pacing_coalesces_and_refreshes() {
        let p = Pace {
            min_gap: Duration::from_millis(250),
            max_gap: Duration::from_secs(5),
        };
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        assert!(!p.due(ms(100), t0, true), "inside the coalescing window");
        assert!(p.due(ms(250), t0, true));
        assert!(
            !p.due(ms(4999), t0, false),
            "nothing changed: wait for the refresh"
        );
        assert!(p.due(ms(5000), t0, false));
        assert_eq!(p.next_due(t0, true), ms(250));
        assert_eq!(p.next_due(t0, false), ms(5000));
        let short = Pace {
            min_gap: Duration::from_millis(250),
            max_gap: Duration::from_millis(100),
        };
        assert_eq!(
            short.next_due(t0, true),
            ms(100),
            "refresh beats the window"
        );
    }
}
