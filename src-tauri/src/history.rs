//! A vehicle's location history for the replay (`fleet_vehicle_history`): every page of
//! `vehicle:history` in the range (§5: oldest first, page by moving `from`), thinned to what
//! a track and a chart can show.

use opsdeck_client::{Client, ClientError};
use opsdeck_protocol::Timestamp;
use opsdeck_protocol::fleet::{Location, VehicleHistoryRequest};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Positions fetched at most per request (about 11 days at one fix every 10 s).
pub const MAX_FETCH: usize = 100_000;
/// Points handed to the UI by default.
pub const DEFAULT_POINTS: usize = 2_000;

/// The replay's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct HistoryTrack {
    /// The vehicle.
    pub vehicle_id: String,
    /// Range asked for.
    pub from: Timestamp,
    /// Range asked for.
    pub to: Timestamp,
    /// Oldest first, at most the requested number of points; the first and last fix are kept.
    pub locations: Vec<Location>,
    /// Positions the server had in the range (before thinning).
    pub total: u32,
    /// Whether the range held more than [`MAX_FETCH`] positions (the newest were not read).
    pub truncated: bool,
}

/// Where the next page starts: just after the last fix of a full page, `None` when the
/// range is exhausted. Timestamps are kept to the millisecond, so +1 ms skips nothing.
pub fn next_from(page: &[Location], page_size: usize, to: Timestamp) -> Option<Timestamp> {
    if page.len() < page_size {
        return None;
    }
    let next = page.last()?.ts + chrono::Duration::milliseconds(1);
    (next <= to).then_some(next)
}

/// At most `max` points spread evenly over `points` (by index), first and last kept.
pub fn downsample(points: Vec<Location>, max: usize) -> Vec<Location> {
    let n = points.len();
    if n <= max || max == 0 {
        return points;
    }
    if max == 1 {
        return points.into_iter().last().into_iter().collect();
    }
    let mut keep = Vec::with_capacity(max);
    let mut next = 0usize;
    let mut k = 0usize;
    for (i, p) in points.into_iter().enumerate() {
        if i == next {
            keep.push(p);
            k += 1;
            // Index of the k-th of `max` evenly spaced samples over 0..n (rounded).
            next = (k * (n - 1) + (max - 1) / 2) / (max - 1);
        }
    }
    keep
}

/// Reads the range page by page and thins it to `max_points`.
pub async fn load(
    client: &Client,
    vehicle_id: &str,
    from: Timestamp,
    to: Timestamp,
    max_points: usize,
) -> Result<HistoryTrack, ClientError> {
    let page_size = VehicleHistoryRequest::CAP as usize;
    let mut all: Vec<Location> = Vec::new();
    let mut cursor = Some(from);
    let mut truncated = false;
    while let Some(start) = cursor {
        if all.len() >= MAX_FETCH {
            truncated = true;
            break;
        }
        let page = client
            .vehicle_history(&VehicleHistoryRequest {
                vehicle_id: vehicle_id.to_owned(),
                from: start,
                to,
                limit: Some(VehicleHistoryRequest::CAP),
            })
            .await?
            .locations;
        cursor = next_from(&page, page_size, to);
        all.extend(page);
    }
    tracing::debug!(vehicle_id, total = all.len(), "vehicle history loaded");
    let total = u32::try_from(all.len()).unwrap_or(u32::MAX);
    Ok(HistoryTrack {
        vehicle_id: vehicle_id.to_owned(),
        from,
        to,
        locations: downsample(all, max_points.max(2)),
        total,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(ms: i64) -> Timestamp {
        chrono::Utc.timestamp_millis_opt(ms).unwrap()
    }

    fn fix(ms: i64) -> Location {
        Location {
            lat: 24.0,
            lng: 46.0 + ms as f64 / 1e6,
            speed: Some(ms as f64 % 100.0),
            heading: None,
            accuracy: None,
            ts: at(ms),
        }
    }

    #[test]
    fn a_short_page_ends_the_range() {
        let page: Vec<_> = (0..5).map(fix).collect();
        assert_eq!(next_from(&page, 10, at(1_000)), None);
        assert_eq!(next_from(&[], 10, at(1_000)), None);
    }

    #[test]
    fn a_full_page_continues_one_ms_after_its_last_fix() {
        let page: Vec<_> = (0..10).map(|i| fix(i * 100)).collect();
        assert_eq!(next_from(&page, 10, at(5_000)), Some(at(901)));
        // ...unless that is past the end of the range.
        assert_eq!(next_from(&page, 10, at(900)), None);
    }

    #[test]
    fn downsample_keeps_ends_and_spreads_evenly() {
        let pts: Vec<_> = (0..1001).map(fix).collect();
        let d = downsample(pts, 11);
        let ts: Vec<i64> = d.iter().map(|l| l.ts.timestamp_millis()).collect();
        assert_eq!(ts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    }

    #[test]
    fn downsample_leaves_small_tracks_alone() {
        let pts: Vec<_> = (0..5).map(fix).collect();
        assert_eq!(downsample(pts.clone(), 10), pts);
        assert_eq!(downsample(pts.clone(), 5), pts);
        let d = downsample(pts, 2);
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].ts, at(4));
    }

    #[test]
    fn downsample_hits_the_count_exactly() {
        for (n, max) in [(10_000, 2_000), (2_001, 2_000), (7, 3), (100, 99)] {
            let d = downsample((0..n).map(fix).collect(), max);
            assert_eq!(d.len(), max, "n={n} max={max}");
            assert_eq!(d.last().unwrap().ts, at(n - 1));
        }
    }
}
