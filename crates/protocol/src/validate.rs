//! Input validation shared by the server and the client: ids, text lengths, ranges, limits.
//!
//! Rules come from PROTOCOL.md: ids match `[A-Za-z0-9_.:@-]{1,64}`; lists cap their `limit`;
//! coordinates and sensor values have fixed ranges (§5).

/// Why a payload was refused. Maps to the `bad_request` code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    /// An id does not match `[A-Za-z0-9_.:@-]{1,64}`.
    #[error("`{field}` must be an id of 1-64 characters from A-Z a-z 0-9 _ . : @ -")]
    InvalidId {
        /// The offending field.
        field: &'static str,
    },
    /// A text is shorter or longer than allowed (counted in characters).
    #[error("`{field}` must be {min}..={max} characters long")]
    TextLength {
        /// The offending field.
        field: &'static str,
        /// Minimum length in characters.
        min: usize,
        /// Maximum length in characters.
        max: usize,
    },
    /// A number is outside its range.
    #[error("`{field}` must be within {min}..={max}")]
    OutOfRange {
        /// The offending field.
        field: &'static str,
        /// Lowest accepted value.
        min: f64,
        /// Highest accepted value.
        max: f64,
    },
    /// A list `limit` above its cap.
    #[error("`limit` must be 1..={cap}")]
    LimitTooHigh {
        /// The cap of this list.
        cap: u32,
    },
    /// Anything else, with an explanation.
    #[error("{0}")]
    Invalid(String),
}

/// A payload that can check itself before the server acts on it.
pub trait Validate {
    /// `Ok(())` when every field is within the protocol's rules.
    fn validate(&self) -> Result<(), ValidationError>;
}

/// Maximum length of an id.
pub const MAX_ID_LEN: usize = 64;

/// Checks an id against `[A-Za-z0-9_.:@-]{1,64}`.
pub fn id(field: &'static str, value: &str) -> Result<(), ValidationError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'@' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::InvalidId { field })
    }
}

/// Checks every id of a list.
pub fn ids(field: &'static str, values: &[String]) -> Result<(), ValidationError> {
    values.iter().try_for_each(|v| id(field, v))
}

/// Checks that `value` has `min..=max` characters (Unicode scalar values, not bytes).
pub fn text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    // Count at most max+1 characters so huge strings cost no more than the limit.
    let n = value.chars().take(max + 1).count();
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(ValidationError::TextLength { field, min, max })
    }
}

/// Checks that a finite number lies within `min..=max`.
pub fn range(field: &'static str, value: f64, min: f64, max: f64) -> Result<(), ValidationError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(())
    } else {
        Err(ValidationError::OutOfRange { field, min, max })
    }
}

/// Checks an optional number with [`range`].
pub fn opt_range(
    field: &'static str,
    value: Option<f64>,
    min: f64,
    max: f64,
) -> Result<(), ValidationError> {
    value.map_or(Ok(()), |v| range(field, v, min, max))
}

/// Resolves a list `limit`: `None` gives `default`; 0 or above `cap` is refused.
pub fn limit(value: Option<u32>, default: u32, cap: u32) -> Result<u32, ValidationError> {
    match value {
        None => Ok(default.min(cap)),
        Some(v) if (1..=cap).contains(&v) => Ok(v),
        Some(_) => Err(ValidationError::LimitTooHigh { cap }),
    }
}

/// Latitude in degrees, −90..90.
pub fn lat(value: f64) -> Result<(), ValidationError> {
    range("lat", value, -90.0, 90.0)
}

/// Longitude in degrees, −180..180.
pub fn lng(value: f64) -> Result<(), ValidationError> {
    range("lng", value, -180.0, 180.0)
}

/// Checks that a number is finite (not NaN or infinite).
pub fn finite(field: &'static str, value: f64) -> Result<(), ValidationError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ValidationError::Invalid(format!(
            "`{field}` must be a finite number"
        )))
    }
}

/// Checks that a finite number is zero or more (e.g. a GPS accuracy in metres).
pub fn non_negative(field: &'static str, value: f64) -> Result<(), ValidationError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(ValidationError::Invalid(format!(
            "`{field}` must be a finite number >= 0"
        )))
    }
}

