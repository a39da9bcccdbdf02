//! A request whose ack comes after its timeout keeps its slot until the ack arrives, so the
//! next request cannot be outstanding at the same time. rust_socketio matches acks by an id
//! drawn at random below 1000: two outstanding requests with the same id would both take the
//! first answer, and its reader would panic removing them.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use opsdeck_client::{Client, ClientError};
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};

/// How late the server answers `slow`.
const LATE: Duration = Duration::from_millis(600);

async fn server() -> SocketAddr {
    let (layer, io) = SocketIo::new_layer();
    io.ns("/", |s: SocketRef| {
        s.on("slow", |ack: AckSender| async move {
            tokio::time::sleep(LATE).await;
            let _ = ack.send(&json!({"success": true, "from": "slow"}));
        });
        s.on("echo", |Data(v): Data<Value>, ack: AckSender| async move {
            let _ = ack.send(&json!({"success": true, "from": "echo", "v": v}));
        });
        async {}
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, axum::Router::new().layer(layer)).await;
    });
    addr
}

#[tokio::test]
async fn a_request_after_a_timed_out_one_waits_for_the_late_ack() {
    init_tracing();
    let addr = server().await;
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
    }
}
