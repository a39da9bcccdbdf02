//! The client against the real Opsdeck server: typed requests and events, reconnect after a
//! server restart (resubscribe + catch-up), first-connect retry, refused credentials, and a
//! shutdown that leaves nothing behind.

mod common;

use std::time::Duration;

use common::*;
use opsdeck_client::{
    Backoff, Client, ClientError, ClientEvent, ConnectionState, ServerEvent, Subscribed, Support,
};
use opsdeck_protocol::chat::{DmSend, MessageSend};
use opsdeck_protocol::notification::{
    NotificationListRequest, NotificationType, SendNotification, Target, TargetKind,
};
use opsdeck_protocol::presence::PresenceListRequest;
use opsdeck_protocol::{ErrorCode, Role};
use serde_json::json;

#[tokio::test]
async fn connects_and_serves_typed_requests_and_events() {
    init_tracing();
    let server = TestServer::start().await;
    let (client, mut events) =
        Client::start(fast_config(server.url()).with_token(token("dana", Role::Dispatcher)));

    let state = client.wait_connected(WAIT).await.expect("connected");
    let ConnectionState::Connected {
        socket_id,
        user,
        capabilities,
        ..
    } = state
    else {
        unreachable!()
    };
    assert!(socket_id.is_some());
    assert_eq!(user.expect("user").id, "dana");
    assert!(capabilities.identified);
    assert_eq!(capabilities.auth_required, None);
    for (name, s) in [
        ("presence", capabilities.presence),
        ("notifications", capabilities.notifications),
        ("kpi", capabilities.kpi),
        ("fleet", capabilities.fleet),
    ] {
        assert_eq!(s, Support::Full, "{name}");
    }
    // the first connect is not a catch-up
    let caught = next_matching(&mut events, "catch-up report", |e| {
        matches!(e, ClientEvent::CaughtUp(_))
    })
    .await;
    assert!(matches!(caught, ClientEvent::CaughtUp(r) if r.notifications == 0 && r.complete));

    // typed requests
    assert!(client.online_count().await.expect("count") >= 1);
    let online = client
        .presence_list(&PresenceListRequest::default())
        .await
        .expect("presence list");
    assert!(online.users.iter().any(|u| u.user_id == "dana"));

    // a subscription: the server answers at once with the module's KPIs
    let sub = client.subscribe_module("finance").await.expect("subscribe");
    assert!(matches!(sub, Subscribed::Acked(_)));
    let ev = next_server(
        &mut events,
        "kpi:update:finance",
        |e| matches!(e, ServerEvent::KpiUpdate { module, .. } if module == "finance"),
    )
    .await;
    assert!(matches!(ev, ServerEvent::KpiUpdate { .. }));

    // a notification to ourselves arrives typed, and the list and count agree
    let sent = client
        .send_notification(&SendNotification {
            title: "Hello".into(),
            message: "from the client".into(),
            kind: NotificationType::Warning,
            target: Target {
                kind: TargetKind::Users,
                ids: Some(vec!["dana".into()]),
            },
            data: None,
        })
        .await
        .expect("send");
    assert_eq!(sent.recipients, 1);
    let ev = next_server(&mut events, "notification:new", |e| {
        matches!(e, ServerEvent::NotificationNew(_))
    })
    .await;
    let ServerEvent::NotificationNew(n) = ev else {
        unreachable!()
    };
    assert_eq!(n.id, sent.id);
    let list = client
        .list_notifications(&NotificationListRequest::default())
        .await
        .expect("list");
    assert_eq!(list.items[0].id, sent.id);
    assert_eq!(client.notification_count().await.expect("count").count, 1);
    assert_eq!(client.mark_read(&sent.id).await.expect("read").count, 0);

    // refusals are typed
    let err = client
        .subscribe_vehicle("no-such-vehicle")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NotFound), "{err:?}");
    assert!(
        !client
            .subscriptions()
            .iter()
            .any(|s| matches!(s, opsdeck_client::Subscription::Vehicle { .. })),
        "a refused subscription is not kept"
    );
    let err = client
        .request::<_, serde_json::Value>("notification:list", &json!({"limit": 1000}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Server {
                code: ErrorCode::BadRequest,
                ..
            }
        ),
        "{err:?}"
    );

    // latency is measured periodically
    let ev = next_matching(&mut events, "latency sample", |e| {
        matches!(e, ClientEvent::Latency(_))
    })
    .await;
    let ClientEvent::Latency(l) = ev else {
        unreachable!()
    };
    assert!(l.last_ms >= 0.0 && l.smoothed_ms >= 0.0);
    assert!(client.latency().is_some());
    assert!(matches!(
        client.current_state(),
        ConnectionState::Connected {
            latency_ms: Some(_),
            ..
        }
    ));

    client.shutdown().await;
    assert_eq!(
        client.online_count().await.unwrap_err(),
        ClientError::Shutdown
    );
    server.stop().await;
}

