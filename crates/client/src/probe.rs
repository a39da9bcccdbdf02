//! Capability detection (see `capabilities.rs` for what is detected and why).
//!
//! The probes run on separate, short-lived connections. rust_socketio never forgets an ack
//! it asked for and got no answer to, and it matches acks by an id drawn at random below
//! 1000: a later request that draws the id of an unanswered one gets its answer handed to
//! both entries, then removes entries by stale indices (dropping another request's entry,
//! or panicking its reader when the index runs past the end). Unanswered probes are exactly
//! such entries, so no connection may carry a request alongside or after one:
//! - the probes run one at a time on one connection while the server answers them (a
//!   server that answers everything never sees two requests in flight);
//! - after the first unanswered one, that connection is done, and each remaining probe runs
//!   alone on a connection of its own, all in parallel (a server that ignores one of our
//!   events likely ignores most, and waiting for each in turn would take a probe timeout
//!   per feature).

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
    let conn = Conn::start(0, opened, 1, None, observing(&observed));
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
    let lost = conn.signals.is_lost();
    conn.close().await;
    if lost {
        tracing::debug!("capability probe connection died while probing");
        return None;
    }
    let rest: Vec<Probe> = pending.collect();
    let alone = join_all(rest.iter().map(|p| run_alone(config, token, p, &observed))).await;
    // a probe whose own connection failed tells nothing: its feature stays `Unknown`
    answered.extend(
        rest.iter()
            .zip(alone)
            .filter_map(|(p, ok)| Some((p.feature, ok?))),
    );
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

/// A pump sink that records which features the server sent events of.
fn observing(observed: &Arc<watch::Sender<HashSet<Feature>>>) -> EventSink {
    let observed = observed.clone();
    Box::new(move |_signals, ev| {
        if let Some(f) = ev.feature() {
            observed.send_if_modified(|s| s.insert(f));
        }
    })
}

/// Runs `p` alone on a connection of its own. `None` when that connection could not be made
/// or died meanwhile.
async fn run_alone(
    config: &ClientConfig,
    token: Option<&str>,
    p: &Probe,
    observed: &Arc<watch::Sender<HashSet<Feature>>>,
) -> Option<bool> {
    let opened = match connection::open(config, token).await {
        Ok(o) => o,
        Err(e) => {
            tracing::debug!(error = ?e, event = p.event, "capability probe connection failed");
            return None;
        }
    };
    let conn = Conn::start(0, opened, 1, None, observing(observed));
    let ok = run(&conn, p, config.probe_timeout, observed).await;
    let lost = conn.signals.is_lost();
    conn.close().await;
    (!lost).then_some(ok)
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
