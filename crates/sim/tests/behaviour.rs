//! The simulator's promises, checked on its public output: determinism, wire validity
//! (every payload through `opsdeck-protocol`'s own validation), geography, motion, fuel,
//! trips, geofence crossings and KPIs.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use opsdeck_protocol::Validate;
use opsdeck_protocol::fleet::{LocationReport, VehicleStatus};
use opsdeck_sim::geo::{bearing_deg, haversine_m, turn_angle_deg};
use opsdeck_sim::places::PlaceKind;
use opsdeck_sim::{Sim, SimConfig, SimError, SimEvent, geofences};

const SECOND: Duration = Duration::from_secs(1);

fn start() -> DateTime<Utc> {
    "2026-02-19T06:00:00Z".parse().unwrap()
}

fn run(sim: &mut Sim, steps: u32, dt: Duration) -> Vec<(DateTime<Utc>, SimEvent)> {
    let mut out = Vec::new();
    let t0 = start() + TimeDelta::from_std(sim.elapsed()).unwrap();
    for i in 1..=steps {
        let now = t0 + TimeDelta::from_std(dt * i).unwrap();
        out.extend(sim.step(now, dt).into_iter().map(|e| (now, e)));
    }
    out
}

#[test]
fn same_seed_same_events_other_seed_other_events() {
    let cfg = SimConfig {
        seed: 42,
        vehicles: 60,
        ..SimConfig::default()
    };
    let mut a = Sim::new(cfg.clone()).unwrap();
    let mut b = Sim::new(cfg.clone()).unwrap();
    let ea = run(&mut a, 900, SECOND);
    let eb = run(&mut b, 900, SECOND);
    assert!(ea.len() > 60 * 900);
    assert_eq!(ea, eb);
    assert_eq!(a.vehicles(), b.vehicles());
    assert_eq!(a.geofences(), b.geofences());

    let mut c = Sim::new(SimConfig { seed: 43, ..cfg }).unwrap();
    let ec = run(&mut c, 900, SECOND);
    assert_ne!(ea, ec);
    assert_ne!(a.vehicles(), c.vehicles());
}

#[test]
fn step_size_does_not_change_the_number_of_reports() {
    let cfg = SimConfig {
        vehicles: 20,
        kpis: false,
        ..SimConfig::default()
    };
    let mut fine = Sim::new(cfg.clone()).unwrap();
    let mut coarse = Sim::new(cfg).unwrap();
    let count = |e: &[(DateTime<Utc>, SimEvent)]| {
        e.iter()
            .filter(|(_, e)| matches!(e, SimEvent::Location(_)))
            .count()
    };
    let f = run(&mut fine, 600, Duration::from_millis(100));
    let c = run(&mut coarse, 6, Duration::from_secs(10));
    assert_eq!(count(&f), 20 * 60);
    assert_eq!(count(&c), 20 * 60);
    // Reports inside a long step are stamped when they were made, never after `now`.
    for (now, e) in &c {
        if let SimEvent::Location(r) = e {
            let ts = r.ts.unwrap();
            assert!(ts <= *now && *now - ts < TimeDelta::seconds(10));
        }
    }
}

#[test]
fn report_rate_is_configurable() {
    let mut sim = Sim::new(SimConfig {
        vehicles: 10,
        kpis: false,
        ..SimConfig::default()
    })
    .unwrap();
    assert_eq!(sim.report_interval(), SECOND);
    sim.set_report_hz(4.0).unwrap();
    assert_eq!(sim.report_interval(), Duration::from_millis(250));
    let events = run(&mut sim, 100, Duration::from_millis(100));
    let reports = events
        .iter()
        .filter(|(_, e)| matches!(e, SimEvent::Location(_)))
        .count();
    assert!((39 * 10..=41 * 10).contains(&reports), "{reports}");
    assert!(matches!(
        sim.set_report_interval(Duration::ZERO),
        Err(SimError::Config(_))
    ));
    assert!(sim.set_report_hz(f64::NAN).is_err());
}

#[test]
fn bad_configs_are_refused() {
    for cfg in [
        SimConfig {
            radius_km: 0.5,
            ..SimConfig::default()
        },
        SimConfig {
            radius_km: f64::NAN,
            ..SimConfig::default()
        },
        SimConfig {
            center: (89.9, 0.0),
            ..SimConfig::default()
        },
        SimConfig {
            center: (0.0, 179.99),
            ..SimConfig::default()
        },
    ] {
        assert!(matches!(Sim::new(cfg), Err(SimError::Config(_))));
    }
}

