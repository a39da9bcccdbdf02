//! KPIs of the six ERP modules of the reference dashboard (seed 000): `reports`, `finance`,
//! `hr`, `security`, `elearning`, `rehab`. Not `fleet`: the server derives that one.
//!
//! Each KPI follows a mean-reverting random walk around a baseline that itself wanders
//! slowly (so values have a trend), and now and then an "episode" pulls it into its warning or
//! critical range for a few minutes before it recovers. Thresholds are published with
//! [`thresholds`] so a server can be told (`kpi:threshold`) where warning and critical start.

use opsdeck_protocol::kpi::{KpiReport, KpiSample, KpiThreshold, ThresholdDirection};
use rand::Rng;

use ThresholdDirection::{Above, Below};

/// One KPI's definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiSpec {
    /// Key, unique in its module.
    pub key: &'static str,
    /// Label shown on the dashboard.
    pub label: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Normal value.
    pub base: f64,
    /// Lowest possible value.
    pub min: f64,
    /// Highest possible value.
    pub max: f64,
    /// Decimals shown.
    pub decimals: u8,
    /// Which side is bad.
    pub direction: ThresholdDirection,
    /// Where warning starts.
    pub warning: f64,
    /// Where critical starts.
    pub critical: f64,
}

/// A module and its KPIs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModuleSpec {
    /// Module key.
    pub key: &'static str,
    /// Its KPIs.
    pub kpis: &'static [KpiSpec],
}

#[allow(clippy::too_many_arguments)]
const fn k(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    base: f64,
    (min, max): (f64, f64),
    decimals: u8,
    direction: ThresholdDirection,
    (warning, critical): (f64, f64),
) -> KpiSpec {
    KpiSpec {
        key,
        label,
        unit,
        base,
        min,
        max,
        decimals,
        direction,
        warning,
        critical,
    }
}

const PCT: (f64, f64) = (0.0, 100.0);

/// The six ERP modules.
#[rustfmt::skip]
pub const MODULES: &[ModuleSpec] = &[
    ModuleSpec {
        key: "reports",
        kpis: &[
            k("scheduledSuccessRate", "Scheduled report success", "%", 98.5, PCT, 1, Below, (95.0, 90.0)),
            k("avgGenerationTime", "Average generation time", "s", 4.2, (0.5, 120.0), 1, Above, (10.0, 20.0)),
            k("exportQueue", "Export queue", "jobs", 12.0, (0.0, 500.0), 0, Above, (60.0, 120.0)),
            k("reportsGenerated", "Reports generated (24 h)", "reports", 1850.0, (0.0, 10_000.0), 0, Below, (800.0, 400.0)),
            k("dataFreshness", "Data freshness", "min", 3.0, (0.0, 240.0), 0, Above, (15.0, 45.0)),
        ],
    },
    ModuleSpec {
        key: "finance",
        kpis: &[
            k("revenueToday", "Revenue (today)", "SAR", 1_250_000.0, (0.0, 10_000_000.0), 0, Below, (700_000.0, 400_000.0)),
            k("operatingExpenses", "Operating expenses (today)", "SAR", 820_000.0, (0.0, 8_000_000.0), 0, Above, (1_200_000.0, 1_600_000.0)),
            k("grossMargin", "Gross margin", "%", 34.5, (-20.0, 80.0), 1, Below, (25.0, 18.0)),
            k("daysSalesOutstanding", "Days sales outstanding", "days", 42.0, (5.0, 180.0), 1, Above, (55.0, 70.0)),
            k("overdueInvoices", "Overdue invoices", "invoices", 37.0, (0.0, 1000.0), 0, Above, (60.0, 90.0)),
            k("cashBalance", "Cash balance", "SAR", 18_400_000.0, (0.0, 100_000_000.0), 0, Below, (10_000_000.0, 6_000_000.0)),
        ],
    },
    ModuleSpec {
        key: "hr",
        kpis: &[
            k("headcount", "Headcount", "employees", 1284.0, (0.0, 100_000.0), 0, Below, (1180.0, 1120.0)),
            k("attendanceRate", "Attendance today", "%", 94.2, PCT, 1, Below, (90.0, 85.0)),
            k("openPositions", "Open positions", "positions", 46.0, (0.0, 1000.0), 0, Above, (70.0, 90.0)),
            k("turnoverRate", "Turnover (annualised)", "%", 11.8, PCT, 1, Above, (15.0, 20.0)),
            k("pendingLeaveRequests", "Pending leave requests", "requests", 23.0, (0.0, 1000.0), 0, Above, (45.0, 70.0)),
            k("overtimeHours", "Overtime this week", "h", 1380.0, (0.0, 20_000.0), 0, Above, (2000.0, 2600.0)),
        ],
    },
    ModuleSpec {
        key: "security",
        kpis: &[
            k("failedLogins", "Failed logins (last hour)", "/h", 38.0, (0.0, 10_000.0), 0, Above, (120.0, 300.0)),
            k("activeSessions", "Active sessions", "sessions", 812.0, (0.0, 100_000.0), 0, Above, (2000.0, 3000.0)),
            k("openIncidents", "Open security incidents", "incidents", 3.0, (0.0, 500.0), 0, Above, (6.0, 10.0)),
            k("threatScore", "Threat score", "score", 22.0, PCT, 0, Above, (50.0, 75.0)),
            k("patchCompliance", "Patch compliance", "%", 96.1, PCT, 1, Below, (92.0, 85.0)),
            k("mfaCoverage", "MFA coverage", "%", 97.4, PCT, 1, Below, (95.0, 90.0)),
        ],
    },
    ModuleSpec {
        key: "elearning",
        kpis: &[
            k("activeLearners", "Active learners", "learners", 342.0, (0.0, 100_000.0), 0, Below, (150.0, 80.0)),
            k("completionRate", "Course completion rate", "%", 78.3, PCT, 1, Below, (70.0, 60.0)),
            k("avgQuizScore", "Average quiz score", "%", 82.6, PCT, 1, Below, (75.0, 65.0)),
            k("overdueTrainings", "Overdue mandatory trainings", "trainings", 58.0, (0.0, 5000.0), 0, Above, (90.0, 130.0)),
            k("certificatesIssued", "Certificates issued (30 d)", "certificates", 214.0, (0.0, 10_000.0), 0, Below, (150.0, 100.0)),
        ],
    },
    ModuleSpec {
        key: "rehab",
        kpis: &[
            k("bedOccupancy", "Bed occupancy", "%", 86.5, PCT, 1, Above, (92.0, 97.0)),
            k("patientsInTherapy", "Patients in therapy", "patients", 128.0, (0.0, 2000.0), 0, Above, (150.0, 165.0)),
            k("avgSessionDuration", "Average session duration", "min", 47.0, (5.0, 180.0), 0, Below, (40.0, 30.0)),
            k("admissionWaitlist", "Admission waitlist", "patients", 19.0, (0.0, 1000.0), 0, Above, (30.0, 45.0)),
            k("therapistUtilisation", "Therapist utilisation", "%", 81.2, PCT, 1, Above, (90.0, 95.0)),
            k("readmissionRate", "30-day readmission rate", "%", 6.4, PCT, 1, Above, (9.0, 12.0)),
        ],
    },
];

