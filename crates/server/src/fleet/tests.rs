//! Unit tests of the fleet rules, with explicit time.

use std::time::Duration;

use chrono::{DateTime, Utc};
use opsdeck_protocol::fleet::{
    Circle, EmergencyRaise, Geofence, GeofenceEvent, Place, TripStart, TripStatus, VehicleStatus,
    VehicleUpsert,
};

use super::rules::{self, report};
use super::{Effect, FleetConfig, FleetState};

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000 + secs, 0).unwrap()
}

fn state_with(ids: &[&str]) -> FleetState {
    let mut s = FleetState::default();
    for id in ids {
        rules::register(
            &mut s,
            &VehicleUpsert {
                id: (*id).into(),
                plate_number: format!("P-{id}"),
                name: None,
                driver_id: Some("drv-1".into()),
            },
            t(0),
        );
    }
    s
}

fn kinds(effects: &[Effect]) -> Vec<&'static str> {
    effects
        .iter()
        .map(|e| match e {
            Effect::VehicleUpdated(_) => "vehicle",
            Effect::Location { .. } => "location",
            Effect::LowFuel(_) => "low-fuel",
            Effect::Geofence { .. } => "geofence",
            Effect::Emergency { .. } => "emergency",
            Effect::TripStarted(_) => "trip-started",
            Effect::TripUpdated(_) => "trip-updated",
            Effect::TripCompleted(_) => "trip-completed",
            Effect::TripCancelled { .. } => "trip-cancelled",
        })
        .collect()
}

#[test]
fn reports_drive_status_and_the_offline_rule() {
    let cfg = FleetConfig::default();
    let mut s = state_with(&["v1"]);
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Offline);
    let e = rules::location(&mut s, &cfg, &report("v1", 24.7, 46.6, 50.0, None), t(1)).unwrap();
    assert_eq!(kinds(&e), ["location", "vehicle"]);
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Active);
    let e = rules::location(&mut s, &cfg, &report("v1", 24.7, 46.6, 0.0, None), t(2)).unwrap();
    assert_eq!(kinds(&e), ["location", "vehicle"]);
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Idle);
    // Same status: no vehicle:updated.
    let e = rules::location(&mut s, &cfg, &report("v1", 24.7, 46.6, 0.0, None), t(3)).unwrap();
    assert_eq!(kinds(&e), ["location"]);

    let inactivity = Duration::from_secs(300);
    assert!(
        rules::sweep(&mut s, t(300), inactivity).is_empty(),
        "not yet"
    );
    let e = rules::sweep(&mut s, t(304), inactivity);
    assert_eq!(kinds(&e), ["vehicle"]);
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Offline);
    assert!(
        rules::sweep(&mut s, t(400), inactivity).is_empty(),
        "once per transition"
    );
    assert_eq!(rules::derived(&s, t(400), inactivity).vehicles_active, 0);
}

#[test]
fn unknown_vehicles_are_not_found() {
    let mut s = state_with(&[]);
    let err = rules::location(
        &mut s,
        &FleetConfig::default(),
        &report("ghost", 0.0, 0.0, 1.0, None),
        t(0),
    )
    .unwrap_err();
    assert_eq!(err.code, opsdeck_protocol::ErrorCode::NotFound);
}

#[test]
fn low_fuel_fires_once_per_crossing() {
    let cfg = FleetConfig::default();
    let mut s = state_with(&["v1"]);
    let fuel = [30.0, 14.0, 12.0, 18.0, 13.0, 25.0, 10.0];
    let fired: Vec<bool> = fuel
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let e = rules::location(
                &mut s,
                &cfg,
                &report("v1", 0.0, 0.0, 10.0, Some(*f)),
                t(i as i64),
            )
            .unwrap();
            kinds(&e).contains(&"low-fuel")
        })
        .collect();
    assert_eq!(fired, [false, true, false, false, false, false, true]);
}

#[test]
fn geofences_fire_on_transitions_only() {
    let cfg = FleetConfig::default();
    let mut s = state_with(&["v1"]);
    rules::add_geofence(
        &mut s,
        Geofence {
            id: "g1".into(),
            name: "Depot".into(),
            circle: Some(Circle {
                lat: 24.7,
                lng: 46.7,
                radius_m: 500.0,
            }),
            polygon: None,
        },
    );
    let track = [
        (24.71, 46.7),
        (24.7, 46.7),
        (24.7001, 46.7),
        (24.71, 46.7),
        (24.72, 46.7),
        (24.7, 46.7),
    ];
    let mut events = Vec::new();
    for (i, (lat, lng)) in track.iter().enumerate() {
        for e in rules::location(
            &mut s,
            &cfg,
            &report("v1", *lat, *lng, 20.0, None),
            t(i as i64),
        )
        .unwrap()
        {
            if let Effect::Geofence { alert, name } = e {
                assert_eq!(name, "Depot");
                events.push(alert.event);
            }
        }
    }
    assert_eq!(
        events,
        [
            GeofenceEvent::Enter,
            GeofenceEvent::Exit,
            GeofenceEvent::Enter
        ]
    );

    // A geofence drawn around a vehicle marks it inside silently; leaving is a crossing.
    rules::add_geofence(
        &mut s,
        Geofence {
            id: "g2".into(),
            name: "Yard".into(),
            circle: Some(Circle {
                lat: 24.7,
                lng: 46.7,
                radius_m: 300.0,
            }),
            polygon: None,
        },
    );
    let e = rules::location(&mut s, &cfg, &report("v1", 24.7, 46.7, 20.0, None), t(10)).unwrap();
    assert!(!kinds(&e).contains(&"geofence"), "still inside both");
    let e = rules::location(&mut s, &cfg, &report("v1", 24.8, 46.7, 20.0, None), t(11)).unwrap();
    assert_eq!(
        kinds(&e).iter().filter(|k| **k == "geofence").count(),
        2,
        "left both"
    );
    // A vehicle first seen inside is not an entry.
    let mut fresh = state_with(&["v2"]);
    rules::add_geofence(&mut fresh, s.geofences[0].0.clone());
    let e = rules::location(&mut fresh, &cfg, &report("v2", 24.7, 46.7, 0.0, None), t(0)).unwrap();
    assert!(!kinds(&e).contains(&"geofence"));
    assert!(rules::remove_geofence(&mut s, "g1"));
    assert!(!rules::remove_geofence(&mut s, "g1"));
}

