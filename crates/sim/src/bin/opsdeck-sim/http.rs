//! `--http` mode: positions go to `POST /api/vehicles/{id}/locations` in batches (one request
//! per vehicle every few seconds), status and emergencies to their own endpoints, KPIs to
//! `POST /api/kpis/{moduleKey}`. Requests run concurrently up to a fixed number in flight and
//! queue behind them up to a bound; beyond that a request is dropped and counted as unsent, so
//! a stalled server cannot make the simulator's memory grow.

use std::sync::Arc;
use std::time::Duration;

use opsdeck_protocol::fleet::{LocationReport, LocationSample, VehicleUpsert};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::device::ACK_TIMEOUT;
use crate::stats::{Kind, Stats};

/// Requests in flight at most.
const IN_FLIGHT: usize = 512;
/// Requests queued or in flight at most.
const QUEUED: usize = 32_768;

/// How one request went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Ok,
    /// Refused, with the error code of the body (or `http_<status>`).
    Rejected(String),
    /// No answer in time, or no connection.
    Lost,
}

/// The REST client.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    base: String,
    token: String,
    stats: Arc<Stats>,
    permits: Arc<Semaphore>,
    queue: Arc<Semaphore>,
}

/// The `http(s)://host:port` base of a server URL given as http(s) or ws(s).
pub fn http_base(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else {
        url.to_owned()
    }
}

/// A batch item: the report without its vehicle id (the path names the vehicle).
pub fn sample(r: LocationReport) -> LocationSample {
    LocationSample {
        vehicle_id: None,
        lat: r.lat,
        lng: r.lng,
        speed: r.speed,
        heading: r.heading,
        accuracy: r.accuracy,
        fuel_level: r.fuel_level,
        ts: r.ts,
    }
}

impl Http {
    /// A client for the server at `url`.
    pub fn new(url: &str, token: &str, stats: Arc<Stats>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(ACK_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(IN_FLIGHT)
            .build()?;
        Ok(Self {
            client,
            base: http_base(url),
            token: token.to_owned(),
            stats,
            permits: Arc::new(Semaphore::new(IN_FLIGHT)),
            queue: Arc::new(Semaphore::new(QUEUED)),
        })
    }

    /// POSTs `body` to `path` and classifies the answer.
    pub async fn post<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Outcome {
        post(&self.client, &self.base, &self.token, path, body).await
    }

    /// Registers every vehicle (`POST /api/vehicles`), [`IN_FLIGHT`] at a time; returns how
    /// many succeeded.
    pub async fn register(&self, vehicles: Vec<VehicleUpsert>) -> usize {
        let kind = Kind::Other("vehicle:upsert");
        let mut set = tokio::task::JoinSet::new();
        let mut ok = 0;
        for v in vehicles {
            let Ok(permit) = Arc::clone(&self.permits).acquire_owned().await else {
                break;
            };
            let this = self.clone();
            set.spawn(async move {
                let _permit = permit;
                this.stats.sent(kind, 1);
                let outcome = this.post("/api/vehicles", &v).await;
                this.count(kind, 1, &outcome);
                outcome == Outcome::Ok
            });
        }
        while let Some(r) = set.join_next().await {
            ok += usize::from(r.unwrap_or(false));
        }
        ok
    }

    /// Sends `body` to `path` in the background, counting it as `n` requests of `kind` (sent
    /// as soon as it is queued); dropped (counted unsent) when too many are queued already.
    pub fn spawn_post<T: Serialize + Send + Sync + 'static>(
        &self,
        path: String,
        body: T,
        kind: Kind,
        n: u64,
    ) {
        let Ok(slot) = Arc::clone(&self.queue).try_acquire_owned() else {
            self.stats.unsent(kind, n);
            return;
        };
        self.stats.sent(kind, n);
        let this = self.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let Ok(_permit) = Arc::clone(&this.permits).acquire_owned().await else {
                return;
            };
            let outcome = this.post(&path, &body).await;
            this.count(kind, n, &outcome);
        });
    }

    fn count(&self, kind: Kind, n: u64, outcome: &Outcome) {
        match outcome {
            Outcome::Ok => self.stats.ok(kind, n),
            Outcome::Rejected(code) => self.stats.rejected(kind, n, code),
            Outcome::Lost => self.stats.lost(kind, n),
        }
    }

    /// Waits (up to `limit`) until no request is queued or in flight.
    pub async fn drain(&self, limit: Duration) {
        let all = u32::try_from(QUEUED).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(limit, self.queue.acquire_many(all)).await;
    }
}

async fn post<T: Serialize + ?Sized>(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: &T,
) -> Outcome {
    let sent = client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await;
    match sent {
        Ok(resp) if resp.status().is_success() => Outcome::Ok,
        Ok(resp) => {
            let status = resp.status().as_u16();
            let code = resp
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("http_{status}"));
            Outcome::Rejected(code)
        }
        Err(e) => {
            tracing::debug!(error = %e, %path, "request failed");
            Outcome::Lost
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        assert_eq!(http_base("http://127.0.0.1:4000/"), "http://127.0.0.1:4000");
        assert_eq!(http_base("ws://h:1"), "http://h:1");
        assert_eq!(http_base("wss://h"), "https://h");
    }
}
