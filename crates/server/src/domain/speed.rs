//! Average speed over a sliding window (PROTOCOL.md §5: ETA uses the last 5 minutes of
//! reports), in fixed memory: the window is split into buckets of summed samples.

/// Buckets per window.
const BUCKETS: usize = 30;

/// Sliding-window mean of speed samples.
#[derive(Debug, Clone)]
pub struct SpeedWindow {
    bucket_secs: i64,
    /// (bucket index since the epoch, sum of speeds, samples)
    buckets: [(i64, f32, u16); BUCKETS],
}

impl SpeedWindow {
    /// A window of `window_secs` (at least `BUCKETS` seconds).
    pub fn new(window_secs: i64) -> Self {
        Self {
            bucket_secs: (window_secs / BUCKETS as i64).max(1),
            buckets: [(i64::MIN, 0.0, 0); BUCKETS],
        }
    }

    /// Adds a sample taken at `t_secs` (seconds since the epoch).
    pub fn add(&mut self, t_secs: i64, speed_kmh: f64) {
        let idx = t_secs.div_euclid(self.bucket_secs);
        let slot = &mut self.buckets[idx.rem_euclid(BUCKETS as i64) as usize];
        if slot.0 != idx {
            *slot = (idx, 0.0, 0);
        }
        slot.1 += speed_kmh as f32;
        slot.2 = slot.2.saturating_add(1);
    }

    /// Mean of the samples in the window ending at `now_secs`; `None` without samples.
    pub fn mean(&self, now_secs: i64) -> Option<f64> {
        let now_idx = now_secs.div_euclid(self.bucket_secs);
        let (sum, n) = self
            .buckets
            .iter()
            .filter(|(idx, _, _)| *idx > now_idx - BUCKETS as i64 && *idx <= now_idx)
            .fold((0.0f64, 0u32), |(s, n), (_, bs, bn)| {
                (s + f64::from(*bs), n + u32::from(*bn))
            });
        (n > 0).then(|| sum / f64::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_recent_samples_only() {
        let mut w = SpeedWindow::new(300);
        assert_eq!(w.mean(0), None);
        for t in 0..60 {
            w.add(t, 30.0);
        }
        for t in 60..120 {
            w.add(t, 60.0);
        }
        assert!((w.mean(120).unwrap() - 45.0).abs() < 1e-6);
        // Six minutes later the first minute has left the window.
        for t in 400..420 {
            w.add(t, 90.0);
        }
        assert!((w.mean(420).unwrap() - 90.0).abs() < 1e-6);
        // Long after, nothing is left.
        assert_eq!(w.mean(10_000), None);
    }
}