#[test]
fn registry_and_geofences_validate() {
    let sim = Sim::new(SimConfig {
        vehicles: 300,
        ..SimConfig::default()
    })
    .unwrap();
    let vehicles = sim.vehicles();
    assert_eq!(vehicles.len(), 300);
    assert_eq!(vehicles[0].id, "V-0001");
    assert_eq!(vehicles[0].driver_id.as_deref(), Some("drv-0001"));
    for v in &vehicles {
        assert!(v.validate().is_ok(), "{v:?}");
    }
    let fences = sim.geofences();
    assert!(fences.len() >= 6);
    assert!(fences.iter().any(|f| f.polygon.is_some()));
    for f in &fences {
        assert!(f.validate().is_ok(), "{f:?}");
    }
    assert_eq!(sim.kpi_thresholds().len(), 34);
    for t in sim.kpi_thresholds() {
        assert!(t.validate().is_ok());
    }
}

/// Per-vehicle memory of the previous report, for the checks across reports.
struct Last {
    report: LocationReport,
}

#[test]
#[allow(clippy::too_many_lines)]
fn two_hours_of_a_fleet() {
    let cfg = SimConfig {
        seed: 7,
        vehicles: 160,
        ..SimConfig::default()
    };
    let radius_m = cfg.radius_km * 1000.0;
    let center = cfg.center;
    let mut sim = Sim::new(cfg).unwrap();
    let fences = sim.geofences();
    let proj = *sim.projection();
    let stations: Vec<(f64, f64)> = sim
        .places()
        .of_kind(PlaceKind::Station)
        .map(|(_, p)| sim.roads().position(p.node))
        .collect();

    let mut last: HashMap<String, Last> = HashMap::new();
    let mut inside: HashMap<(String, usize), bool> = HashMap::new();
    let mut crossings = vec![0usize; fences.len()];
    let mut open_trip: HashSet<String> = HashSet::new();
    let (mut starts, mut completes, mut refuels) = (0, 0, 0);
    let mut low_fuel_first_hour = HashSet::new();
    let mut statuses = HashSet::new();
    let (mut moving, mut city_speed, mut fast, mut max_speed) = (0usize, 0usize, 0usize, 0f64);
    let (mut heading_checked, mut heading_off) = (0usize, 0usize);
    let mut kpi_reports = 0;
    let mut reports = 0usize;
    let events = run(&mut sim, 2 * 3600, SECOND);
    for (now, e) in &events {
        let first_hour = *now <= start() + TimeDelta::hours(1);
        match e {
            SimEvent::Location(r) => {
                reports += 1;
                r.validate_at(*now).unwrap();
                let ts = r.ts.expect("reports carry ts");
                assert!(ts <= *now);
                // Within the area, on a road (GPS noise is at most 2.5 m per axis).
                assert!(haversine_m(center, (r.lat, r.lng)) <= radius_m + 10.0);
                let (x, y) = proj.to_xy(r.lat, r.lng);
                if reports.is_multiple_of(97) {
                    let d = sim.roads().distance_to_road(x, y);
                    assert!(d < 4.0, "{} is {d:.1} m off the road", r.vehicle_id);
                }
                let speed = r.speed.unwrap();
                max_speed = max_speed.max(speed);
                if speed > 1.0 {
                    moving += 1;
                    city_speed += usize::from((20.0..=70.0).contains(&speed));
                    fast += usize::from(speed > 70.0);
                }
                for (i, f) in fences.iter().enumerate() {
                    let now_in = geofences::contains(f, r.lat, r.lng);
                    if let Some(was) = inside.insert((r.vehicle_id.clone(), i), now_in)
                        && was != now_in
                    {
                        crossings[i] += 1;
                    }
                }
                if let Some(prev) = last.get(&r.vehicle_id) {
                    let p = &prev.report;
                    let (f0, f1) = (p.fuel_level.unwrap(), r.fuel_level.unwrap());
                    if f1 > f0 {
                        // Fuel only ever goes up standing at a station.
                        assert_eq!(speed, 0.0, "{} refuels while moving", r.vehicle_id);
                        let near = stations.iter().any(|s| (s.0 - x).hypot(s.1 - y) < 10.0);
                        assert!(near, "{} refuels away from a station", r.vehicle_id);
                        refuels += 1;
                    }
                    if f0 >= 15.0 && f1 < 15.0 && first_hour {
                        low_fuel_first_hour.insert(r.vehicle_id.clone());
                    }
                    // Heading follows the direction of travel.
                    let (px, py) = proj.to_xy(p.lat, p.lng);
                    let step = (x - px).hypot(y - py);
                    if speed > 20.0 && p.speed.unwrap() > 20.0 && step > 15.0 {
                        heading_checked += 1;
                        let b = bearing_deg(x - px, y - py);
                        if turn_angle_deg(b, r.heading.unwrap()) > 25.0 {
                            heading_off += 1;
                        }
                    }
                }
                last.insert(r.vehicle_id.clone(), Last { report: r.clone() });
            }
            SimEvent::Status(s) => {
                s.validate().unwrap();
                statuses.insert(s.status.unwrap());
            }
            SimEvent::Emergency(e) => e.validate().unwrap(),
            SimEvent::TripStart(t) => {
                t.validate().unwrap();
                assert!(t.origin.name.is_some() && t.destination.name.is_some());
                assert!(
                    haversine_m(
                        (t.origin.lat, t.origin.lng),
                        (t.destination.lat, t.destination.lng)
                    ) > 500.0
                );
                assert!(open_trip.insert(t.vehicle_id.clone()), "two open trips");
                starts += 1;
            }
            SimEvent::TripComplete { vehicle_id } => {
                assert!(open_trip.remove(vehicle_id), "complete without start");
                completes += 1;
            }
            SimEvent::TripCancel { vehicle_id, reason } => {
                assert!(!reason.is_empty());
                assert!(open_trip.remove(vehicle_id), "cancel without start");
            }
            SimEvent::Kpi(k) => {
                k.validate().unwrap();
                assert_ne!(k.module_key, "fleet");
                kpi_reports += 1;
            }
        }
    }
    assert_eq!(reports, 160 * 7200);
    // Every 5 s from the first step on.
    assert_eq!(kpi_reports, 6 * (7200 / 5 + 1));
    assert!(
        starts > 320 && completes > 280,
        "{starts} starts, {completes} completes"
    );
    assert!(refuels > 0, "nobody refuelled");
    assert!(
        low_fuel_first_hour.len() >= 3,
        "low-fuel crossings in the first hour: {low_fuel_first_hour:?}"
    );
    assert!(statuses.contains(&VehicleStatus::Active));
    assert!(statuses.contains(&VehicleStatus::Idle));
    assert!(max_speed <= 101.0, "{max_speed}");
    assert!(fast > 0, "nobody used an arterial");
    assert!(
        city_speed as f64 / moving as f64 > 0.4,
        "{city_speed} of {moving} moving reports at 20-70 km/h"
    );
    assert!(
        (heading_off as f64) < 0.1 * heading_checked as f64,
        "{heading_off} of {heading_checked} headings off"
    );
    for (f, n) in fences.iter().zip(&crossings) {
        assert!(*n > 0, "nobody crossed {}", f.name);
    }
}

