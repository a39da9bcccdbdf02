//! Ack latency of position reports: a lock-free log-linear histogram (4 sub-buckets per power
//! of two of microseconds, so a quantile is reported within 19 % of its true value), shared by
//! every device task.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Sub-buckets per power of two.
const SUB: u32 = 4;
/// Buckets: powers of two up to 2^40 µs (≈ 12 days), far beyond any ack timeout.
const BUCKETS: usize = (41 * SUB) as usize;

/// Bucket of a latency in microseconds.
fn bucket(us: u64) -> usize {
    if us < u64::from(SUB) {
        return us as usize;
    }
    let exp = 63 - us.leading_zeros(); // floor(log2(us)) ≥ 2
    let sub = (us >> (exp - 2)) & u64::from(SUB - 1);
    ((exp - 1) * SUB + sub as u32).min(BUCKETS as u32 - 1) as usize
}

/// Upper bound (µs) of a bucket: what a quantile falling in it is reported as.
fn upper(b: usize) -> u64 {
    let b = b as u32;
    if b < SUB {
        return u64::from(b);
    }
    let exp = b / SUB + 1;
    let sub = u64::from(b % SUB);
    ((SUB as u64 + sub + 1) << (exp - 2)) - 1
}

/// Latencies recorded so far.
#[derive(Debug)]
pub struct Histogram {
    counts: Vec<AtomicU64>,
    max_us: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_us: AtomicU64::new(0),
        }
    }
}

/// Quantiles of a [`Histogram`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Values recorded.
    pub count: u64,
    /// Median (upper bound of its bucket).
    pub p50: Duration,
    /// 99th percentile (upper bound of its bucket).
    pub p99: Duration,
    /// Largest value, exact.
    pub max: Duration,
}

impl Histogram {
    /// Records one latency.
    pub fn record(&self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.counts[bucket(us)].fetch_add(1, Relaxed);
        self.max_us.fetch_max(us, Relaxed);
    }

    /// p50, p99 and max of what was recorded.
    pub fn summary(&self) -> Summary {
        let counts: Vec<u64> = self.counts.iter().map(|c| c.load(Relaxed)).collect();
        let count: u64 = counts.iter().sum();
        let max = self.max_us.load(Relaxed);
        let quantile = |q: f64| {
            let rank = ((count as f64 * q).ceil() as u64).max(1);
            let mut seen = 0;
            for (b, c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    return Duration::from_micros(upper(b).min(max));
                }
            }
            Duration::from_micros(max)
        };
        if count == 0 {
            return Summary::default();
        }
        Summary {
            count,
            p50: quantile(0.50),
            p99: quantile(0.99),
            max: Duration::from_micros(max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_cover_their_values() {
        let mut last = 0;
        for us in [
            0u64,
            1,
            3,
            4,
            5,
            7,
            8,
            100,
            1_000,
            65_535,
            1 << 30,
            u64::MAX,
        ] {
            let b = bucket(us);
            assert!(b >= last, "bucket({us}) went back");
            last = b;
            if b < BUCKETS - 1 {
                assert!(upper(b) >= us, "upper({b}) = {} < {us}", upper(b));
                // Within the promised resolution.
                assert!(
                    upper(b) as f64 <= (us as f64 * 1.25).max(3.0),
                    "{us} → {}",
                    upper(b)
                );
            }
        }
    }

    #[test]
    fn quantiles_of_a_known_spread() {
        let h = Histogram::default();
        // 98 fast acks at 2 ms, two slow ones at 400 ms and 12 s.
        for _ in 0..98 {
            h.record(Duration::from_millis(2));
        }
        h.record(Duration::from_millis(400));
        h.record(Duration::from_secs(12));
        let s = h.summary();
        assert_eq!(s.count, 100);
        assert!(
            s.p50 >= Duration::from_millis(2) && s.p50 < Duration::from_micros(2_500),
            "{s:?}"
        );
        assert!(
            s.p99 >= Duration::from_millis(400) && s.p99 < Duration::from_millis(500),
            "{s:?}"
        );
        assert_eq!(s.max, Duration::from_secs(12));
    }

    #[test]
    fn empty_is_zero() {
        assert_eq!(Histogram::default().summary(), Summary::default());
    }
}
