//! PROTOCOL.md §5 (alerts) with rust_socketio: `alert:list` paging and filtering, `alert:ack`
//! fan-out to dispatchers and admins, the first acknowledgement kept, restarts, and the
//! `fleet` module's alerts-in-the-last-hour KPI. Alerts are raised here through KPIs entering
//! `critical` (the fleet's emergencies go through the same `alerts::raise`).

mod common;

use std::time::{Duration, Instant};

use common::*;
use opsdeck_protocol::Role;
use serde_json::{Value, json};

/// Raises `n` KPI alerts (module `ops`, keys `k0`.. in that order) as `disp`.
async fn raise(disp: &TestClient, n: usize) {
    let mut kpis = Vec::new();
    for i in 0..n {
        let t = disp
            .ack(
                "kpi:threshold",
                json!({"moduleKey": "ops", "key": format!("k{i}"), "warning": 5,
                       "critical": 10, "direction": "above"}),
            )
            .await;
        assert_eq!(t["success"], true, "{t}");
        kpis.push(json!({"key": format!("k{i}"), "value": 50}));
    }
    let r = disp
        .ack("kpi:report", json!({"moduleKey": "ops", "kpis": kpis}))
        .await;
    assert_eq!(r["success"], true, "{r}");
}

fn keys(list: &Value) -> Vec<String> {
    list["alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("no alerts in {list}"))
        .iter()
        .map(|a| {
            let m = a["message"].as_str().unwrap();
            // "KPI k3 (ops/k3) is critical: 50"
            m.split_whitespace().nth(1).unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_list_pages_newest_first_and_filters_unacked() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    let viewer = connect(&url, &token("vic", Role::Viewer)).await;
    let empty = viewer.ack("alert:list", json!(null)).await;
    assert_eq!(
        empty,
        json!({"success": true, "alerts": [], "nextCursor": null})
    );
    raise(&disp, 5).await;

    let p1 = viewer.ack("alert:list", json!({"limit": 2})).await;
    assert_eq!(keys(&p1), ["k4", "k3"], "newest first: {p1}");
    let c1 = p1["nextCursor"].as_str().expect("more pages").to_owned();
    let p2 = viewer
        .ack("alert:list", json!({"limit": 2, "before": c1}))
        .await;
    assert_eq!(keys(&p2), ["k2", "k1"]);
    let p3 = viewer
        .ack(
            "alert:list",
            json!({"limit": 2, "before": p2["nextCursor"]}),
        )
        .await;
    assert_eq!(keys(&p3), ["k0"]);
    assert_eq!(p3["nextCursor"], Value::Null, "end of the list");
    let a = &p1["alerts"][0];
    assert_eq!(a["kind"], "kpi");
    assert_eq!(a["priority"], "critical");
    assert_eq!(a["moduleKey"], "ops");
    assert!(a["createdAt"].is_string());
    assert!(
        a.get("ackedBy").is_none() && a.get("vehicleId").is_none(),
        "{a}"
    );

    // Ack two (k3, k1), then list only the others.
    for page in [&p1, &p2] {
        let id = page["alerts"][1]["id"].clone();
        let r = disp.ack("alert:ack", json!({"alertId": id})).await;
        assert_eq!(r["success"], true, "{r}");
    }
    let open = viewer.ack("alert:list", json!({"unackedOnly": true})).await;
    assert_eq!(keys(&open), ["k4", "k2", "k0"]);
    let open1 = viewer
        .ack("alert:list", json!({"unackedOnly": true, "limit": 1}))
        .await;
    let open2 = viewer
        .ack(
            "alert:list",
            json!({"unackedOnly": true, "limit": 2, "before": open1["nextCursor"]}),
        )
        .await;
    assert_eq!(keys(&open2), ["k2", "k0"]);
    assert_eq!(open2["nextCursor"], Value::Null);
    let all = viewer.ack("alert:list", json!({"limit": 200})).await;
    assert_eq!(keys(&all).len(), 5);
    assert_eq!(
        all["alerts"][1]["ackedBy"],
        json!({"id": "dan", "name": "dan Test"})
    );

    for bad in [
        json!({"limit": 201}),
        json!({"limit": 0}),
        json!({"before": "nonsense"}),
        json!({"before": ""}),
        json!({"unackedOnly": "yes"}),
        json!({"extra": 1}),
    ] {
        let r = viewer.ack("alert:list", bad.clone()).await;
        assert_eq!(r["error"]["code"], "bad_request", "{bad} -> {r}");
    }
    let device = connect(&url, &device_token("dev1", "truck-1")).await;
    let r = device.ack("alert:list", json!({})).await;
    assert_eq!(
        r["error"]["code"], "forbidden",
        "devices are not viewers: {r}"
    );
    device.close().await;
    disp.close().await;
    viewer.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acks_reach_dispatchers_and_admins_and_the_first_one_is_kept() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let mut d1 = connect(&url, &token("dan", Role::Dispatcher)).await;
    let mut d2 = connect(&url, &token("dora", Role::Dispatcher)).await;
    let mut d2_tab = connect(&url, &token("dora", Role::Dispatcher)).await;
    let mut admin = connect(&url, &token("ada", Role::Admin)).await;
    let mut viewer = connect(&url, &token("vic", Role::Viewer)).await;
    raise(&d1, 1).await;
    let list = viewer.ack("alert:list", json!({})).await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_owned();

    let r = viewer.ack("alert:ack", json!({"alertId": id})).await;
    assert_eq!(r["error"]["code"], "forbidden", "{r}");
    let r = d1.ack("alert:ack", json!({"alertId": "alr_missing"})).await;
    assert_eq!(r["error"]["code"], "not_found", "{r}");
    for bad in [json!({"alertId": "a b"}), json!({"id": "x"}), json!(7)] {
        let r = d1.ack("alert:ack", bad.clone()).await;
        assert_eq!(r["error"]["code"], "bad_request", "{bad} -> {r}");
    }

    let first = d1.ack("alert:ack", json!({"alertId": id})).await;
    assert_eq!(first["success"], true, "{first}");
    assert_eq!(first["alertId"], id.as_str());
    assert_eq!(first["ackedBy"], json!({"id": "dan", "name": "dan Test"}));
    let acked_at = first["ackedAt"].as_str().unwrap().to_owned();
    let expected = json!({"alertId": id, "ackedBy": {"id": "dan", "name": "dan Test"},
                          "ackedAt": acked_at});
    for c in [&mut d1, &mut d2, &mut d2_tab, &mut admin] {
        assert_eq!(c.next("alert:acked").await, expected);
    }
    viewer.none("alert:acked", Duration::from_millis(300)).await;

    // Acking again (bare id this time) succeeds with the first acknowledgement.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = d2.ack("alert:ack", json!(id)).await;
    assert_eq!(second["success"], true, "{second}");
    assert_eq!(second["ackedBy"]["id"], "dan");
    assert_eq!(second["ackedAt"], acked_at.as_str());
    admin.none("alert:acked", Duration::from_millis(300)).await;
    let listed = viewer.ack("alert:list", json!({})).await;
    assert_eq!(listed["alerts"][0]["ackedBy"]["id"], "dan");
    assert_eq!(listed["alerts"][0]["ackedAt"], acked_at.as_str());

    // Without an ack, a failure comes as `error`.
    viewer.emit("alert:ack", json!({"alertId": id})).await;
    let e = viewer.next("error").await;
    assert_eq!(e["event"], "alert:ack");
    assert_eq!(e["code"], "forbidden");
    for c in [d1, d2, d2_tab, admin, viewer] {
        c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_survive_a_restart_and_count_for_the_last_hour() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let disp = connect(&url, &token("dan", Role::Dispatcher)).await;
    raise(&disp, 3).await;
    let list = disp.ack("alert:list", json!({})).await;
    let id = list["alerts"][2]["id"].clone();
    disp.ack("alert:ack", json!({"alertId": id})).await;
    disp.close().await;

    let (dir, db) = (srv.dir.clone(), srv.db.clone());
    srv.stop().await;
    let srv = TestServer::start_on(dir, db, |_| {}).await;
    let mut v = connect(&srv.url(), &token("vic", Role::Viewer)).await;
    let after = v.ack("alert:list", json!({})).await;
    assert_eq!(keys(&after), ["k2", "k1", "k0"]);
    assert_eq!(after["alerts"][2]["ackedBy"]["id"], "dan");
    let open = v.ack("alert:list", json!({"unackedOnly": true})).await;
    assert_eq!(keys(&open), ["k2", "k1"]);

    // The fleet module's alertsLastHour counts the stored alerts of the last hour.
    let s = v
        .ack("module:subscribe", json!({"moduleKey": "fleet"}))
        .await;
    assert_eq!(s["success"], true);
    let deadline = Instant::now() + Duration::from_secs(4);
    let mut kpis = s["kpis"].clone();
    loop {
        let n = kpis
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == "alertsLastHour")
            .map(|k| k["value"].clone());
        if n == Some(json!(3.0)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "alertsLastHour never reached 3: {kpis}"
        );
        kpis = tokio::time::timeout(Duration::from_secs(3), v.next("kpi:update:fleet"))
            .await
            .unwrap_or_else(|_| panic!("no fleet update; last {kpis}"));
    }
    v.close().await;
}
