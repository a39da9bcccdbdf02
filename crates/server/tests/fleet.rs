//! PROTOCOL.md §5 with real clients against the real server.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_protocol::Role;
use serde_json::{Value, json};

fn loc(id: &str, lat: f64, lng: f64, speed: f64) -> Value {
    json!({"vehicleId": id, "lat": lat, "lng": lng, "speed": speed, "heading": 90})
}

async fn upsert(c: &TestClient, id: &str) {
    let r = c
        .ack(
            "vehicle:upsert",
            json!({"id": id, "plateNumber": format!("RUH {id}"), "name": id}),
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
}

async fn ok(c: &TestClient, event: &str, payload: Value) -> Value {
    let r = c.ack(event, payload).await;
    assert_eq!(r["success"], true, "{event}: {r}");
    r
}

async fn code(c: &TestClient, event: &str, payload: Value) -> String {
    let r = c.ack(event, payload).await;
    assert_eq!(r["success"], false, "{event} should fail: {r}");
    r["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_reach_subscribers_and_are_checked() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    upsert(&disp, "V-1").await;
    let mut viewer = connect(&url, &token("vic", Role::Viewer)).await;
    ok(&viewer, "subscribe:vehicle", json!("V-1")).await;
    let first = viewer.next("vehicle:updated").await;
    assert_eq!(first["vehicleId"], "V-1");
    assert_eq!(first["data"]["plateNumber"], "RUH V-1");
    assert_eq!(first["data"]["status"], "offline", "never reported");

    let dev = connect(&url, &device_token("truck-1", "V-1")).await;
    ok(&dev, "location:report", loc("V-1", 24.7, 46.7, 42.0)).await;
    let l = viewer.next("vehicle:location").await;
    assert_eq!(l["vehicleId"], "V-1");
    assert_eq!(l["location"]["speed"], 42.0);
    assert_eq!(
        viewer.next("vehicle:updated").await["data"]["status"],
        "active"
    );

    // Failure paths.
    assert_eq!(
        code(&dev, "location:report", loc("V-2", 24.7, 46.7, 1.0)).await,
        "forbidden"
    );
    assert_eq!(
        code(&dev, "subscribe:tracking", json!(null)).await,
        "forbidden"
    );
    assert_eq!(
        code(&dev, "subscribe:vehicle", json!("V-9")).await,
        "forbidden"
    );
    assert_eq!(
        code(&dev, "location:report", loc("V-1", 91.0, 46.7, 1.0)).await,
        "bad_request"
    );
    assert_eq!(
        code(&dev, "location:report", loc("V-1", 24.7, 181.0, 1.0)).await,
        "bad_request"
    );
    assert_eq!(
        code(&dev, "location:report", loc("V-1", 24.7, 46.7, 401.0)).await,
        "bad_request"
    );
    let future = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    let mut r = loc("V-1", 24.7, 46.7, 1.0);
    r["ts"] = json!(future);
    assert_eq!(code(&dev, "location:report", r).await, "bad_request");
    let mut r = loc("V-1", 24.7, 46.7, 1.0);
    r["fuelLevel"] = json!(101);
    assert_eq!(code(&dev, "location:report", r).await, "bad_request");
    assert_eq!(
        code(&disp, "location:report", loc("V-404", 24.7, 46.7, 1.0)).await,
        "not_found"
    );
    assert_eq!(
        code(&viewer, "location:report", loc("V-1", 24.7, 46.7, 1.0)).await,
        "forbidden"
    );
    assert_eq!(
        code(&viewer, "subscribe:vehicle", json!("V-404")).await,
        "not_found"
    );
    assert_eq!(
        code(
            &viewer,
            "vehicle:upsert",
            json!({"id": "V-3", "plateNumber": "x"})
        )
        .await,
        "forbidden"
    );
    assert_eq!(
        code(
            &disp,
            "vehicle:upsert",
            json!({"id": "bad id", "plateNumber": "x"})
        )
        .await,
        "bad_request"
    );

    // A device's first report registers its vehicle.
    let dev2 = connect(&url, &device_token("truck-2", "V-2")).await;
    ok(&dev2, "location:report", loc("V-2", 24.71, 46.71, 10.0)).await;
    let active = ok(&viewer, "request:active-vehicles", json!(null)).await;
    let ids: Vec<_> = active["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].clone())
        .collect();
    assert_eq!(ids, [json!("V-1"), json!("V-2")]);
    assert_eq!(
        viewer
            .next("active-vehicles")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_batches_hold_the_latest_position_per_vehicle() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    for v in ["V-1", "V-2", "V-3"] {
        upsert(&disp, v).await;
    }
    let mut live = connect(&url, &token("live", Role::Viewer)).await;
    let mut batched = connect(&url, &token("batch", Role::Viewer)).await;
    ok(&live, "subscribe:tracking", json!(null)).await;
    ok(&batched, "subscribe:tracking", json!({"batchMs": 300})).await;
    assert_eq!(
        code(&batched, "subscribe:tracking", json!({"batchMs": 10})).await,
        "bad_request"
    );

    for round in 0..5 {
        for v in ["V-1", "V-2", "V-3"] {
            ok(
                &disp,
                "location:report",
                loc(v, 24.7 + f64::from(round) * 0.001, 46.7, 30.0),
            )
            .await;
        }
    }
    for _ in 0..15 {
        live.next("tracking:update").await;
    }
    let mut latest = std::collections::HashMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while latest.len() < 3
        || latest
            .values()
            .any(|lat: &f64| (*lat - 24.704).abs() > 1e-9)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "batches: {latest:?}"
        );
        let b = batched.next("tracking:batch").await;
        let updates = b["updates"].as_array().unwrap();
        assert!(!updates.is_empty(), "no empty batches");
        let mut seen = std::collections::HashSet::new();
        for u in updates {
            let id = u["vehicleId"].as_str().unwrap().to_owned();
            assert!(
                seen.insert(id.clone()),
                "one entry per vehicle per batch: {b}"
            );
            latest.insert(id, u["location"]["lat"].as_f64().unwrap());
        }
        assert!(b["timestamp"].is_string());
    }
    batched
        .none("tracking:update", Duration::from_millis(10))
        .await;
    // Nothing new: no (empty) batch.
    batched
        .none("tracking:batch", Duration::from_millis(700))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_vehicles_go_offline_and_low_fuel_fires_once() {
    let srv = TestServer::start(|c| {
        c.fleet.inactivity = Duration::from_millis(800);
        c.fleet.sweep_interval = Duration::from_millis(100);
    })
    .await;
    let url = srv.url();
    let mut disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    upsert(&disp, "V-1").await;
    ok(&disp, "subscribe:vehicle", json!("V-1")).await;
    disp.next("vehicle:updated").await;
    let mut r = loc("V-1", 24.7, 46.7, 30.0);
    for fuel in [40.0, 14.0, 13.0, 19.0, 12.0, 21.0, 9.0] {
        r["fuelLevel"] = json!(fuel);
        ok(&disp, "location:report", r.clone()).await;
    }
    assert_eq!(
        disp.next("vehicle:updated").await["data"]["status"],
        "active"
    );
    assert_eq!(
        disp.next("vehicle:low-fuel").await,
        json!({"vehicleId": "V-1", "fuelLevel": 14.0})
    );
    assert_eq!(
        disp.next("vehicle:low-fuel").await,
        json!({"vehicleId": "V-1", "fuelLevel": 9.0})
    );
    let off = disp.next("vehicle:updated").await;
    assert_eq!(off["data"]["status"], "offline");
    assert_eq!(off["data"]["fuelLevel"], 9.0);
    let active = ok(&disp, "request:active-vehicles", json!(null)).await;
    assert_eq!(active["vehicles"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geofences_alert_on_enter_and_exit() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    upsert(&disp, "V-1").await;
    let viewer = connect(&url, &token("vic", Role::Viewer)).await;
    let circle = json!({"name": "Depot", "circle": {"lat": 24.70, "lng": 46.70, "radiusM": 500}});
    assert_eq!(
        code(&viewer, "geofence:create", circle.clone()).await,
        "forbidden"
    );
    let g = ok(&disp, "geofence:create", circle).await["geofenceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let poly = json!({"name": "District", "polygon": [[24.75, 46.75], [24.75, 46.80], [24.80, 46.80], [24.80, 46.75]]});
    let p = ok(&disp, "geofence:create", poly).await["geofenceId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        code(&disp, "geofence:create", json!({"name": "x"})).await,
        "bad_request"
    );
    let list = ok(&viewer, "geofence:list", json!(null)).await;
    assert_eq!(list["geofences"].as_array().unwrap().len(), 2);

    for (lat, lng) in [
        (24.72, 46.70),
        (24.70, 46.70),
        (24.701, 46.70),
        (24.72, 46.70),
        (24.77, 46.77),
        (24.90, 46.90),
    ] {
        ok(&disp, "location:report", loc("V-1", lat, lng, 20.0)).await;
    }
    let seq: Vec<(String, String)> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            let a = disp.next("geofence:alert").await;
            assert_eq!(a["vehicleId"], "V-1");
            v.push((
                a["geofenceId"].as_str().unwrap().to_owned(),
                a["event"].as_str().unwrap().to_owned(),
            ));
        }
        v
    };
    assert_eq!(
        seq,
        [
            (g.clone(), "enter".into()),
            (g.clone(), "exit".into()),
            (p.clone(), "enter".into()),
            (p.clone(), "exit".into())
        ]
    );
    disp.none("geofence:alert", Duration::from_millis(300))
        .await;
    ok(&disp, "geofence:delete", json!({"geofenceId": g})).await;
    assert_eq!(code(&disp, "geofence:delete", json!(g)).await, "not_found");
    assert_eq!(
        ok(&viewer, "geofence:list", json!(null)).await["geofences"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trip_runs_from_start_to_completion_with_a_falling_eta() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    upsert(&disp, "V-1").await;
    let mut watcher = connect(&url, &token("vic", Role::Viewer)).await;
    ok(&watcher, "subscribe:tracking", json!({"batchMs": 1000})).await;
    let trip = json!({
        "vehicleId": "V-1",
        "origin": {"lat": 24.70, "lng": 46.70, "name": "Depot"},
        "destination": {"lat": 24.75, "lng": 46.70, "name": "Client"},
        "driverId": "drv-7"
    });
    assert_eq!(
        code(&watcher, "trip:start", trip.clone()).await,
        "forbidden"
    );
    let id = ok(&disp, "trip:start", trip.clone()).await["tripId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        code(&disp, "trip:start", trip).await,
        "bad_request",
        "one open trip per vehicle"
    );
    let started = watcher.next("trip:started").await;
    assert_eq!(started["tripId"], id.as_str());
    assert_eq!(started["data"]["status"], "started");
    let snap = ok(&watcher, "subscribe:trip", json!(id)).await;
    assert_eq!(snap["trip"]["destination"]["name"], "Client");
    assert_eq!(
        code(&watcher, "subscribe:trip", json!("trp_nope")).await,
        "not_found"
    );

    let mut left = Vec::new();
    for i in 1..=8 {
        ok(
            &disp,
            "location:report",
            loc("V-1", 24.70 + 0.005 * f64::from(i), 46.70, 60.0),
        )
        .await;
        let u = watcher.next("trip:updated").await;
        assert_eq!(u["data"]["status"], "ongoing");
        left.push(u["data"]["distanceRemainingKm"].as_f64().unwrap());
        assert!(u["data"]["eta"].is_string(), "{u}");
    }
    assert!(left.windows(2).all(|w| w[1] < w[0]), "{left:?}");
    // A driver may complete their own trip, not someone else's.
    let other = connect(&url, &token("drv-8", Role::Driver)).await;
    assert_eq!(
        code(&other, "trip:complete", json!({"tripId": id})).await,
        "forbidden"
    );
    let driver = connect(&url, &token("drv-7", Role::Driver)).await;
    ok(&driver, "trip:complete", json!({"tripId": id})).await;
    let done = watcher.next("trip:completed").await;
    assert_eq!(done["data"]["status"], "completed");
    assert_eq!(done["data"]["progress"], 1.0);
    assert_eq!(
        code(&disp, "trip:complete", json!(id)).await,
        "bad_request",
        "already closed"
    );
    let snap = ok(&watcher, "subscribe:trip", json!(id)).await;
    assert_eq!(snap["trip"]["status"], "completed");

    let id2 = ok(
        &disp,
        "trip:start",
        json!({
            "vehicleId": "V-1",
            "origin": {"lat": 24.70, "lng": 46.70},
            "destination": {"lat": 24.71, "lng": 46.70}
        }),
    )
    .await["tripId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        code(&disp, "trip:cancel", json!({"tripId": id2})).await,
        "bad_request",
        "reason required"
    );
    ok(
        &disp,
        "trip:cancel",
        json!({"tripId": id2, "reason": "road closed"}),
    )
    .await;
    let c = watcher.next("trip:cancelled").await;
    assert_eq!(c, json!({"tripId": id2, "reason": "road closed"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_and_registry_survive_a_restart() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dora", Role::Dispatcher)).await;
    upsert(&disp, "V-1").await;
    let t0 = chrono::Utc::now() - chrono::Duration::minutes(1);
    for i in 0..5 {
        let mut r = loc("V-1", 24.7 + f64::from(i) * 0.001, 46.7, 30.0);
        r["ts"] = json!((t0 + chrono::Duration::seconds(i64::from(i))).to_rfc3339());
        ok(&disp, "location:report", r).await;
    }
    // Read-your-writes before the restart, too.
    let span =
        json!({"vehicleId": "V-1", "from": t0.to_rfc3339(), "to": chrono::Utc::now().to_rfc3339()});
    assert_eq!(
        ok(&disp, "vehicle:history", span.clone()).await["locations"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    disp.close().await;
    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    srv.stop().await;

    let srv = TestServer::start_on(dir, db, |_| {}).await;
    let viewer = connect(&srv.url(), &token("vic", Role::Viewer)).await;
    let h = ok(&viewer, "vehicle:history", span.clone()).await;
    let lats: Vec<f64> = h["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lat"].as_f64().unwrap())
        .collect();
    assert_eq!(lats.len(), 5);
    assert!(
        lats.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {lats:?}"
    );
    let mut paged = span;
    paged["limit"] = json!(2);
    assert_eq!(
        ok(&viewer, "vehicle:history", paged.clone()).await["locations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    paged["limit"] = json!(10_001);
    assert_eq!(code(&viewer, "vehicle:history", paged).await, "bad_request");
    let mut viewer = viewer;
    ok(&viewer, "subscribe:vehicle", json!("V-1")).await;
    let v = viewer.next("vehicle:updated").await;
    assert_eq!(v["data"]["location"]["lat"].as_f64().unwrap(), 24.704);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_ingestion_and_registry() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let http = reqwest::Client::new();
    let disp = token("dora", Role::Dispatcher);
    let r = http
        .post(format!("{url}/api/vehicles"))
        .bearer_auth(&disp)
        .json(&json!({"id": "V-1", "plateNumber": "RUH 1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let dev = device_token("truck-1", "V-1");
    let batch = json!([{"lat": 24.70, "lng": 46.70, "speed": 10}, {"lat": 24.71, "lng": 46.70, "speed": 12}]);
    let r = http
        .post(format!("{url}/api/vehicles/V-1/locations"))
        .bearer_auth(&dev)
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"success": true, "data": {"accepted": 2}}));
    let r = http
        .post(format!("{url}/api/vehicles/V-2/locations"))
        .bearer_auth(&dev)
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let bad = json!([{"lat": 24.70, "lng": 46.70}, {"lat": 95, "lng": 46.70}]);
    let r = http
        .post(format!("{url}/api/vehicles/V-1/locations"))
        .bearer_auth(&dev)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "all or nothing");
    let r = http
        .get(format!("{url}/api/vehicles"))
        .bearer_auth(token("vic", Role::Viewer))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    let v = &body["data"]["vehicles"][0];
    assert_eq!(
        v["location"]["lat"], 24.71,
        "only the valid batch was applied"
    );
    let r = http
        .post(format!("{url}/api/vehicles/V-1/status"))
        .bearer_auth(&dev)
        .json(&json!({"status": "maintenance", "fuelLevel": 55}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["status"], "maintenance");
    let r = http
        .get(format!("{url}/api/vehicles"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
