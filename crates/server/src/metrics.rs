//! Counters behind `stats` (PROTOCOL.md §8) and `/metrics` (Prometheus text format).
//!
//! Counters are relaxed atomics bumped on the hot path; a once-a-second sampler turns them
//! into rates, so nothing on the hot path takes a lock.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Monotonic counters, and the one gauge kept on the hot path (`main_sockets`).
#[derive(Debug, Default)]
pub struct Counters {
    /// Client→server events received.
    pub events_in: AtomicU64,
    /// Server→client events, counted once per receiving socket.
    pub events_out: AtomicU64,
    /// Server→client payload bytes, counted once per receiving socket.
    pub bytes_out: AtomicU64,
    /// Sockets accepted since start.
    pub connections_total: AtomicU64,
    /// Handshakes refused (authentication).
    pub auth_failures: AtomicU64,
    /// Events refused by the rate limit.
    pub rate_limited: AtomicU64,
    /// Notifications stored.
    pub notifications: AtomicU64,
    /// Server→client events and acks refused because the socket's send queue was full (a
    /// client not keeping up) or closing; counted per socket.
    pub emits_refused: AtomicU64,
    /// Sockets connected to the main namespace now (a gauge), so a broadcast to all of them
    /// knows its audience without walking the namespace a second time.
    pub main_sockets: AtomicU64,
}

impl Counters {
    /// Adds `n` to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
    /// Subtracts `n` from the gauge `counter`.
    pub fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }
    /// The current value of `counter`.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Per-second rates over the last sampling interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Events in per second.
    pub events_in: f64,
    /// Events out per second.
    pub events_out: f64,
    /// Bytes out per second.
    pub bytes_out: f64,
}

/// Turns counters into rates; call [`Sampler::sample`] about once a second.
#[derive(Debug)]
pub struct Sampler {
    last: Mutex<(Instant, u64, u64, u64)>,
    latest: Mutex<Rates>,
}

impl Sampler {
    /// A sampler starting now.
    pub fn new(c: &Counters) -> Self {
        Self {
            last: Mutex::new((
                Instant::now(),
                Counters::get(&c.events_in),
                Counters::get(&c.events_out),
                Counters::get(&c.bytes_out),
            )),
            latest: Mutex::new(Rates::default()),
        }
    }

    /// The rates of the most recent [`Sampler::sample`].
    pub fn latest(&self) -> Rates {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Rates since the previous sample.
    pub fn sample(&self, c: &Counters) -> Rates {
        let now = Instant::now();
        let cur = (
            Counters::get(&c.events_in),
            Counters::get(&c.events_out),
            Counters::get(&c.bytes_out),
        );
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let dt = now.duration_since(last.0).as_secs_f64().max(1e-3);
        let rates = Rates {
            events_in: cur.0.saturating_sub(last.1) as f64 / dt,
            events_out: cur.1.saturating_sub(last.2) as f64 / dt,
            bytes_out: cur.2.saturating_sub(last.3) as f64 / dt,
        };
        *last = (now, cur.0, cur.1, cur.2);
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = rates;
        rates
    }
}

/// Turns [`Counters::emits_refused`] into at most one warning per `every`: operators of a
/// headless server learn from the log that some client is losing events.
#[derive(Debug)]
pub struct RefusedReport {
    every: Duration,
    reported: u64,
    last: Option<Instant>,
}

impl RefusedReport {
    /// Reports at most once per `every`.
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            reported: 0,
            last: None,
        }
    }

    /// How many emits were refused since the last report, when a report is due at `now`
    /// given the counter's `total`.
    pub fn due(&mut self, total: u64, now: Instant) -> Option<u64> {
        let new = total.saturating_sub(self.reported);
        if new == 0
            || self
                .last
                .is_some_and(|t| now.duration_since(t) < self.every)
        {
            return None;
        }
        self.reported = total;
        self.last = Some(now);
        Some(new)
    }
}

