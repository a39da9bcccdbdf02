//! The reconnect schedule: capped exponential backoff with jitter.
//!
//! Pure arithmetic so it can be tested without clocks: the caller passes the random number.

use std::time::Duration;

/// Delays between connection attempts: `initial * factor^n`, capped at `max`, each multiplied by
/// a random factor in `[1 - jitter, 1 + jitter]` (and capped again), so that many clients cut
/// off by the same server restart do not all come back in the same millisecond.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Growth per failed attempt (>= 1).
    pub factor: f64,
    /// Relative spread, 0..=1 (0.2 = ±20%).
    pub jitter: f64,
}

impl Default for Backoff {
    /// 0.5 s, doubling, capped at 30 s, ±20%.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            factor: 2.0,
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The delay after `failures` consecutive failed attempts (0 = before the first retry).
    /// `unit` is a random number in `[0, 1)`; 0.5 means no jitter.
    pub fn delay(&self, failures: u32, unit: f64) -> Duration {
        let max = self.max.as_secs_f64().max(0.0);
        let factor = if self.factor.is_finite() {
            self.factor.max(1.0)
        } else {
            1.0
        };
        // factor^failures overflows to inf for large exponents; min() tames it.
        let exp = factor.powi(failures.min(1024) as i32);
        let base = (self.initial.as_secs_f64() * exp).min(max);
        let jitter = if self.jitter.is_finite() {
            self.jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let spread = 1.0 + jitter * (2.0 * unit - 1.0);
        Duration::from_secs_f64((base * spread).clamp(0.0, max))
    }

    /// [`Backoff::delay`] with a fresh random number.
    pub fn delay_random(&self, failures: u32) -> Duration {
        self.delay(failures, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(d: Duration) -> u128 {
        d.as_millis()
    }

    #[test]
    fn grows_exponentially_then_caps() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
            factor: 2.0,
            jitter: 0.0,
        };
        let schedule: Vec<u128> = (0..7).map(|n| ms(b.delay(n, 0.9))).collect();
        assert_eq!(schedule, vec![100, 200, 400, 800, 1000, 1000, 1000]);
        assert_eq!(ms(b.delay(u32::MAX, 0.5)), 1000);
    }

    #[test]
    fn jitter_stays_within_bounds_and_under_the_cap() {
        let b = Backoff {
            initial: Duration::from_millis(1000),
            max: Duration::from_millis(1500),
            factor: 2.0,
            jitter: 0.2,
        };
        assert_eq!(ms(b.delay(0, 0.0)), 800);
        assert_eq!(ms(b.delay(0, 0.5)), 1000);
        assert_eq!(ms(b.delay(0, 1.0)), 1200);
        // capped base 1500 * 1.2 would exceed max: clamped
        assert_eq!(ms(b.delay(3, 1.0)), 1500);
        assert_eq!(ms(b.delay(3, 0.0)), 1200);
        for _ in 0..1000 {
            let d = b.delay_random(1);
            assert!(d >= Duration::from_millis(1200) && d <= Duration::from_millis(1500));
        }
    }

    #[test]
    fn tolerates_nonsense_parameters() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(300),
            factor: f64::NAN,
            jitter: 7.0,
        };
        assert_eq!(ms(b.delay(5, 0.5)), 100);
        assert_eq!(ms(b.delay(5, 1.0)), 200);
        let shrinking = Backoff {
            factor: 0.1,
            jitter: 0.0,
            ..b
        };
        assert_eq!(ms(shrinking.delay(3, f64::NAN)), 100);
    }
}