/// Updates kept to compute the trend (one minute at the 5 s cadence).
const TREND_WINDOW: usize = 12;
/// Chance per update that a KPI starts an episode (about one per KPI per four hours at 5 s).
const EPISODE_CHANCE: f64 = 5.0 / (4.0 * 3600.0);

/// Thresholds of every simulated KPI, for `kpi:threshold`.
pub fn thresholds() -> Vec<KpiThreshold> {
    MODULES
        .iter()
        .flat_map(|m| {
            m.kpis.iter().map(|s| KpiThreshold {
                module_key: m.key.to_owned(),
                key: s.key.to_owned(),
                warning: s.warning,
                critical: s.critical,
                direction: s.direction,
            })
        })
        .collect()
}

/// The status a value has against a spec's thresholds: 0 ok, 1 warning, 2 critical.
pub fn severity(spec: &KpiSpec, value: f64) -> u8 {
    let past = |t: f64| match spec.direction {
        Above => value >= t,
        Below => value <= t,
    };
    if past(spec.critical) {
        2
    } else if past(spec.warning) {
        1
    } else {
        0
    }
}

#[derive(Debug, Clone)]
struct KpiState {
    value: f64,
    baseline: f64,
    /// Target and remaining updates of the current episode.
    episode: Option<(f64, u32)>,
    history: [f64; TREND_WINDOW],
    cursor: usize,
}

/// The live values of every module.
#[derive(Debug, Clone)]
pub struct KpiBoard {
    states: Vec<KpiState>,
}

impl Default for KpiBoard {
    fn default() -> Self {
        Self::new()
    }
}

impl KpiBoard {
    /// Every KPI at its normal value.
    pub fn new() -> Self {
        let states = MODULES
            .iter()
            .flat_map(|m| m.kpis.iter())
            .map(|s| KpiState {
                value: s.base,
                baseline: s.base,
                episode: None,
                history: [s.base; TREND_WINDOW],
                cursor: 0,
            })
            .collect();
        Self { states }
    }

