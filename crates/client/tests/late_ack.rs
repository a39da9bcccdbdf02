//! A request whose ack comes after its timeout keeps its slot until the ack arrives, so the
//! next request cannot be outstanding at the same time. rust_socketio matches acks by an id
//! drawn at random below 1000: two outstanding requests with the same id would both take the
//! first answer, and its reader would panic removing them. A request never answered at all
//! would leave its entry there for good, so its connection is replaced.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use opsdeck_client::{Client, ClientError};
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};

/// How late the server answers `slow`.
const LATE: Duration = Duration::from_millis(600);

/// The server's address and how many connections it has accepted (capability probes too).
async fn server() -> (SocketAddr, Arc<AtomicUsize>) {
    let connects = Arc::new(AtomicUsize::new(0));
    let counted = connects.clone();
    let (layer, io) = SocketIo::new_layer();
    io.ns("/", move |s: SocketRef| {
        counted.fetch_add(1, Ordering::SeqCst);
        // `never` has a handler that never acks (a server that dropped the request)
        s.on("never", |_ack: AckSender| async {});
        s.on("slow", |ack: AckSender| async move {
            tokio::time::sleep(LATE).await;
            let _ = ack.send(&json!({"success": true, "from": "slow"}));
        });
        s.on("echo", |Data(v): Data<Value>, ack: AckSender| async move {
            let _ = ack.send(&json!({"success": true, "from": "echo", "v": v}));
        });
        async {}
    });
    let addr = serve_layer(layer).await;
    (addr, connects)
}

#[tokio::test]
async fn a_request_after_a_timed_out_one_waits_for_the_late_ack() {
    init_tracing();
    let (addr, _) = server().await;
    let (client, _events) = Client::start(fast_config(format!("http://{addr}")));
    client.wait_connected(WAIT).await.expect("connected");

    for round in 0..3 {
        let sent = tokio::time::Instant::now();
        let err = client
            .request_with_timeout::<_, Value>("slow", &json!({}), Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Timeout { .. }), "{err:?}");

        let answer: Value = client
            .request("echo", &json!(round))
            .await
            .expect("echo answered");
        assert_eq!(
            answer,
            json!({"from": "echo", "v": round}),
            "its own answer"
        );
        let waited = sent.elapsed();
        assert!(
            waited >= LATE - Duration::from_millis(50),
            "the echo went out only once the late ack had arrived ({waited:?})"
        );
        assert!(
            waited < LATE + Duration::from_secs(3),
            "the late ack freed the slot, not the end of the 10 s grace ({waited:?})"
        );
    }
}

#[tokio::test]
async fn a_request_never_answered_retires_its_connection() {
    init_tracing();
    let (addr, connects) = server().await;
    let mut config = fast_config(format!("http://{addr}"));
    config.late_ack_grace = Duration::from_millis(300);
    let (client, _events) = Client::start(config);
    client.wait_connected(WAIT).await.expect("connected");
    let before = connects.load(Ordering::SeqCst);

    let err = client
        .request_with_timeout::<_, Value>("never", &json!({}), Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout { .. }), "{err:?}");

    // Once the grace is over the connection still holding the unanswered request's entry is
    // replaced; requests made while that happens fail as on any lost connection.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut round = 0;
    while round < 3 {
        match client.request::<_, Value>("echo", &json!(round)).await {
            Ok(answer) => {
                assert_eq!(answer, json!({"from": "echo", "v": round}));
                round += 1;
            }
            Err(ClientError::Disconnected) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("echo {round}: {e:?}"),
        }
    }
    assert!(
        connects.load(Ordering::SeqCst) > before,
        "the connection was replaced"
    );
}
