//! Capability detection (see `capabilities.rs` for what is detected and why).
//!
//! The probes run on a separate, short-lived connection. rust_socketio never forgets an ack
//! it asked for and got no answer to, and a later ack that happens to reuse its random id
//! (ids are drawn below 1000) makes its reader panic; unanswered probes are exactly such
//! acks, so they must not be left on the connection the client keeps. Probes run one at a
//! time while the server answers (so a server that answers everything cannot see two with
//! the same id in flight), and the rest in parallel after the first unanswered one (a server
//! that ignores one of our events likely ignores most, and waiting for each in turn would
//! take a probe timeout per feature).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::join_all;
use tokio::sync::watch;

use crate::capabilities::{self, Capabilities, Feature, Probe, Support};
use crate::config::ClientConfig;
use crate::connection::{self, Conn, EventSink};
use crate::error::ClientError;

/// How long the KPI probe still waits for an ack once the server answered with KPI events.
const ACK_AFTER_EVENT: Duration = Duration::from_millis(250);

/// Detects what the server at `config.url` supports, on a throwaway connection. `None` when
/// that connection could not be made or died while probing.
pub(crate) async fn detect(config: &ClientConfig, token: Option<&str>) -> Option<Capabilities> {
    let opened = match connection::open(config, token).await {
        Ok(o) => o,
        Err(e) => {
            tracing::debug!(error = ?e, "capability probe connection failed");
            return None;
        }
    };
    let observed = Arc::new(watch::Sender::new(HashSet::<Feature>::new()));
    let sink_observed = observed.clone();
    let sink: EventSink = Box::new(move |_signals, ev| {
        if let Some(f) = ev.feature() {
            sink_observed.send_if_modified(|s| s.insert(f));
        }
    });
    let conn = Conn::start(0, opened, 64, None, sink);
    let probes = capabilities::probes(config.is_main_namespace());
    let mut answered: Vec<(Feature, bool)> = Vec::new();
    let mut pending = probes.into_iter();
    for p in pending.by_ref() {
        let ok = run(&conn, &p, config.probe_timeout, &observed).await;
        answered.push((p.feature, ok));
        if !ok {
            break;
        }
    }
    let rest: Vec<Probe> = pending.collect();
    let results = join_all(
        rest.iter()
            .map(|p| run(&conn, p, config.probe_timeout, &observed)),
    )
    .await;
    answered.extend(rest.iter().map(|p| p.feature).zip(results));
    let lost = conn.signals.is_lost();
    conn.close().await;
    if lost {
        tracing::debug!("capability probe connection died while probing");
        return None;
    }
    let seen = observed.borrow().clone();
    let mut caps = Capabilities::default();
    if !config.is_main_namespace() {
        for f in [
            Feature::Presence,
            Feature::Notifications,
            Feature::Kpi,
            Feature::Fleet,
            Feature::Chat,
        ] {
            caps.set(f, Support::Unsupported);
        }
    }
    for (f, ok) in answered {
        caps.set(
            f,
            if ok {
                Support::Full
            } else if seen.contains(&f) {
                Support::EventsOnly
            } else {
                Support::Unsupported
            },
        );
    }
    tracing::debug!(?caps, "capabilities detected");
    Some(caps)
}

/// Whether the server reacted to a request in a way that proves it knows it.
fn answered(r: &Result<serde_json::Value, ClientError>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => e.is_refusal() || matches!(e, ClientError::Decode { .. }),
    }
}

async fn run(
    conn: &Conn,
    p: &Probe,
    timeout: Duration,
    observed: &watch::Sender<HashSet<Feature>>,
) -> bool {
    let request = conn.request_value(p.event, p.payload.clone(), timeout);
    if p.feature != Feature::Kpi {
        return answered(&request.await);
    }
    // The ERP backend answers module:subscribe with kpi:update only, never with an ack.
    let mut rx = observed.subscribe();
    let seen = rx
        .wait_for(|s| s.contains(&Feature::Kpi))
        .map(|r| r.is_ok());
    tokio::pin!(request);
    tokio::select! {
        r = &mut request => answered(&r),
        true = seen => match tokio::time::timeout(ACK_AFTER_EVENT.min(timeout), &mut request).await {
            Ok(r) => answered(&r),
            Err(_) => false,
        },
    }
}