#[test]
fn trips_progress_with_falling_eta_and_close_once() {
    let cfg = FleetConfig::default();
    let mut s = state_with(&["v1"]);
    let req = TripStart {
        vehicle_id: "v1".into(),
        origin: Place {
            lat: 24.70,
            lng: 46.70,
            name: Some("Depot".into()),
        },
        destination: Place {
            lat: 24.80,
            lng: 46.70,
            name: Some("Client".into()),
        },
        driver_id: None,
    };
    let (trip, e) = rules::start_trip(&mut s, "trp_1".into(), &req, t(0)).unwrap();
    assert_eq!(kinds(&e), ["trip-started", "vehicle"]);
    assert_eq!(trip.status, TripStatus::Started);
    assert_eq!(
        trip.driver_id.as_deref(),
        Some("drv-1"),
        "the vehicle's driver by default"
    );
    assert_eq!(s.vehicles["v1"].vehicle.trip_id.as_deref(), Some("trp_1"));
    let again = rules::start_trip(&mut s, "trp_2".into(), &req, t(0)).unwrap_err();
    assert_eq!(again.code, opsdeck_protocol::ErrorCode::BadRequest);

    // Drive north at 60 km/h (1 km/min ≈ 0.009°/min), reporting every 10 s.
    let mut etas = Vec::new();
    let mut updates = 0;
    let mut last_status = TripStatus::Started;
    let mut last_update = None;
    for i in 1..=60 {
        let lat = 24.70 + 0.0015 * f64::from(i);
        let e = rules::location(
            &mut s,
            &cfg,
            &report("v1", lat, 46.70, 60.0, None),
            t(i64::from(i) * 10),
        )
        .unwrap();
        for eff in e {
            if let Effect::TripUpdated(tr) = eff {
                updates += 1;
                last_status = tr.status;
                last_update = Some(Effect::TripUpdated(tr.clone()));
                etas.push((
                    tr.progress,
                    tr.eta
                        .unwrap()
                        .signed_duration_since(t(i64::from(i) * 10))
                        .num_seconds(),
                ));
            }
        }
    }
    assert_eq!(last_status, TripStatus::Ongoing);
    assert!((10..=60).contains(&updates), "{updates}");
    for w in etas.windows(2) {
        assert!(w[1].0 >= w[0].0, "progress never goes back: {w:?}");
        assert!(w[1].1 <= w[0].1, "time to arrival shrinks: {w:?}");
    }
    // 60 reports × 0.0015° ≈ 10 km of 11.1 km: about 90 % done, about a minute left.
    let (progress, left) = *etas.last().unwrap();
    assert!((0.85..0.95).contains(&progress), "{progress}");
    assert!((30..120).contains(&left), "{left}");

    let stale = last_update.unwrap();
    assert!(rules::still_current(&s, &stale));
    let (closed, e) = rules::close_trip(&mut s, "trp_1", None, t(700)).unwrap();
    assert!(
        !rules::still_current(&s, &stale),
        "progress computed before the close is not emitted after it"
    );
    assert_eq!(closed.status, TripStatus::Completed);
    assert_eq!(closed.progress, 1.0);
    assert_eq!(kinds(&e), ["trip-completed", "vehicle"]);
    assert_eq!(s.vehicles["v1"].vehicle.trip_id, None);
    assert!(rules::close_trip(&mut s, "trp_1", None, t(701)).is_err());
}

#[test]
fn emergencies_set_status_and_priority() {
    let mut s = state_with(&["v1"]);
    let raise = |kind: &str| EmergencyRaise {
        vehicle_id: "v1".into(),
        kind: kind.into(),
        message: "help".into(),
    };
    let e = rules::emergency(&mut s, &raise("SOS"), t(0)).unwrap();
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Emergency);
    assert!(
        matches!(&e[1], Effect::Emergency { priority, .. } if *priority == opsdeck_protocol::fleet::AlertPriority::Critical)
    );
    let e = rules::emergency(&mut s, &raise("flat tyre"), t(1)).unwrap();
    assert!(
        matches!(&e[1], Effect::Emergency { priority, .. } if *priority == opsdeck_protocol::fleet::AlertPriority::High)
    );
    // Location reports do not clear an emergency; a status report does.
    rules::location(
        &mut s,
        &FleetConfig::default(),
        &report("v1", 0.0, 0.0, 30.0, None),
        t(2),
    )
    .unwrap();
    assert_eq!(s.vehicles["v1"].vehicle.status, VehicleStatus::Emergency);
}