/// Resident set size of this process in bytes (0 where unknown).
pub fn rss_bytes() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // statm: size resident shared ... in pages.
        if let Ok(s) = std::fs::read_to_string("/proc/self/statm")
            && let Some(pages) = s
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        {
            return pages * 4096;
        }
    }
    0
}

/// Gauges rendered next to the counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    /// Connected sockets.
    pub connections: u64,
    /// Online users.
    pub users: u64,
    /// Rooms in use.
    pub rooms: u64,
    /// Process RSS.
    pub rss_bytes: u64,
    /// Seconds since start.
    pub uptime_s: u64,
}

/// Renders the Prometheus text exposition format.
pub fn render(c: &Counters, g: &Gauges) -> String {
    let mut out = String::with_capacity(2048);
    let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    };
    metric(
        "opsdeck_connections",
        "gauge",
        "Connected sockets.",
        g.connections,
    );
    metric("opsdeck_users_online", "gauge", "Online users.", g.users);
    metric("opsdeck_rooms", "gauge", "Rooms in use.", g.rooms);
    metric(
        "opsdeck_process_resident_memory_bytes",
        "gauge",
        "Resident set size.",
        g.rss_bytes,
    );
    metric(
        "opsdeck_uptime_seconds",
        "gauge",
        "Seconds since start.",
        g.uptime_s,
    );
    let counters = [
        (
            "opsdeck_events_in_total",
            "Client to server events.",
            &c.events_in,
        ),
        (
            "opsdeck_events_out_total",
            "Server to client events, per receiving socket.",
            &c.events_out,
        ),
        (
            "opsdeck_bytes_out_total",
            "Server to client payload bytes.",
            &c.bytes_out,
        ),
        (
            "opsdeck_connections_total",
            "Sockets accepted.",
            &c.connections_total,
        ),
        (
            "opsdeck_auth_failures_total",
            "Refused handshakes.",
            &c.auth_failures,
        ),
        (
            "opsdeck_rate_limited_total",
            "Events refused by the rate limit.",
            &c.rate_limited,
        ),
        (
            "opsdeck_notifications_total",
            "Notifications stored.",
            &c.notifications,
        ),
        (
            "opsdeck_emits_refused_total",
            "Server to client events and acks refused by a full or closing send queue.",
            &c.emits_refused,
        ),
    ];
    for (name, help, v) in counters {
        metric(name, "counter", help, Counters::get(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let c = Counters::default();
        Counters::add(&c.events_in, 7);
        let text = render(
            &c,
            &Gauges {
                connections: 3,
                ..Default::default()
            },
        );
        assert!(text.contains("# TYPE opsdeck_connections gauge\nopsdeck_connections 3\n"));
        assert!(text.contains("opsdeck_events_in_total 7\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            assert!(parts.next().unwrap().starts_with("opsdeck_"));
            parts.next().unwrap().parse::<u64>().unwrap();
        }
    }

    #[test]
    fn refused_emits_are_reported_at_most_once_per_period() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut r = RefusedReport::new(s(60));
        assert_eq!(r.due(0, t0), None, "nothing refused, nothing to say");
        assert_eq!(r.due(5, t0), Some(5));
        assert_eq!(r.due(9, t0 + s(30)), None, "too soon");
        assert_eq!(
            r.due(12, t0 + s(61)),
            Some(7),
            "everything since the last report"
        );
        assert_eq!(r.due(12, t0 + s(200)), None, "no new refusals");
        assert_eq!(r.due(13, t0 + s(201)), Some(1));
    }

    #[test]
    fn sampler_reports_rates() {
        let c = Counters::default();
        let s = Sampler::new(&c);
        Counters::add(&c.events_out, 1000);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let r = s.sample(&c);
        assert!(r.events_out > 0.0);
        assert_eq!(r.events_in, 0.0);
        assert_eq!(s.latest(), r);
        assert_eq!(s.sample(&c).events_out, 0.0);
    }

    #[test]
    fn rss_is_measured_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(rss_bytes() > 1024 * 1024);
        }
    }
}
