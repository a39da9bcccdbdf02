//! The simulated city's roads in degrees, for drawing them under the vehicles: a map that
//! shows the streets the simulator drives on, offline. Straight runs of one road class are
//! merged into one polyline, so the drawing stays small (a few hundred lines for the default
//! city rather than thousands of segments).

use std::collections::HashMap;

use crate::SimConfig;
use crate::geo::Projection;
use crate::roads::{RoadClass, RoadNetwork};

/// A point, metres east/north of the centre.
type Xy = (f64, f64);
/// A road segment between two points.
type Segment = (Xy, Xy);

/// All roads of one class, as polylines of `[lng, lat]` degrees (GeoJSON positions).
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLines {
    /// The class of every line.
    pub class: RoadClass,
    /// The polylines.
    pub lines: Vec<Vec<[f64; 2]>>,
}

/// The roads of the city `config` describes (its network depends on centre and radius only).
pub fn road_map(config: &SimConfig) -> Vec<RoadLines> {
    let net = RoadNetwork::generate(config.radius_km * 1000.0);
    let proj = Projection::new(config.center.0, config.center.1);
    lines_of(&net, &proj)
}

/// Key of a point rounded to the centimetre, for joining segments end to end.
fn key(p: Xy) -> (i64, i64) {
    ((p.0 * 100.0).round() as i64, (p.1 * 100.0).round() as i64)
}

/// Whether `b → c` continues `a → b` in a straight line (within about a degree).
fn straight(a: Xy, b: Xy, c: Xy) -> bool {
    let (u, v) = ((b.0 - a.0, b.1 - a.1), (c.0 - b.0, c.1 - b.1));
    let cross = u.0 * v.1 - u.1 * v.0;
    let dot = u.0 * v.0 + u.1 * v.1;
    dot > 0.0 && cross.abs() <= 0.02 * dot
}

/// Merges the network's segments into polylines per class (metres), then projects them.
fn lines_of(net: &RoadNetwork, proj: &Projection) -> Vec<RoadLines> {
    let mut by_class: HashMap<RoadClass, Vec<Segment>> = HashMap::new();
    for (a, b, class) in net.segments() {
        by_class.entry(class).or_default().push((a, b));
    }
    let mut out: Vec<RoadLines> = by_class
        .into_iter()
        .map(|(class, segs)| RoadLines {
            class,
            lines: merge(&segs)
                .into_iter()
                .map(|line| {
                    line.into_iter()
                        .map(|(x, y)| {
                            let (lat, lng) = proj.to_lat_lng(x, y);
                            [round6(lng), round6(lat)]
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    out.sort_by_key(|r| r.class);
    out
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Joins segments that meet end to end in a straight line into polylines; every segment ends
/// up in exactly one line.
fn merge(segs: &[Segment]) -> Vec<Vec<Xy>> {
    let mut at: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, (a, b)) in segs.iter().enumerate() {
        at.entry(key(*a)).or_default().push(i);
        at.entry(key(*b)).or_default().push(i);
    }
    let mut used = vec![false; segs.len()];
    let mut lines = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segs[start];
        let mut line = vec![a, b];
        // Forwards from b, then backwards from a.
        extend(&mut line, segs, &at, &mut used);
        line.reverse();
        extend(&mut line, segs, &at, &mut used);
        lines.push(line);
    }
    lines
}

/// Appends to `line` the unused segments that continue its last point straight on.
fn extend(
    line: &mut Vec<Xy>,
    segs: &[Segment],
    at: &HashMap<(i64, i64), Vec<usize>>,
    used: &mut [bool],
) {
    loop {
        let n = line.len();
        let (prev, end) = (line[n - 2], line[n - 1]);
        let next = at.get(&key(end)).and_then(|cands| {
            cands.iter().copied().find_map(|i| {
                if used[i] {
                    return None;
                }
                let (a, b) = segs[i];
                let far = if key(a) == key(end) { b } else { a };
                straight(prev, end, far).then_some((i, far))
            })
        });
        let Some((i, far)) = next else { return };
        used[i] = true;
        line.push(far);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::haversine_m;

    #[test]
    fn every_road_is_drawn_once_in_few_lines_inside_the_city() {
        let config = SimConfig::default();
        let net = RoadNetwork::generate(config.radius_km * 1000.0);
        let map = road_map(&config);
        let segments = net.segments().count();
        let drawn: usize = map.iter().flat_map(|r| &r.lines).map(|l| l.len() - 1).sum();
        assert_eq!(drawn, segments, "each segment in exactly one line");
        let lines: usize = map.iter().map(|r| r.lines.len()).sum();
        assert!(
            lines * 4 < segments,
            "straight runs merged: {lines} lines for {segments} segments"
        );
        let classes: Vec<RoadClass> = map.iter().map(|r| r.class).collect();
        assert!(classes.contains(&RoadClass::Ring) && classes.contains(&RoadClass::Arterial));
        let limit = config.radius_km * 1000.0 * 1.1;
        for [lng, lat] in map.iter().flat_map(|r| &r.lines).flatten() {
            let d = haversine_m((*lat, *lng), config.center);
            assert!(d <= limit, "({lat}, {lng}) is {d:.0} m from the centre");
        }
    }

    #[test]
    fn merging_joins_straight_runs_and_stops_at_corners() {
        let segs = [
            ((0.0, 0.0), (1.0, 0.0)),
            ((2.0, 0.0), (1.0, 0.0)),
            ((2.0, 0.0), (2.0, 1.0)),
        ];
        let mut lines = merge(&segs);
        lines.sort_by_key(|l| l.len());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 2, "the corner starts a new line");
        let mut straight_run = lines[1].clone();
        straight_run.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(straight_run, vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
    }
}