#[tokio::test]
async fn reconnects_after_a_server_restart_resubscribes_and_catches_up() {
    init_tracing();
    let server = TestServer::start().await;
    let dispatcher = token("disp", Role::Dispatcher);
    post(
        &server.url(),
        "/api/vehicles",
        &dispatcher,
        json!({"id": "v1", "plateNumber": "V-1"}),
    )
    .await;

    // carol exists (she will write to alice for the first time during the outage)
    post(
        &server.url(),
        "/api/users",
        &token("root", Role::Admin),
        json!({"id": "carol", "name": "Carol Test", "role": "viewer"}),
    )
    .await;

    let mut config = fast_config(server.url()).with_token(token("alice", Role::Viewer));
    // A fixed, long enough retry delay leaves a window in which the restarted server is up
    // and the client not yet back: what is sent then must come through catch-up.
    config.backoff = Backoff {
        initial: Duration::from_millis(3500),
        max: Duration::from_millis(3500),
        factor: 1.0,
        jitter: 0.0,
    };
    let (client, mut events) = Client::start(config);
    client.wait_connected(WAIT).await.expect("connected");
    client.subscribe_module("finance").await.expect("module");
    client.subscribe_tracking(None).await.expect("tracking");
    client.join_room("ops").await.expect("room");
    next_server(
        &mut events,
        "first kpi:update:finance",
        |e| matches!(e, ServerEvent::KpiUpdate { module, .. } if module == "finance"),
    )
    .await;
    // bob, in the same room, has written to alice before
    let (bob, mut bob_events) =
        Client::start(fast_config(server.url()).with_token(token("bob", Role::Viewer)));
    bob.wait_connected(WAIT).await.expect("bob connected");
    bob.join_room("ops").await.expect("bob joins");
    bob.send_dm(&DmSend {
        recipient_id: "alice".into(),
        text: "before".into(),
    })
    .await
    .expect("dm");
    next_server(
        &mut events,
        "bob's first dm",
        |e| matches!(e, ServerEvent::DmReceived(m) if m.text == "before"),
    )
    .await;

    // Restart: the server closes the transports; the client notices and waits to retry.
    let (addr, dir, db) = (server.addr, server.dir.clone(), server.db.clone());
    server.stop().await;
    let state = next_state(&mut events, "reconnecting", |s| {
        matches!(s, ConnectionState::Reconnecting { .. })
    })
    .await;
    tracing::info!(?state, "client is waiting");
    let server = TestServer::start_at(addr, dir, db).await;
    // sent while the client is disconnected
    let sent = post(
        &server.url(),
        "/api/notifications",
        &dispatcher,
        json!({"title": "While you were away", "message": "m", "type": "info",
               "target": {"kind": "users", "ids": ["alice"]}}),
    )
    .await;
    let id = sent["data"]["id"].as_str().expect("id").to_owned();
    // bob is back (his retry delay is short) and writes in the room and to alice
    next_state(&mut bob_events, "bob reconnecting", |s| {
        matches!(s, ConnectionState::Reconnecting { .. })
    })
    .await;
    next_state(&mut bob_events, "bob connected again", |s| s.is_connected()).await;
    bob.send_message(&MessageSend {
        room_id: "ops".into(),
        text: "room news".into(),
    })
    .await
    .expect("room message");
    bob.send_dm(&DmSend {
        recipient_id: "alice".into(),
        text: "are you there?".into(),
    })
    .await
    .expect("dm");
    // and carol writes to alice for the first time
    post(
        &server.url(),
        "/api/messages",
        &token("carol", Role::Viewer),
        json!({"receiverId": "alice", "text": "hello from carol"}),
    )
    .await;
    assert!(
        !server.connected_users().await.contains(&"alice".to_owned()),
        "the test window closed: alice reconnected before everything was sent"
    );

    // back by itself, with the missed notification, then connected
    let mut caught_up = None;
    let mut missed = None;
    let mut kpis_again = false;
    let mut messages = Vec::new();
    let connected = next_matching(&mut events, "connected again", |e| match e {
        ClientEvent::Server(ServerEvent::NotificationNew(n)) if n.id == id => {
            missed = Some(n.clone());
            false
        }
        ClientEvent::Server(ServerEvent::KpiUpdate { module, .. }) if module == "finance" => {
            kpis_again = true;
            false
        }
        ClientEvent::Server(ServerEvent::MessageReceived(m)) => {
            messages.push(format!("{} in {}: {}", m.sender.id, m.room_id, m.text));
            false
        }
        ClientEvent::Server(ServerEvent::DmReceived(m)) => {
            messages.push(format!("{} to {}: {}", m.sender.id, m.recipient_id, m.text));
            false
        }
        ClientEvent::CaughtUp(r) => {
            caught_up = Some(*r);
            false
        }
        ClientEvent::State(s) => s.is_connected(),
        _ => false,
    })
    .await;
    assert!(matches!(connected, ClientEvent::State(_)));
    let missed = missed.expect("the notification sent during the outage was caught up");
    assert_eq!(missed.title, "While you were away");
    let report = caught_up.expect("catch-up report");
    assert_eq!(report.notifications, 1);
    messages.sort();
    assert_eq!(
        messages,
        vec![
            "bob in ops: room news",
            "bob to alice: are you there?",
            "carol to alice: hello from carol",
        ],
        "room messages and direct messages sent during the outage, each once"
    );
    assert_eq!(report.messages, 3);
    assert!(report.complete);
    // re-subscribed without being asked: the module snapshot came again...
    assert!(kpis_again, "kpi:update:finance after the reconnect");
    // ...and tracking works again
    post(
        &server.url(),
        "/api/vehicles/v1/locations",
        &dispatcher,
        json!({"lat": 48.85, "lng": 2.35, "speed": 30}),
    )
    .await;
    next_server(
        &mut events,
        "tracking:update after the reconnect",
        |e| matches!(e, ServerEvent::TrackingUpdate(l) if l.vehicle_id == "v1"),
    )
    .await;
    // the unread count was refreshed as part of the catch-up
    assert_eq!(client.notification_count().await.expect("count").count, 1);

    client.shutdown().await;
    bob.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn the_first_connect_is_retried_until_the_server_exists() {
    init_tracing();
    let addr = free_addr().await;
    let (client, mut events) = Client::start(
        fast_config(format!("http://{addr}")).with_token(token("early", Role::Viewer)),
    );
    // a few failed attempts with growing delays
    let mut attempts = Vec::new();
    while attempts.len() < 3 {
        let s = next_state(&mut events, "reconnecting", |s| {
            matches!(s, ConnectionState::Reconnecting { .. })
        })
        .await;
        if let ConnectionState::Reconnecting { attempt, .. } = s {
            attempts.push(attempt);
        }
    }
    assert_eq!(attempts, vec![2, 3, 4]);

    let dir = std::sync::Arc::new(tempfile::tempdir().expect("tempdir"));
    let db = dir.path().join("opsdeck.db");
    let server = TestServer::start_at(addr, dir, db).await;
    let state = client.wait_connected(WAIT).await.expect("connected");
    assert!(matches!(state, ConnectionState::Connected { user: Some(u), .. } if u.id == "early"));
    client.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn refused_credentials_stop_until_a_new_token() {
    init_tracing();
    let server = TestServer::start().await;
    let (client, mut events) = Client::start(fast_config(server.url()).with_token("not-a-jwt"));
    let state = next_state(&mut events, "auth failure", |s| {
        matches!(s, ConnectionState::AuthFailed { .. })
    })
    .await;
    let ConnectionState::AuthFailed { message } = state else {
        unreachable!()
    };
    assert!(message.starts_with("Authentication error"), "{message}");
    // no blind retries: the refusal count stays put
    let refused = server.metric("opsdeck_auth_failures_total").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(server.metric("opsdeck_auth_failures_total").await, refused);
    assert!(matches!(
        client.current_state(),
        ConnectionState::AuthFailed { .. }
    ));
    assert_eq!(
        client.online_count().await.unwrap_err(),
        ClientError::Disconnected
    );

    // a new token: connects at once
    client.set_token(Some(token("bob", Role::Viewer)));
    let state = client.wait_connected(WAIT).await.expect("connected");
    assert!(matches!(state, ConnectionState::Connected { user: Some(u), .. } if u.id == "bob"));
    client.shutdown().await;

    // without a token at all (anonymous access is off): refused, auth_required recorded
    let (anon, mut events) = Client::start(fast_config(server.url()));
    next_state(&mut events, "auth failure", |s| {
        matches!(s, ConnectionState::AuthFailed { .. })
    })
    .await;
    assert_eq!(anon.capabilities().auth_required, Some(true));
    anon.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn shutdown_leaves_no_reconnect_attempts() {
    init_tracing();
    let server = TestServer::start().await;
    let (client, mut events) =
        Client::start(fast_config(server.url()).with_token(token("carol", Role::Viewer)));
    client.wait_connected(WAIT).await.expect("connected");
    client.subscribe_dashboard().await.expect("dashboard");
    assert!(server.connected_users().await.contains(&"carol".to_owned()));

    client.shutdown().await;
    assert_eq!(
        client.current_state(),
        ConnectionState::Disconnected {
            reason: "shut down".into()
        }
    );
    next_state(&mut events, "disconnected", |s| {
        matches!(s, ConnectionState::Disconnected { .. })
    })
    .await;
    client.shutdown().await; // idempotent

    // gone from the server...
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.connected_users().await.contains(&"carol".to_owned()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "carol still connected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ...and never back, not even to a restarted server (several backoff periods later)
    let server = server.restart().await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(server.metric("opsdeck_connections_total").await, 0.0);
    assert!(server.connected_users().await.is_empty());
    // the stream ends once the last handle is gone
    drop(client);
    let end = tokio::time::timeout(WAIT, async { while events.recv().await.is_some() {} }).await;
    assert!(
        end.is_ok(),
        "event stream still open after the client was dropped"
    );
    server.stop().await;
}

#[tokio::test]
async fn subscriptions_made_offline_are_restored_despite_the_rate_limit() {
    init_tracing();
    const VEHICLES: usize = 130; // more than the server's burst of 100 events per socket
    let server = TestServer::start().await;
    let dispatcher = token("disp", Role::Dispatcher);
    for i in 0..VEHICLES {
        post(
            &server.url(),
            "/api/vehicles",
            &dispatcher,
            json!({"id": format!("v{i}"), "plateNumber": format!("P-{i}")}),
        )
        .await;
    }
    let (addr, dir, db) = (server.addr, server.dir.clone(), server.db.clone());
    server.stop().await;

    let (client, mut events) = Client::start(
        fast_config(format!("http://{addr}")).with_token(token("watcher", Role::Viewer)),
    );
    for i in 0..VEHICLES {
        let s = client
            .subscribe_vehicle(&format!("v{i}"))
            .await
            .expect("recorded");
        assert_eq!(s, Subscribed::Pending);
    }
    let server = TestServer::start_at(addr, dir, db).await;
    let mut seen = std::collections::HashSet::new();
    next_matching(&mut events, "every vehicle:updated", |e| {
        match e {
            ClientEvent::Server(ServerEvent::VehicleUpdated(v)) => {
                seen.insert(v.vehicle_id.clone());
            }
            ClientEvent::SubscriptionFailed {
                subscription,
                error,
            } => {
                panic!("{subscription:?} dropped: {error}")
            }
            _ => {}
        }
        seen.len() == VEHICLES
    })
    .await;
    assert_eq!(client.subscriptions().len(), VEHICLES);
    client.wait_connected(WAIT).await.expect("connected");
    client.shutdown().await;
    server.stop().await;
}
