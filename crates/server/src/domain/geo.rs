//! Geometry on the WGS-84 sphere: distances, geofence containment, trip progress and ETA.
//!
//! Great-circle (haversine) distances on a sphere of mean Earth radius: within 0.5 % of the
//! ellipsoid, which is plenty for ETAs and geofences of city scale.

use chrono::{DateTime, Duration, Utc};

/// Mean Earth radius in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lng: f64,
}

impl Point {
    /// A point.
    pub const fn new(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }
}

/// Great-circle distance in metres.
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lng - a.lng).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A geofence shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Centre and radius in metres.
    Circle {
        /// Centre.
        center: Point,
        /// Radius, metres.
        radius_m: f64,
    },
    /// A simple polygon, vertices in order (closing edge implied).
    Polygon(Vec<Point>),
}

impl Shape {
    /// Whether `p` is inside (boundary counts as inside for circles).
    pub fn contains(&self, p: Point) -> bool {
        match self {
            Shape::Circle { center, radius_m } => distance_m(*center, p) <= *radius_m,
            Shape::Polygon(vertices) => point_in_polygon(p, vertices),
        }
    }
}

/// Even-odd ray casting in the lat/lng plane; fine for polygons that do not straddle the
/// antimeridian or a pole (city districts, depots).
pub fn point_in_polygon(p: Point, vertices: &[Point]) -> bool {
    let n = vertices.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (vertices[i], vertices[j]);
        if (a.lat > p.lat) != (b.lat > p.lat) {
            let x = (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng;
            if p.lng < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Trip progress from the remaining and total great-circle distance, clamped to 0..=1.
pub fn progress(total_m: f64, remaining_m: f64) -> f64 {
    if total_m <= 1.0 {
        return if remaining_m <= 1.0 { 1.0 } else { 0.0 };
    }
    (1.0 - remaining_m / total_m).clamp(0.0, 1.0)
}

/// Arrival time: `remaining_m` at `avg_speed_kmh`; `None` while the average speed is unknown
/// or too low to mean anything (below 1 km/h).
pub fn eta(
    now: DateTime<Utc>,
    remaining_m: f64,
    avg_speed_kmh: Option<f64>,
) -> Option<DateTime<Utc>> {
    let v = avg_speed_kmh.filter(|v| *v >= 1.0)?;
    let secs = remaining_m / (v / 3.6);
    if !secs.is_finite() || secs > 30.0 * 86_400.0 {
        return None;
    }
    Some(now + Duration::milliseconds((secs * 1000.0) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RIYADH: Point = Point::new(24.7136, 46.6753);
    const JEDDAH: Point = Point::new(21.4858, 39.1925);

    #[test]
    fn distances_match_known_values() {
        // Riyadh–Jeddah great-circle distance is about 846 km.
        let d = distance_m(RIYADH, JEDDAH) / 1000.0;
        assert!((d - 846.0).abs() < 5.0, "{d}");
        assert_eq!(distance_m(RIYADH, RIYADH), 0.0);
        // One degree of latitude is about 111.2 km.
        let d = distance_m(Point::new(0.0, 0.0), Point::new(1.0, 0.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        // Symmetric.
        assert!((distance_m(JEDDAH, RIYADH) - distance_m(RIYADH, JEDDAH)).abs() < 1e-6);
    }

    #[test]
    fn circles_contain_their_radius() {
        let c = Shape::Circle {
            center: RIYADH,
            radius_m: 1000.0,
        };
        assert!(c.contains(RIYADH));
        assert!(c.contains(Point::new(24.7136 + 0.008, 46.6753))); // ~890 m north
        assert!(!c.contains(Point::new(24.7136 + 0.01, 46.6753))); // ~1.1 km north
    }

    #[test]
    fn polygons_use_even_odd() {
        // A concave "U": the notch is outside.
        let u = Shape::Polygon(vec![
            Point::new(0.0, 0.0),
            Point::new(0.0, 3.0),
            Point::new(3.0, 3.0),
            Point::new(3.0, 2.0),
            Point::new(1.0, 2.0),
            Point::new(1.0, 1.0),
            Point::new(3.0, 1.0),
            Point::new(3.0, 0.0),
        ]);
        assert!(u.contains(Point::new(0.5, 1.5)));
        assert!(u.contains(Point::new(2.0, 0.5)));
        assert!(!u.contains(Point::new(2.0, 1.5)), "the notch");
        assert!(!u.contains(Point::new(-1.0, 1.0)));
        assert!(
            !Shape::Polygon(vec![Point::new(0.0, 0.0), Point::new(1.0, 1.0)])
                .contains(Point::new(0.5, 0.5))
        );
    }

    #[test]
    fn progress_and_eta() {
        assert_eq!(progress(1000.0, 250.0), 0.75);
        assert_eq!(progress(1000.0, 2000.0), 0.0);
        assert_eq!(progress(0.0, 0.0), 1.0);
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        // 10 km at 60 km/h: 10 minutes.
        assert_eq!(
            eta(now, 10_000.0, Some(60.0)),
            Some(now + Duration::minutes(10))
        );
        assert_eq!(eta(now, 10_000.0, None), None);
        assert_eq!(eta(now, 10_000.0, Some(0.2)), None);
        // Closer means earlier at the same speed.
        assert!(eta(now, 5_000.0, Some(60.0)) < eta(now, 10_000.0, Some(60.0)));
    }
}
