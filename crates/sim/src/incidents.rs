//! Emergencies: rare events drawn as one Poisson process for the whole fleet, so their cost
//! does not grow with the number of vehicles and their rate is exactly "per vehicle-hour".

use rand::Rng;

/// Emergencies per 1000 vehicle-hours.
pub const EMERGENCIES_PER_1000_VEHICLE_HOURS: f64 = 3.0;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmergencyKind {
    /// Mechanical failure: the vehicle stops, is repaired on the spot.
    Breakdown,
    /// Collision: the vehicle stops, is inspected and repaired.
    Accident,
    /// The driver pressed the SOS button; resolved after a while, the trip goes on.
    Sos,
    /// The driver is unwell; a relief driver takes over later.
    Medical,
}

impl EmergencyKind {
    /// The `type` sent in `emergency:raise`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breakdown => "breakdown",
            Self::Accident => "accident",
            Self::Sos => "sos",
            Self::Medical => "medical",
        }
    }

    /// Draws a kind: breakdowns most often; accidents only while moving.
    pub fn draw(moving: bool, rng: &mut impl Rng) -> Self {
        let u: f64 = rng.random();
        match u {
            u if u < 0.45 => Self::Breakdown,
            u if u < 0.65 && moving => Self::Accident,
            u if u < 0.65 => Self::Breakdown,
            u if u < 0.83 => Self::Medical,
            _ => Self::Sos,
        }
    }

    /// A driver's message, mentioning where it happened.
    pub fn message(self, district: &str, rng: &mut impl Rng) -> String {
        let options: &[&str] = match self {
            Self::Breakdown => &[
                "Engine overheating, pulled over",
                "Flat tyre, cannot continue",
                "Battery failure, vehicle will not start",
                "Warning light on, coolant leak",
            ],
            Self::Accident => &[
                "Minor collision, no injuries",
                "Rear-ended at a junction",
                "Side collision, police informed",
            ],
            Self::Sos => &["SOS button pressed", "Driver requests assistance"],
            Self::Medical => &[
                "Driver feeling unwell, stopped safely",
                "Driver reports dizziness, requesting relief driver",
            ],
        };
        let text = options[rng.random_range(0..options.len())];
        format!("{text} ({district})")
    }

    /// Whether the open trip is cancelled.
    pub fn cancels_trip(self) -> bool {
        !matches!(self, Self::Sos)
    }

    /// How long the vehicle stays in `emergency` status, seconds.
    pub fn alert_s(self, rng: &mut impl Rng) -> f64 {
        match self {
            Self::Breakdown => rng.random_range(900.0..2400.0),
            Self::Accident => rng.random_range(1200.0..2700.0),
            Self::Sos => rng.random_range(300.0..900.0),
            Self::Medical => rng.random_range(600.0..1200.0),
        }
    }

    /// How long an on-the-spot repair (status `maintenance`) takes afterwards, if any, seconds.
    pub fn repair_s(self, rng: &mut impl Rng) -> Option<f64> {
        match self {
            Self::Breakdown => Some(rng.random_range(1800.0..5400.0)),
            Self::Accident => Some(rng.random_range(3600.0..10800.0)),
            Self::Sos | Self::Medical => None,
        }
    }

    /// Parked time after the emergency is cleared, before the next decision, seconds.
    pub fn recovery_s(self, rng: &mut impl Rng) -> f64 {
        match self {
            Self::Medical => rng.random_range(600.0..1200.0),
            _ => rng.random_range(60.0..180.0),
        }
    }

    /// Reason given when the open trip is cancelled.
    pub fn cancel_reason(self) -> &'static str {
        match self {
            Self::Breakdown => "Vehicle breakdown",
            Self::Accident => "Vehicle involved in an accident",
            Self::Sos => "SOS raised by driver",
            Self::Medical => "Driver medical emergency",
        }
    }
}

/// Microseconds until the next emergency in a fleet of `vehicles` (exponential gap);
/// `u64::MAX` for an empty fleet.
pub fn next_gap_us(vehicles: usize, rng: &mut impl Rng) -> u64 {
    if vehicles == 0 {
        return u64::MAX;
    }
    let per_s = EMERGENCIES_PER_1000_VEHICLE_HOURS / 1000.0 / 3600.0 * vehicles as f64;
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    (-u.ln() / per_s * 1e6).min(1e18) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rate_matches_the_target() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let mean_s: f64 = (0..n)
            .map(|_| next_gap_us(1000, &mut rng) as f64 / 1e6)
            .sum::<f64>()
            / f64::from(n);
        // 1000 vehicles: 3 per hour, one every 1200 s.
        assert!((mean_s - 1200.0).abs() < 40.0, "{mean_s}");
        assert_eq!(next_gap_us(0, &mut rng), u64::MAX);
    }

    #[test]
    fn accidents_need_motion() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for _ in 0..1000 {
            assert_ne!(
                EmergencyKind::draw(false, &mut rng),
                EmergencyKind::Accident
            );
        }
        let kinds: std::collections::HashSet<_> = (0..1000)
            .map(|_| EmergencyKind::draw(true, &mut rng))
            .collect();
        assert_eq!(kinds.len(), 4);
    }
}
