//! Latency histograms (microseconds) and their summary.

use std::sync::Mutex;

use hdrhistogram::Histogram;
use serde::Serialize;

/// A thread-safe latency recorder, 1 µs .. 10 min at 3 significant digits.
#[derive(Debug)]
pub struct Latency {
    hist: Mutex<Histogram<u64>>,
}

impl Default for Latency {
    fn default() -> Self {
        Self {
            hist: Mutex::new(
                Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds"),
            ),
        }
    }
}

impl Latency {
    /// Records one latency in microseconds (clamped into the histogram's range).
    pub fn record_us(&self, us: i64) {
        let v = us.clamp(1, 600_000_000) as u64;
        let mut h = self.hist.lock().unwrap_or_else(|p| p.into_inner());
        let _ = h.record(v);
    }

    /// The summary so far.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.hist.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Forgets everything recorded (after a warm-up).
    pub fn reset(&self) {
        self.hist.lock().unwrap_or_else(|p| p.into_inner()).reset();
    }
}

/// Count and percentiles in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Summary {
    /// Samples.
    pub count: u64,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
}

impl Summary {
    /// Summarises a histogram of microseconds.
    pub fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_uniform_spread() {
        let l = Latency::default();
        for ms in 1..=100 {
            l.record_us(ms * 1000);
        }
        let s = l.summary();
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{s:?}");
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{s:?}");
        assert!((s.max_ms - 100.0).abs() < 0.1, "{s:?}");
    }

    #[test]
    fn empty_and_out_of_range() {
        let l = Latency::default();
        assert_eq!(l.summary(), Summary::default());
        l.record_us(-5);
        l.record_us(i64::MAX);
        let s = l.summary();
        assert_eq!(s.count, 2);
        assert!(s.p50_ms <= 0.002);
        assert!(s.max_ms >= 599_000.0);
        l.reset();
        assert_eq!(l.summary().count, 0);
    }
}