    /// Moves every value one step (5 s of time) and returns one report per module.
    pub fn update(&mut self, rng: &mut impl Rng) -> Vec<KpiReport> {
        let mut states = self.states.iter_mut();
        MODULES
            .iter()
            .map(|m| KpiReport {
                module_key: m.key.to_owned(),
                kpis: m
                    .kpis
                    .iter()
                    .zip(states.by_ref())
                    .map(|(spec, st)| st.step(spec, rng))
                    .collect(),
            })
            .collect()
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

impl KpiState {
    fn step(&mut self, spec: &KpiSpec, rng: &mut impl Rng) -> KpiSample {
        // Scale: how far the normal value is from critical.
        let scale = (spec.critical - spec.base).abs().max(1e-9);
        self.baseline += 0.02 * scale * normal(rng) + 0.01 * (spec.base - self.baseline);
        // Keep the baseline on the healthy side of warning.
        let gap = (spec.warning - spec.base).abs();
        self.baseline = match spec.direction {
            Above => self.baseline.min(spec.warning - 0.3 * gap),
            Below => self.baseline.max(spec.warning + 0.3 * gap),
        };
        if self.episode.is_none() && rng.random::<f64>() < EPISODE_CHANCE {
            let band = spec.critical - spec.warning; // signed, towards worse
            let target = if rng.random::<f64>() < 0.6 {
                spec.warning + band * rng.random_range(0.2..0.8)
            } else {
                spec.critical + band * rng.random_range(0.1..0.5)
            };
            self.episode = Some((target, rng.random_range(36..144)));
        }
        let (target, pull) = match &mut self.episode {
            Some((target, left)) => {
                *left -= 1;
                let t = *target;
                if *left == 0 {
                    self.episode = None;
                }
                (t, 0.12)
            }
            None => (self.baseline, 0.06),
        };
        let noise = 0.025 * scale * normal(rng);
        let raw = self.value + pull * (target - self.value) + noise;
        let factor = 10f64.powi(i32::from(spec.decimals));
        self.value = ((raw.clamp(spec.min, spec.max)) * factor).round() / factor;

        let old = self.history[self.cursor];
        self.history[self.cursor] = self.value;
        self.cursor = (self.cursor + 1) % TREND_WINDOW;
        let pct = if old.abs() < 1e-9 {
            0.0
        } else {
            (self.value - old) / old.abs() * 100.0
        };
        let trend = if pct.abs() < 0.05 {
            "0.0%".to_owned()
        } else {
            format!("{pct:+.1}%")
        };
        KpiSample {
            key: spec.key.to_owned(),
            label: Some(spec.label.to_owned()),
            value: self.value,
            unit: Some(spec.unit.to_owned()),
            trend: Some(trend),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Validate;
    use rand::SeedableRng;

    #[test]
    fn specs_are_consistent() {
        assert_eq!(MODULES.len(), 6);
        for m in MODULES {
            assert!((4..=6).contains(&m.kpis.len()), "{}", m.key);
            assert_ne!(m.key, opsdeck_protocol::kpi::FLEET_MODULE);
            assert!(opsdeck_protocol::kpi::DEFAULT_MODULES.contains(&m.key));
            for s in m.kpis {
                assert!(s.min <= s.base && s.base <= s.max, "{}", s.key);
                assert_eq!(severity(s, s.base), 0, "{} starts healthy", s.key);
                assert_eq!(severity(s, s.warning), 1, "{}", s.key);
                assert_eq!(severity(s, s.critical), 2, "{}", s.key);
                let crit_reachable = match s.direction {
                    Above => s.critical < s.max,
                    Below => s.critical > s.min,
                };
                assert!(crit_reachable, "{}", s.key);
            }
        }
        for t in thresholds() {
            assert!(t.validate().is_ok(), "{t:?}");
        }
    }

    #[test]
    fn a_day_of_values_stays_plausible_and_has_episodes() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut board = KpiBoard::new();
        let specs: Vec<&KpiSpec> = MODULES.iter().flat_map(|m| m.kpis.iter()).collect();
        let mut worst = vec![0u8; specs.len()];
        let mut time_unhealthy = 0usize;
        let updates = 24 * 3600 / 5;
        for _ in 0..updates {
            let reports = board.update(&mut rng);
            assert_eq!(reports.len(), 6);
            let samples = reports.iter().flat_map(|r| r.kpis.iter());
            for (i, (s, spec)) in samples.zip(&specs).enumerate() {
                assert!(s.value.is_finite());
                assert!(
                    s.value >= spec.min && s.value <= spec.max,
                    "{} {}",
                    s.key,
                    s.value
                );
                let sev = severity(spec, s.value);
                worst[i] = worst[i].max(sev);
                time_unhealthy += usize::from(sev > 0);
            }
            for r in &reports {
                assert!(r.validate().is_ok());
            }
        }
        let warned = worst.iter().filter(|&&w| w >= 1).count();
        let critical = worst.iter().filter(|&&w| w == 2).count();
        assert!(warned >= specs.len() / 2, "{warned} KPIs ever warned");
        assert!(critical >= 5, "{critical} KPIs ever critical");
        // Mostly healthy: under 15% of KPI-samples are past warning.
        let share = time_unhealthy as f64 / (updates * specs.len()) as f64;
        assert!(share < 0.15, "{share}");
    }

    #[test]
    fn trends_are_signed_percentages() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut board = KpiBoard::new();
        for _ in 0..30 {
            for r in board.update(&mut rng) {
                for s in r.kpis {
                    let t = s.trend.unwrap();
                    assert!(t.ends_with('%'));
                    assert!(
                        t == "0.0%" || t.starts_with('+') || t.starts_with('-'),
                        "{t}"
                    );
                }
            }
        }
    }
}
