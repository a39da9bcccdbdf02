//! Flat-earth geometry around the simulation centre.
//!
//! The world is small (a city, at most a few hundred kilometres across), so positions are kept
//! as metres east (`x`) and north (`y`) of the centre and converted to degrees only when a
//! report is built. The equirectangular projection is off by well under a metre per kilometre
//! at these scales, far below GPS noise.

/// Metres per degree of latitude (mean Earth radius).
pub const M_PER_DEG_LAT: f64 = 111_195.0;

/// Mean Earth radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Converts between degrees and local metres around a fixed centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lat0: f64,
    lng0: f64,
    m_per_deg_lng: f64,
}

impl Projection {
    /// A projection centred on `(lat, lng)`, degrees.
    pub fn new(lat: f64, lng: f64) -> Self {
        Self {
            lat0: lat,
            lng0: lng,
            m_per_deg_lng: M_PER_DEG_LAT * lat.to_radians().cos(),
        }
    }

    /// The centre, `(lat, lng)` degrees.
    pub fn center(&self) -> (f64, f64) {
        (self.lat0, self.lng0)
    }

    /// `(lat, lng)` degrees of the point `x` metres east and `y` metres north of the centre.
    pub fn to_lat_lng(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.lat0 + y / M_PER_DEG_LAT,
            self.lng0 + x / self.m_per_deg_lng,
        )
    }

    /// Metres `(east, north)` of the centre of the point `(lat, lng)` degrees.
    pub fn to_xy(&self, lat: f64, lng: f64) -> (f64, f64) {
        (
            (lng - self.lng0) * self.m_per_deg_lng,
            (lat - self.lat0) * M_PER_DEG_LAT,
        )
    }
}

/// Great-circle distance in metres between two `(lat, lng)` points in degrees.
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Compass bearing of the direction `(dx east, dy north)`: degrees clockwise from north in
/// `[0, 360)`; 0 for a zero vector.
pub fn bearing_deg(dx: f64, dy: f64) -> f64 {
    if dx == 0.0 && dy == 0.0 {
        return 0.0;
    }
    let b = dx.atan2(dy).to_degrees();
    if b < 0.0 { b + 360.0 } else { b }
}

/// Smallest angle between two bearings, degrees in `[0, 180]`.
pub fn turn_angle_deg(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    if d > 180.0 { 360.0 - d } else { d }
}

/// Distance from `p` to the segment `a`–`b`, all in local metres.
pub fn dist_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len2 = vx * vx + vy * vy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * vx, a.1 + t * vy);
    (p.0 - cx).hypot(p.1 - cy)
}

/// Whether `p` lies inside the polygon (even-odd rule; the polygon is implicitly closed).
pub fn point_in_polygon(p: (f64, f64), polygon: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let mut j = polygon.len().wrapping_sub(1);
    for i in 0..polygon.len() {
        let (xi, yi) = polygon[i];
        let (xj, yj) = polygon[j];
        if (yi > p.1) != (yj > p.1) && p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trips_and_matches_haversine() {
        let p = Projection::new(24.7136, 46.6753);
        let (lat, lng) = p.to_lat_lng(3000.0, -4000.0);
        let (x, y) = p.to_xy(lat, lng);
        assert!((x - 3000.0).abs() < 1e-6 && (y + 4000.0).abs() < 1e-6);
        let d = haversine_m(p.center(), (lat, lng));
        assert!((d - 5000.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn bearings() {
        assert_eq!(bearing_deg(0.0, 1.0), 0.0);
        assert!((bearing_deg(1.0, 0.0) - 90.0).abs() < 1e-9);
        assert!((bearing_deg(0.0, -1.0) - 180.0).abs() < 1e-9);
        assert!((bearing_deg(-1.0, 0.0) - 270.0).abs() < 1e-9);
        assert_eq!(turn_angle_deg(350.0, 10.0), 20.0);
        assert_eq!(turn_angle_deg(90.0, 270.0), 180.0);
    }

    #[test]
    fn segments_and_polygons() {
        assert_eq!(dist_to_segment((0.0, 5.0), (-1.0, 0.0), (1.0, 0.0)), 5.0);
        assert_eq!(dist_to_segment((4.0, 0.0), (-1.0, 0.0), (1.0, 0.0)), 3.0);
        let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        assert!(point_in_polygon((5.0, 5.0), &square));
        assert!(!point_in_polygon((15.0, 5.0), &square));
        assert!(!point_in_polygon((5.0, -0.1), &square));
    }
}