#[test]
fn fuel_drains_while_driving() {
    let mut sim = Sim::new(SimConfig {
        seed: 3,
        vehicles: 50,
        kpis: false,
        ..SimConfig::default()
    })
    .unwrap();
    let before: HashMap<String, f64> = sim
        .snapshot()
        .into_iter()
        .map(|s| (s.id, s.fuel_level))
        .collect();
    let mut distance: HashMap<String, f64> = HashMap::new();
    let mut prev: HashMap<String, (f64, f64)> = HashMap::new();
    for (_, e) in run(&mut sim, 1800, SECOND) {
        if let SimEvent::Location(r) = e {
            let here = (r.lat, r.lng);
            if let Some(p) = prev.insert(r.vehicle_id.clone(), here)
                && r.speed.unwrap() > 0.0
            {
                *distance.entry(r.vehicle_id).or_default() += haversine_m(p, here);
            }
        }
    }
    let mut drove = 0;
    for s in sim.snapshot() {
        let km = distance.get(&s.id).copied().unwrap_or(0.0) / 1000.0;
        if km > 5.0 && s.fuel_level < before[&s.id] {
            drove += 1;
            // 8-15 L/100 km on 60-80 L tanks: 0.1-0.25 % per km, plus idling.
            let per_km = (before[&s.id] - s.fuel_level) / km;
            assert!((0.08..0.35).contains(&per_km), "{}: {per_km} %/km", s.id);
        }
    }
    assert!(drove > 20, "{drove} vehicles drove and burnt fuel");
}
