//! Low-fuel detection with hysteresis (PROTOCOL.md §5): alert once per crossing below the
//! threshold, re-arm only once the level is back above threshold + margin.

/// Per-vehicle low-fuel state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FuelAlarm {
    /// No level known yet.
    #[default]
    Unknown,
    /// Armed: the next reading below the threshold alerts.
    Armed,
    /// Alerted; waiting for the level to rise above threshold + margin.
    Tripped,
}

impl FuelAlarm {
    /// Feeds a reading; returns the new state and whether to alert.
    pub fn observe(self, level: f64, threshold: f64, rearm_margin: f64) -> (Self, bool) {
        match self {
            FuelAlarm::Unknown | FuelAlarm::Armed if level < threshold => {
                (FuelAlarm::Tripped, true)
            }
            FuelAlarm::Unknown | FuelAlarm::Armed => (FuelAlarm::Armed, false),
            FuelAlarm::Tripped if level > threshold + rearm_margin => (FuelAlarm::Armed, false),
            FuelAlarm::Tripped => (FuelAlarm::Tripped, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(levels: &[f64]) -> Vec<bool> {
        let mut s = FuelAlarm::default();
        levels
            .iter()
            .map(|l| {
                let (n, alert) = s.observe(*l, 15.0, 5.0);
                s = n;
                alert
            })
            .collect()
    }

    #[test]
    fn alerts_once_per_crossing_with_hysteresis() {
        assert_eq!(
            run(&[
                40.0, 20.0, 14.9, 10.0, 16.0, 14.0, 19.9, 20.0, 14.0, 21.0, 14.0
            ]),
            [
                false, false, true, false, false, false, false, false, false, false, true
            ]
        );
    }

    #[test]
    fn a_first_reading_below_counts_as_a_crossing() {
        assert_eq!(run(&[5.0, 4.0]), [true, false]);
    }
}
