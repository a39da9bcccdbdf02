//! PROTOCOL.md §4 with rust_socketio and reqwest: subscriptions, reports, coalescing,
//! periodic emission, thresholds and critical transitions, HTTP ingestion, restarts.

mod common;

use std::time::{Duration, Instant};

use common::*;
use opsdeck_protocol::Role;
use opsdeck_protocol::kpi::{KpiThreshold, ThresholdDirection};
use serde_json::{Value, json};

/// The next `event` within `d`, or `None` (never panics before `d`, which must be < WAIT).
async fn within(c: &mut TestClient, event: &str, d: Duration) -> Option<Value> {
    tokio::time::timeout(d, c.next(event)).await.ok()
}

/// Waits (up to WAIT) for an `event` whose payload satisfies `pred`.
async fn until(c: &mut TestClient, event: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT - Duration::from_millis(100);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match within(c, event, left).await {
            Some(v) if pred(&v) => return v,
            Some(_) => continue,
            None => panic!("no matching {event} in time"),
        }
    }
}

fn kpi<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .and_then(|a| a.iter().find(|k| k["key"] == key))
        .unwrap_or_else(|| panic!("no KPI {key} in {list}"))
}

fn report(module: &str, kpis: Value) -> Value {
    json!({"moduleKey": module, "kpis": kpis})
}

