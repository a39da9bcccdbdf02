//! Demo geofences placed where simulated vehicles cross them: a circle around each depot
//! (vehicles start, rest and are serviced there), the Olaya business district as a polygon
//! (both expressways run through it), and circles around two busy destinations.

use opsdeck_protocol::fleet::{Circle, GeofenceCreate};

use crate::geo::{Projection, haversine_m, point_in_polygon};
use crate::places::{PlaceKind, Places};
use crate::roads::RoadNetwork;
use crate::trips::round6;

/// The Olaya district outline, metres east/north of the centre at the 12 km reference scale.
const OLAYA: &[(f64, f64)] = &[
    (-900.0, 1200.0),
    (1300.0, 1000.0),
    (1700.0, -2800.0),
    (-300.0, -3300.0),
    (-1100.0, -1200.0),
];

/// The demo geofences for a network and its places.
pub fn demo(net: &RoadNetwork, places: &Places, proj: &Projection) -> Vec<GeofenceCreate> {
    let scale = net.radius_m() / 12_000.0;
    let circle = |name: &str, node, radius_m: f64| {
        let (x, y) = net.position(node);
        let (lat, lng) = proj.to_lat_lng(x, y);
        GeofenceCreate {
            name: name.to_owned(),
            circle: Some(Circle {
                lat: round6(lat),
                lng: round6(lng),
                radius_m: radius_m.max(150.0).round(),
            }),
            polygon: None,
        }
    };
    let mut out: Vec<GeofenceCreate> = places
        .of_kind(PlaceKind::Depot)
        .map(|(_, p)| circle(&p.name, p.node, 0.8 * net.spacing_m()))
        .collect();
    out.push(GeofenceCreate {
        name: "Olaya Business District".to_owned(),
        circle: None,
        polygon: Some(
            OLAYA
                .iter()
                .map(|&(x, y)| {
                    let (lat, lng) = proj.to_lat_lng(x * scale, y * scale);
                    [round6(lat), round6(lng)]
                })
                .collect(),
        ),
    });
    let named = |name: &str| places.all().iter().find(|p| p.name == name);
    if let Some(p) = named("King Abdullah Financial District") {
        out.push(circle("KAFD security perimeter", p.node, 800.0 * scale));
    }
    // Masmak Fortress sits in the Batha market area (and takes the district's node).
    if let Some(p) = named("Al Batha").or_else(|| named("Masmak Fortress")) {
        out.push(circle(
            "Al Batha market (restricted hours)",
            p.node,
            700.0 * scale,
        ));
    }
    out
}

/// Whether `(lat, lng)` lies inside a geofence (what a server's crossing detection decides).
pub fn contains(fence: &GeofenceCreate, lat: f64, lng: f64) -> bool {
    if let Some(c) = &fence.circle {
        return haversine_m((c.lat, c.lng), (lat, lng)) <= c.radius_m;
    }
    fence.polygon.as_ref().is_some_and(|poly| {
        let ring: Vec<(f64, f64)> = poly.iter().map(|&[a, b]| (b, a)).collect();
        point_in_polygon((lng, lat), &ring)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Validate;

    #[test]
    fn demo_zones_are_valid_and_named() {
        let net = RoadNetwork::generate(12_000.0);
        let places = Places::new(&net);
        let proj = Projection::new(24.7136, 46.6753);
        let fences = demo(&net, &places, &proj);
        assert_eq!(fences.len(), 7);
        for f in &fences {
            assert!(f.validate().is_ok(), "{f:?}");
        }
        let olaya = fences.iter().find(|f| f.polygon.is_some()).unwrap();
        assert!(contains(olaya, 24.7136, 46.6753), "centre is in Olaya");
        assert!(contains(olaya, 24.6903, 46.6853), "so is Al Faisaliah");
        assert!(!contains(olaya, 24.7631, 46.6406), "KAFD is not");
        let depot = &fences[0];
        let c = depot.circle.as_ref().unwrap();
        assert!(contains(depot, c.lat, c.lng));
        assert!(!contains(depot, c.lat + 0.01, c.lng));
    }
}
