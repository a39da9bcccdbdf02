//! PROTOCOL.md §1 with the rust_socketio client: accepted and refused handshakes.

mod common;

use common::*;
use opsdeck_protocol::Role;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_token_connects_and_gets_connected() {
    let srv = TestServer::start(|_| {}).await;
    let c = connect(&srv.url(), &token("alice", Role::Dispatcher)).await;
    assert_eq!(
        c.connected["user"],
        json!({"id": "alice", "name": "alice Test", "role": "dispatcher"})
    );
    assert!(
        c.connected["socketId"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(c.connected["serverTime"].as_str().unwrap()).is_ok()
    );
    c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_are_refused_in_the_handshake() {
    let srv = TestServer::start(|_| {}).await;
    let url = srv.url();
    let exp = in_an_hour();
    let b64 = |v: serde_json::Value| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let alg_none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(json!({"sub": "mallory", "role": "admin", "exp": exp}))
    );
    let cases = [
        ("no token", None),
        ("garbage", Some(json!({"token": "not-a-jwt"}))),
        (
            "bad signature",
            Some(
                json!({"token": sign(json!({"sub": "a", "role": "admin", "exp": exp}), b"some-other-secret-some-other-secret")}),
            ),
        ),
        (
            "expired",
            Some(
                json!({"token": sign(json!({"sub": "a", "role": "admin", "exp": exp - 7200}), SECRET)}),
            ),
        ),
        ("alg none", Some(json!({"token": alg_none}))),
        (
            "missing role",
            Some(json!({"token": sign(json!({"sub": "a", "exp": exp}), SECRET)})),
        ),
        (
            "unknown role",
            Some(json!({"token": sign(json!({"sub": "a", "role": "root", "exp": exp}), SECRET)})),
        ),
        (
            "no exp",
            Some(json!({"token": sign(json!({"sub": "a", "role": "admin"}), SECRET)})),
        ),
        ("query userId only", Some(json!({"userId": "alice"}))),
    ];
    for (what, auth) in cases {
        let why = refused(&url, "/", auth).await;
        assert!(why.contains("Authentication error:"), "{what}: {why}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_viewers_only_when_enabled() {
    let srv = TestServer::start(|c| c.allow_anonymous = true).await;
    let c = match try_connect(&srv.url(), "/", None).await {
        Outcome::Connected(c) => c,
        Outcome::Refused(why) => panic!("anonymous refused: {why}"),
    };
    assert_eq!(c.connected["user"]["role"], "viewer");
    // A viewer may not send notifications.
    let r = c
        .ack(
            "notification:send",
            json!({"title": "t", "message": "m", "type": "info", "target": {"kind": "all"}}),
        )
        .await;
    assert_eq!(r["error"]["code"], "forbidden");
    c.close().await;
    // A bad token is still refused: anonymous access is for clients without one.
    let why = refused(&srv.url(), "/", Some(json!({"token": "bad"}))).await;
    assert!(why.contains("Authentication error"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_namespace_requires_role_admin() {
    let srv = TestServer::start(|_| {}).await;
    let why = refused(
        &srv.url(),
        "/admin",
        Some(json!({"token": token("dave", Role::Dispatcher)})),
    )
    .await;
    assert!(why.contains("forbidden"), "{why}");
    let admin = connect_ns(&srv.url(), "/admin", &token("root", Role::Admin)).await;
    let rooms = admin.ack("rooms:list", json!({})).await;
    assert_eq!(rooms["success"], true);
    admin.close().await;
}