fn slow(c: &mut opsdeck_server::Config) {
    // Long refreshes, so only changes cause updates.
    c.kpi_interval = Duration::from_secs(60);
    c.dashboard_interval = Duration::from_secs(60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_emits_at_once_and_unknown_modules_are_not_found() {
    let srv = TestServer::start(|c| {
        slow(c);
        c.allow_anonymous = true;
    })
    .await;
    let url = srv.url();
    let mut v = connect(&url, &token("vera", Role::Viewer)).await;

    let a = v
        .ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(a["success"], true, "{a}");
    assert_eq!(a["moduleKey"], "finance");
    assert_eq!(a["kpis"], json!([]));
    assert_eq!(v.next("kpi:update:finance").await, json!([]), "bare array");

    let fleet = v
        .ack("module:subscribe", json!({"moduleKey": "fleet"}))
        .await;
    let keys: Vec<_> = fleet["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "vehiclesActive",
            "tripsInProgress",
            "averageSpeed",
            "alertsLastHour",
            "usersOnline"
        ]
    );
    // The server derives usersOnline itself (every 2 s).
    let f = until(&mut v, "kpi:update:fleet", |f| {
        kpi(f, "usersOnline")["value"].as_f64() >= Some(1.0)
    })
    .await;
    assert_eq!(kpi(&f, "usersOnline")["status"], "ok");

    let nf = v
        .ack("module:subscribe", json!({"moduleKey": "nope"}))
        .await;
    assert_eq!(nf["success"], false);
    assert_eq!(nf["error"]["code"], "not_found", "{nf}");
    let nf = v
        .ack("module:unsubscribe", json!({"moduleKey": "nope"}))
        .await;
    assert_eq!(nf["error"]["code"], "not_found", "{nf}");
    for bad in [
        json!({"moduleKey": "a b"}),
        json!(42),
        json!({"module": "hr"}),
        json!(null),
    ] {
        let r = v.ack("module:subscribe", bad.clone()).await;
        assert_eq!(r["error"]["code"], "bad_request", "{bad} -> {r}");
    }
    // Without an ack the failure comes as `error`.
    v.emit("module:subscribe", json!({"moduleKey": "nope"}))
        .await;
    let e = v.next("error").await;
    assert_eq!(e["event"], "module:subscribe");
    assert_eq!(e["code"], "not_found");

    // The ERP dashboard client (seed 000): no token, no ack, bare payload handling.
    let mut erp = match try_connect(&url, "/", None).await {
        Outcome::Connected(c) => c,
        Outcome::Refused(why) => panic!("anonymous refused: {why}"),
    };
    erp.emit("module:subscribe", json!({"moduleKey": "hr"}))
        .await;
    assert_eq!(erp.next("kpi:update:hr").await, json!([]));
    erp.emit("dashboard:subscribe", json!(null)).await;
    let d = erp.next("dashboard:update").await;
    assert_eq!(d["summaryCards"].as_array().unwrap().len(), 7, "{d}");
    assert!(d["topKPIs"].is_array() && d["timestamp"].is_string(), "{d}");

    // Unsubscribed sockets get no further updates.
    let ok = v
        .ack("module:unsubscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(ok["success"], true);
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    let r = disp
        .ack(
            "kpi:report",
            report("finance", json!([{"key": "revenue", "value": 1}])),
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    v.none("kpi:update:finance", Duration::from_millis(600))
        .await;
    erp.close().await;
    v.close().await;
    disp.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_need_a_dispatcher_and_a_valid_payload() {
    let srv = TestServer::start(slow).await;
    let url = srv.url();
    let viewer = connect(&url, &token("vic", Role::Viewer)).await;
    let driver = connect(&url, &token("dree", Role::Driver)).await;
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    let good = report("finance", json!([{"key": "revenue", "value": 10}]));

    for c in [&viewer, &driver] {
        let r = c.ack("kpi:report", good.clone()).await;
        assert_eq!(r["error"]["code"], "forbidden", "{r}");
        let t = c
            .ack(
                "kpi:threshold",
                json!({"moduleKey": "finance", "key": "revenue", "warning": 5,
                       "critical": 1, "direction": "below"}),
            )
            .await;
        assert_eq!(t["error"]["code"], "forbidden", "{t}");
    }
    let bad_reports = [
        json!({"moduleKey": "finance"}),
        json!({"moduleKey": "finance", "kpis": []}),
        json!({"moduleKey": "finance", "kpis": [{"key": "revenue", "value": "ten"}]}),
        json!({"moduleKey": "finance", "kpis": [{"key": "bad key", "value": 1}]}),
        json!({"moduleKey": "finance", "kpis": [{"key": "a", "value": 1}, {"key": "a", "value": 2}]}),
        json!({"moduleKey": "fin ance", "kpis": [{"key": "a", "value": 1}]}),
        json!({"moduleKey": "finance", "kpis": [{"key": "a", "value": 1, "colour": "red"}]}),
        json!({"moduleKey": "finance", "kpis": [{"key": "a", "value": 1, "label": ""}]}),
        json!({"moduleKey": "fleet", "kpis": [{"key": "usersOnline", "value": 99}]}),
        json!("finance"),
    ];
    for bad in bad_reports {
        let r = disp.ack("kpi:report", bad.clone()).await;
        assert_eq!(r["error"]["code"], "bad_request", "{bad} -> {r}");
    }
    let bad_thresholds = [
        json!({"moduleKey": "finance", "key": "revenue", "warning": 5, "critical": 10,
               "direction": "below"}),
        json!({"moduleKey": "finance", "key": "revenue", "warning": 5, "critical": 10,
               "direction": "sideways"}),
        json!({"moduleKey": "finance", "key": "revenue", "warning": 5}),
    ];
    for bad in bad_thresholds {
        let r = disp.ack("kpi:threshold", bad.clone()).await;
        assert_eq!(r["error"]["code"], "bad_request", "{bad} -> {r}");
    }
    // Nothing partial was written: finance is still empty.
    let s = viewer
        .ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(s["kpis"], json!([]), "{s}");

    // A report for an unknown module creates it.
    let r = disp
        .ack(
            "kpi:report",
            report(
                "ops",
                json!([{"key": "tickets", "label": "Open tickets", "value": 7}]),
            ),
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["created"], true);
    assert_eq!(r["changed"], 1);
    let s = viewer
        .ack("module:subscribe", json!({"moduleKey": "ops"}))
        .await;
    assert_eq!(kpi(&s["kpis"], "tickets")["label"], "Open tickets");
    let again = disp
        .ack(
            "kpi:report",
            report("ops", json!([{"key": "tickets", "value": 7}])),
        )
        .await;
    assert_eq!(again["created"], false);
    assert_eq!(again["changed"], 0, "an identical value changes nothing");
    viewer.close().await;
    driver.close().await;
    disp.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_subscribers_with_trend_and_status() {
    let srv = TestServer::start(slow).await;
    let url = srv.url();
    let mut v = connect(&url, &token("vic", Role::Viewer)).await;
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    v.ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    v.next("kpi:update:finance").await;

    disp.ack(
        "kpi:report",
        report(
            "finance",
            json!([{"key": "revenue", "label": "Revenue", "value": 100, "unit": "EUR"},
                   {"key": "margin", "value": 0.25}]),
        ),
    )
    .await;
    let u = v.next("kpi:update:finance").await;
    let arr = u.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["key"], "revenue", "order of first report");
    assert_eq!(arr[0]["value"], 100.0);
    assert_eq!(arr[0]["unit"], "EUR");
    assert_eq!(arr[0]["status"], "ok");
    assert!(
        arr[0].get("trend").is_none(),
        "no trend without a previous value"
    );
    assert!(arr[0]["updatedAt"].is_string());
    assert_eq!(arr[1]["label"], "margin", "label defaults to the key");

    disp.ack(
        "kpi:report",
        report("finance", json!([{"key": "revenue", "value": 110}])),
    )
    .await;
    let u = v.next("kpi:update:finance").await;
    let rev = kpi(&u, "revenue");
    assert_eq!(rev["value"], 110.0);
    assert_eq!(rev["trend"], "+10%");
    assert_eq!(rev["label"], "Revenue", "label kept");
    assert_eq!(rev["unit"], "EUR", "unit kept");
    disp.ack(
        "kpi:report",
        report(
            "finance",
            json!([{"key": "revenue", "value": 99, "trend": "-1% YoY"}]),
        ),
    )
    .await;
    let u = v.next("kpi:update:finance").await;
    assert_eq!(
        kpi(&u, "revenue")["trend"],
        "-1% YoY",
        "the producer's trend wins"
    );
    v.close().await;
    disp.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_are_coalesced_to_four_per_second() {
    let srv = TestServer::start(slow).await;
    let url = srv.url();
    let mut v = connect(&url, &token("vic", Role::Viewer)).await;
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    v.ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    v.next("kpi:update:finance").await;

    let sender = tokio::spawn(async move {
        let t0 = Instant::now();
        for i in 1..=20 {
            let r = disp
                .ack(
                    "kpi:report",
                    report("finance", json!([{"key": "orders", "value": i}])),
                )
                .await;
            assert_eq!(r["success"], true, "{r}");
            let next = t0 + Duration::from_millis(50 * i);
            tokio::time::sleep_until(next.into()).await;
        }
        disp
    });
    let t0 = Instant::now();
    let mut in_first_second = 0;
    let mut last = Value::Null;
    loop {
        let left = (t0 + Duration::from_millis(1000)).saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match within(&mut v, "kpi:update:finance", left).await {
            Some(u) => {
                in_first_second += 1;
                last = u;
            }
            None => break,
        }
    }
    let disp = sender.await.unwrap();
    assert!(
        (2..=5).contains(&in_first_second),
        "{in_first_second} updates in the first second"
    );
    // The last value goes out within the coalescing window after the last report.
    let mut final_value = kpi(&last, "orders")["value"].as_f64();
    while final_value != Some(20.0) {
        let u = within(&mut v, "kpi:update:finance", Duration::from_millis(600))
            .await
            .unwrap_or_else(|| panic!("final value never sent; last {last}"));
        final_value = kpi(&u, "orders")["value"].as_f64();
        last = u;
    }
    assert_eq!(kpi(&last, "orders")["trend"], "+5.3%", "19 -> 20");
    // And nothing more once quiet.
    v.none("kpi:update:finance", Duration::from_millis(700))
        .await;
    v.close().await;
    disp.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_are_repeated_at_the_configured_intervals() {
    let srv = TestServer::start(|c| {
        c.kpi_interval = Duration::from_millis(300);
        c.dashboard_interval = Duration::from_millis(500);
    })
    .await;
    let url = srv.url();
    let mut v = connect(&url, &token("vic", Role::Viewer)).await;
    v.ack("module:subscribe", json!({"moduleKey": "rehab"}))
        .await;
    v.next("kpi:update:rehab").await;
    v.ack("dashboard:subscribe", json!(null)).await;
    v.next("dashboard:update").await;
    let t0 = Instant::now();
    let mut modules = 0;
    while t0.elapsed() < Duration::from_millis(1600) {
        if within(&mut v, "kpi:update:rehab", Duration::from_millis(700))
            .await
            .is_some()
        {
            modules += 1;
        }
    }
    assert!(
        (3..=7).contains(&modules),
        "{modules} periodic kpi:update in 1.6 s"
    );
    let t0 = Instant::now();
    let mut dashboards = 0;
    while t0.elapsed() < Duration::from_millis(1600) {
        if within(&mut v, "dashboard:update", Duration::from_millis(900))
            .await
            .is_some()
        {
            dashboards += 1;
        }
    }
    assert!(
        (2..=5).contains(&dashboards),
        "{dashboards} dashboard:update in 1.6 s"
    );
    v.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entering_critical_raises_one_alert_and_one_dispatcher_notification() {
    let srv = TestServer::start(slow).await;
    let url = srv.url();
    let mut disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    let mut viewer = connect(&url, &token("vic", Role::Viewer)).await;
    viewer
        .ack("module:subscribe", json!({"moduleKey": "security"}))
        .await;
    viewer.next("kpi:update:security").await;
    viewer.ack("dashboard:subscribe", json!(null)).await;
    viewer.next("dashboard:update").await;

    let t = disp
        .ack(
            "kpi:threshold",
            json!({"moduleKey": "security", "key": "incidents", "warning": 5,
                   "critical": 10, "direction": "above"}),
        )
        .await;
    assert_eq!(t["success"], true, "{t}");
    let send = |v: f64| {
        report(
            "security",
            json!([{"key": "incidents", "label": "Incidents", "value": v}]),
        )
    };

    disp.ack("kpi:report", send(3.0)).await;
    assert_eq!(
        kpi(&viewer.next("kpi:update:security").await, "incidents")["status"],
        "ok"
    );
    disp.ack("kpi:report", send(7.0)).await;
    assert_eq!(
        kpi(&viewer.next("kpi:update:security").await, "incidents")["status"],
        "warning"
    );
    disp.ack("kpi:report", send(12.0)).await;
    assert_eq!(
        kpi(&viewer.next("kpi:update:security").await, "incidents")["status"],
        "critical"
    );
    let n = disp.next("notification:new").await;
    assert_eq!(n["type"], "critical", "{n}");
    assert!(n["title"].as_str().unwrap().contains("Incidents"), "{n}");
    assert_eq!(n["target"], json!({"kind": "roles", "ids": ["dispatcher"]}));
    assert_eq!(n["data"]["moduleKey"], "security");
    let alerts = disp.ack("alert:list", json!({})).await;
    let list = alerts["alerts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{alerts}");
    assert_eq!(list[0]["kind"], "kpi");
    assert_eq!(list[0]["priority"], "critical");
    assert_eq!(list[0]["moduleKey"], "security");
    assert_eq!(list[0]["id"], n["data"]["alertId"]);
    viewer
        .none("notification:new", Duration::from_millis(100))
        .await;

    // Still critical: no new alert, no new notification.
    disp.ack("kpi:report", send(15.0)).await;
    disp.ack("kpi:report", send(20.0)).await;
    disp.none("notification:new", Duration::from_millis(500))
        .await;
    let alerts = disp.ack("alert:list", json!({})).await;
    assert_eq!(alerts["alerts"].as_array().unwrap().len(), 1);

    // The dashboard puts it first.
    let d = until(&mut viewer, "dashboard:update", |d| {
        d["topKPIs"][0]["key"] == "incidents" && d["topKPIs"][0]["value"] == 20.0
    })
    .await;
    let card = d["summaryCards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "security")
        .unwrap();
    assert_eq!(card["status"], "critical");
    assert_eq!(card["value"], 1.0);

    // Leaving and re-entering counts again; so does a threshold change.
    disp.ack("kpi:report", send(6.0)).await;
    disp.ack("kpi:report", send(11.0)).await;
    assert_eq!(disp.next("notification:new").await["type"], "critical");
    disp.ack(
        "kpi:report",
        report("security", json!([{"key": "patch", "value": 40}])),
    )
    .await;
    disp.none("notification:new", Duration::from_millis(300))
        .await;
    disp.ack(
        "kpi:threshold",
        json!({"moduleKey": "security", "key": "patch", "warning": 10, "critical": 30,
               "direction": "above"}),
    )
    .await;
    let n = disp.next("notification:new").await;
    assert_eq!(n["data"]["key"], "patch", "{n}");
    let alerts = disp.ack("alert:list", json!({})).await;
    assert_eq!(alerts["alerts"].as_array().unwrap().len(), 3);
    disp.close().await;
    viewer.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_reports_use_the_envelope() {
    let srv = TestServer::start(slow).await;
    let url = srv.url();
    let mut v = connect(&url, &token("vic", Role::Viewer)).await;
    v.ack("module:subscribe", json!({"moduleKey": "hr"})).await;
    v.next("kpi:update:hr").await;
    let http = reqwest::Client::new();
    let post = |path: &str, tok: Option<String>, body: Value| {
        let mut r = http.post(format!("{url}{path}")).json(&body);
        if let Some(t) = tok {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let disp = Some(token("dan", Role::Dispatcher));

    let r = post(
        "/api/kpis/hr",
        disp.clone(),
        json!({"kpis": [{"key": "headcount", "label": "Headcount", "value": 42}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"success": true, "data": {"moduleKey": "hr", "changed": 1, "created": false}})
    );
    assert_eq!(
        kpi(&v.next("kpi:update:hr").await, "headcount")["value"],
        42.0
    );

    let r = post(
        "/api/kpis/hr",
        disp.clone(),
        json!([{"key": "headcount", "value": 43}]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200, "the bare array is accepted");
    assert_eq!(
        kpi(&v.next("kpi:update:hr").await, "headcount")["trend"],
        "+2.4%"
    );

    let r = post(
        "/api/kpis/hr",
        Some(token("vic", Role::Viewer)),
        json!([{"key": "headcount", "value": 1}]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "forbidden");

    let r = post(
        "/api/kpis/hr",
        None,
        json!([{"key": "headcount", "value": 1}]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 401);

    for (path, body) in [
        ("/api/kpis/hr", json!({"values": []})),
        ("/api/kpis/hr", json!([])),
        (
            "/api/kpis/hr",
            json!([{"key": "headcount", "value": "many"}]),
        ),
        (
            "/api/kpis/bad%20key",
            json!([{"key": "headcount", "value": 1}]),
        ),
        (
            "/api/kpis/fleet",
            json!([{"key": "usersOnline", "value": 1}]),
        ),
    ] {
        let r = post(path, disp.clone(), body.clone()).await.unwrap();
        assert_eq!(r.status(), 400, "{path} {body}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["error"]["code"], "bad_request", "{b}");
    }
    let r = http
        .post(format!("{url}/api/kpis/hr"))
        .bearer_auth(disp.clone().unwrap())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    v.none("kpi:update:hr", Duration::from_millis(400)).await;

    let r = post("/api/kpis/newmod", disp, json!([{"key": "x", "value": 1}]))
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["created"], true, "{body}");
    v.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_and_thresholds_survive_a_restart() {
    let configured = |c: &mut opsdeck_server::Config| {
        slow(c);
        c.kpi_thresholds = vec![
            KpiThreshold {
                module_key: "finance".into(),
                key: "cash".into(),
                warning: 100.0,
                critical: 50.0,
                direction: ThresholdDirection::Below,
            },
            KpiThreshold {
                module_key: "finance".into(),
                key: "debt".into(),
                warning: 100.0,
                critical: 200.0,
                direction: ThresholdDirection::Above,
            },
        ];
    };
    let srv = TestServer::start(configured).await;
    let url = srv.url();
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    // A configured threshold applies at once.
    let r = disp
        .ack(
            "kpi:report",
            report(
                "finance",
                json!([{"key": "cash", "value": 80, "unit": "kEUR"}]),
            ),
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    let s = disp
        .ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(kpi(&s["kpis"], "cash")["status"], "warning");
    // One set at run time overrides the configured one and is stored.
    disp.ack(
        "kpi:threshold",
        json!({"moduleKey": "finance", "key": "debt", "warning": 10, "critical": 20,
               "direction": "above"}),
    )
    .await;
    disp.ack(
        "kpi:threshold",
        json!({"moduleKey": "warehouse", "key": "stock", "warning": 10, "critical": 5,
               "direction": "below"}),
    )
    .await;
    disp.ack(
        "kpi:report",
        report("finance", json!([{"key": "debt", "value": 15}])),
    )
    .await;
    disp.ack(
        "kpi:report",
        report("finance", json!([{"key": "cash", "value": 90}])),
    )
    .await;
    disp.ack(
        "kpi:report",
        report(
            "warehouse",
            json!([{"key": "stock", "label": "Stock", "value": 50}]),
        ),
    )
    .await;
    let before = disp
        .ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(kpi(&before["kpis"], "debt")["status"], "warning");
    disp.close().await;

    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    srv.stop().await;
    let srv = TestServer::start_on(dir, db, configured).await;
    let url = srv.url();
    let mut disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    let after = disp
        .ack("module:subscribe", json!({"moduleKey": "finance"}))
        .await;
    assert_eq!(
        after["kpis"], before["kpis"],
        "same values, order, trends, statuses"
    );
    let cash = kpi(&after["kpis"], "cash");
    assert_eq!(cash["value"], 90.0);
    assert_eq!(cash["unit"], "kEUR");
    assert_eq!(cash["trend"], "+12.5%");
    let wh = disp
        .ack("module:subscribe", json!({"moduleKey": "warehouse"}))
        .await;
    assert_eq!(wh["success"], true, "a created module survives: {wh}");
    assert_eq!(kpi(&wh["kpis"], "stock")["label"], "Stock");
    // The stored threshold still applies: entering critical after the restart alerts.
    disp.ack(
        "kpi:report",
        report("warehouse", json!([{"key": "stock", "value": 4}])),
    )
    .await;
    let n = disp.next("notification:new").await;
    assert_eq!(n["data"]["moduleKey"], "warehouse", "{n}");
    // A KPI critical before the restart is not "entering" critical again.
    disp.ack(
        "kpi:report",
        report("finance", json!([{"key": "debt", "value": 25}])),
    )
    .await;
    assert_eq!(disp.next("notification:new").await["data"]["key"], "debt");
    disp.close().await;
    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    srv.stop().await;
    let srv = TestServer::start_on(dir, db, configured).await;
    let mut disp = connect(&srv.url(), &token("dan", Role::Dispatcher)).await;
    disp.ack(
        "kpi:report",
        report("finance", json!([{"key": "debt", "value": 30}])),
    )
    .await;
    disp.none("notification:new", Duration::from_millis(500))
        .await;
    let list = disp.ack("alert:list", json!({})).await;
    assert_eq!(list["alerts"].as_array().unwrap().len(), 2, "{list}");
    disp.close().await;
}