/// How far into the future a reported timestamp may lie (clock skew of devices, §5).
pub const MAX_FUTURE_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Checks that a reported timestamp is not more than [`MAX_FUTURE_SKEW`] after `now`. Taking
/// `now` as an argument keeps the rule testable and lets a caller use its own clock.
pub fn not_in_future(
    field: &'static str,
    ts: crate::Timestamp,
    now: crate::Timestamp,
) -> Result<(), ValidationError> {
    if ts <= now + MAX_FUTURE_SKEW {
        Ok(())
    } else {
        Err(ValidationError::Invalid(format!(
            "`{field}` must not be more than {} minutes in the future",
            MAX_FUTURE_SKEW.num_minutes()
        )))
    }
}

/// Checks that a list has `min..=max` items.
pub fn count(
    field: &'static str,
    len: usize,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    if (min..=max).contains(&len) {
        Ok(())
    } else {
        Err(ValidationError::Invalid(format!(
            "`{field}` must have {min}..={max} items"
        )))
    }
}

/// Checks an optional text with [`text`].
pub fn opt_text(
    field: &'static str,
    value: Option<&str>,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    value.map_or(Ok(()), |v| text(field, v, min, max))
}

/// Checks an optional id with [`id`].
pub fn opt_id(field: &'static str, value: Option<&str>) -> Result<(), ValidationError> {
    value.map_or(Ok(()), |v| id(field, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_pattern() {
        for ok in [
            "a",
            "alice",
            "veh-001",
            "user@example.com",
            "a:b.c_d",
            &"x".repeat(64),
        ] {
            assert_eq!(id("id", ok), Ok(()), "{ok}");
        }
        for bad in ["", " ", "a b", "é", "a/b", "<script>", &"x".repeat(65)] {
            assert!(id("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_counts_characters() {
        assert!(text("t", "", 1, 3).is_err());
        assert!(text("t", "abc", 1, 3).is_ok());
        assert!(text("t", "ééé", 1, 3).is_ok());
        assert!(text("t", "abcd", 1, 3).is_err());
    }

    #[test]
    fn ranges_reject_nan_and_bounds() {
        assert!(lat(90.0).is_ok());
        assert!(lat(-90.0).is_ok());
        assert!(lat(90.01).is_err());
        assert!(lng(-180.5).is_err());
        assert!(lat(f64::NAN).is_err());
        assert!(range("speed", f64::INFINITY, 0.0, 400.0).is_err());
        assert!(opt_range("fuel", None, 0.0, 100.0).is_ok());
        assert!(opt_range("fuel", Some(101.0), 0.0, 100.0).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None, 50, 100), Ok(50));
        assert_eq!(limit(Some(100), 50, 100), Ok(100));
        assert_eq!(
            limit(Some(101), 50, 100),
            Err(ValidationError::LimitTooHigh { cap: 100 })
        );
        assert!(limit(Some(0), 50, 100).is_err());
    }

    #[test]
    fn future_timestamps_are_bounded() {
        use chrono::{TimeDelta, TimeZone, Utc};
        let now = Utc.with_ymd_and_hms(2026, 2, 19, 10, 0, 0).unwrap();
        assert!(not_in_future("ts", now, now).is_ok());
        assert!(not_in_future("ts", now - TimeDelta::days(365), now).is_ok());
        assert!(not_in_future("ts", now + TimeDelta::minutes(5), now).is_ok());
        assert!(not_in_future("ts", now + TimeDelta::seconds(301), now).is_err());
    }

    #[test]
    fn non_negative_and_counts() {
        assert!(non_negative("accuracy", 0.0).is_ok());
        assert!(non_negative("accuracy", 1e9).is_ok());
        assert!(non_negative("accuracy", -0.1).is_err());
        assert!(non_negative("accuracy", f64::INFINITY).is_err());
        assert!(count("polygon", 3, 3, 1000).is_ok());
        assert!(count("polygon", 2, 3, 1000).is_err());
        assert!(count("polygon", 1001, 3, 1000).is_err());
    }
}
