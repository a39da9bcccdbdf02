//! Named places: Riyadh landmarks and districts (trip origins and destinations), the fleet's
//! depots and fuel stations, each snapped to a road node.
//!
//! Coordinates are real (approximate) Riyadh positions. They are stored relative to the
//! default centre and scaled by `radius / 12 km`, so a simulation centred elsewhere keeps the
//! same layout (with Riyadh's names) around its own centre; places that fall outside the disc
//! are dropped.

use crate::geo::Projection;
use crate::roads::{NodeId, RoadNetwork};

/// The default centre: Riyadh (Kingdom Centre / Olaya).
pub const RIYADH: (f64, f64) = (24.7136, 46.6753);

/// The radius the reference coordinates are laid out for, metres.
const REFERENCE_RADIUS_M: f64 = 12_000.0;

/// Landmarks: shopping centres, hospitals, universities, sights.
const LANDMARKS: &[(&str, f64, f64)] = &[
    ("Kingdom Centre", 24.7114, 46.6744),
    ("Al Faisaliah Tower", 24.6903, 46.6853),
    ("King Abdullah Financial District", 24.7631, 46.6406),
    ("Riyadh Park Mall", 24.7566, 46.6313),
    ("Al Nakheel Mall", 24.7686, 46.7122),
    ("Granada Mall", 24.7807, 46.7279),
    ("Panorama Mall", 24.6925, 46.6697),
    ("Riyadh Gallery Mall", 24.7431, 46.6567),
    ("Al Othaim Mall Al Rabwa", 24.6988, 46.7726),
    ("Masmak Fortress", 24.6312, 46.7134),
    ("National Museum", 24.6476, 46.7107),
    ("King Saud University", 24.7162, 46.6191),
    ("Prince Sultan University", 24.7343, 46.6970),
    ("Imam Mohammad Ibn Saud University", 24.8155, 46.7025),
    ("King Faisal Specialist Hospital", 24.6710, 46.6760),
    ("King Fahad Medical City", 24.6889, 46.7044),
    ("King Abdullah Park", 24.6668, 46.7380),
    ("Salam Park", 24.6256, 46.7089),
    ("Boulevard City", 24.7685, 46.6067),
    ("At-Turaif, Diriyah", 24.7336, 46.5754),
];

/// Districts, for customer addresses and for naming arbitrary points.
const DISTRICTS: &[(&str, f64, f64)] = &[
    ("Al Olaya", 24.6950, 46.6850),
    ("Al Sulimaniyah", 24.7050, 46.7000),
    ("Al Malaz", 24.6600, 46.7300),
    ("Al Murabba", 24.6480, 46.7100),
    ("Al Batha", 24.6330, 46.7160),
    ("Al Wurud", 24.7250, 46.6750),
    ("Al Muruj", 24.7500, 46.6600),
    ("Al Nakheel", 24.7450, 46.6300),
    ("Al Sahafa", 24.8000, 46.6400),
    ("Al Malqa", 24.8100, 46.6100),
    ("Hittin", 24.7650, 46.6000),
    ("Al Aqiq", 24.7750, 46.6300),
    ("Al Rawdah", 24.7350, 46.7700),
    ("Al Rabwa", 24.6900, 46.7600),
    ("Al Hamra", 24.7800, 46.7550),
    ("Al Nuzha", 24.7550, 46.7100),
    ("Al Ghadir", 24.7800, 46.6600),
    ("Al Izdihar", 24.7650, 46.7250),
    ("Al Wizarat", 24.6700, 46.7150),
    ("Al Rahmaniyah", 24.7150, 46.6500),
    ("Al Yasmin", 24.8250, 46.6450),
    ("Al Suwaidi", 24.6050, 46.6550),
    ("Irqah", 24.6850, 46.5800),
    ("Al Naseem", 24.7300, 46.8100),
];

/// Depots: where vehicles start, take breaks and go for maintenance.
const DEPOTS: &[(&str, f64, f64)] = &[
    ("North Depot (Al Ghadir)", 24.7800, 46.6600),
    ("South Depot (Al Wizarat)", 24.6550, 46.7150),
    ("West Depot (Hittin)", 24.7580, 46.5950),
    ("East Depot (Al Rawdah)", 24.7300, 46.7650),
];

/// Fuel brands seen in Riyadh.
const FUEL_BRANDS: &[&str] = &["SASCO", "Aldrees", "Petromin", "NAFT", "Aldrees"];

/// What a place is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// A named landmark; a trip destination.
    Landmark,
    /// A district; a trip destination (customer addresses).
    District,
    /// A fleet depot.
    Depot,
    /// A fuel station.
    Station,
}

/// A named place on the road network.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Display name.
    pub name: String,
    /// The road node it sits on.
    pub node: NodeId,
    /// What it is for.
    pub kind: PlaceKind,
}

/// Every place of a simulation.
#[derive(Debug, Clone)]
pub struct Places {
    places: Vec<Place>,
    /// District names with their positions in local metres, for [`Places::district_near`].
    districts: Vec<(&'static str, (f64, f64))>,
}

impl Places {
    /// Lays out the places for `net`, scaled to its radius, and snaps them to grid nodes.
    /// A node holds at most one place (the first listed wins), except that depots and
    /// stations are always kept.
    pub fn new(net: &RoadNetwork) -> Self {
        let riyadh = Projection::new(RIYADH.0, RIYADH.1);
        let scale = net.radius_m() / REFERENCE_RADIUS_M;
        let local = |lat: f64, lng: f64| {
            let (x, y) = riyadh.to_xy(lat, lng);
            (x * scale, y * scale)
        };
        let fits = |(x, y): (f64, f64)| x.hypot(y) <= net.radius_m() * 0.95;
        let districts: Vec<_> = DISTRICTS
            .iter()
            .map(|&(name, lat, lng)| (name, local(lat, lng)))
            .collect();
        let mut places: Vec<Place> = Vec::new();
        let mut add = |name: String, (x, y): (f64, f64), kind, force: bool| {
            let node = net.nearest_grid_node(x, y);
            if force || places.iter().all(|p| p.node != node) {
                places.push(Place { name, node, kind });
            }
        };
        for &(name, lat, lng) in DEPOTS {
            add(name.into(), local(lat, lng), PlaceKind::Depot, true);
        }
        // Stations on arterial corners, spread around two circles.
        let r = net.radius_m();
        let s = net.spacing_m() * 4.0;
        for i in 0..10 {
            let angle = std::f64::consts::TAU * (f64::from(i) / 10.0) + 0.35;
            let radius = if i % 2 == 0 { 0.33 * r } else { 0.62 * r };
            let (x, y) = (radius * angle.cos(), radius * angle.sin());
            let (x, y) = ((x / s).round() * s, (y / s).round() * s);
            let district = nearest(&districts, (x, y));
            let brand = FUEL_BRANDS[i as usize % FUEL_BRANDS.len()];
            add(
                format!("{brand} station, {district}"),
                (x, y),
                PlaceKind::Station,
                true,
            );
        }
        for &(name, lat, lng) in LANDMARKS {
            let p = local(lat, lng);
            if fits(p) {
                add(name.into(), p, PlaceKind::Landmark, false);
            }
        }
        for &(name, p) in &districts {
            if fits(p) {
                add(name.into(), p, PlaceKind::District, false);
            }
        }
        Self { places, districts }
    }

    /// Every place.
    pub fn all(&self) -> &[Place] {
        &self.places
    }

    /// Places of one kind.
    pub fn of_kind(&self, kind: PlaceKind) -> impl Iterator<Item = (usize, &Place)> {
        self.places
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.kind == kind)
    }

    /// The place at `index`.
    pub fn get(&self, index: usize) -> &Place {
        &self.places[index]
    }

    /// The place sitting on `node`, if any.
    pub fn at_node(&self, node: NodeId) -> Option<&Place> {
        self.places.iter().find(|p| p.node == node)
    }

    /// Name of the district nearest to `(x, y)` metres.
    pub fn district_near(&self, x: f64, y: f64) -> &'static str {
        nearest(&self.districts, (x, y))
    }
}

fn nearest(districts: &[(&'static str, (f64, f64))], (x, y): (f64, f64)) -> &'static str {
    districts
        .iter()
        .min_by(|a, b| {
            let da = (a.1.0 - x).hypot(a.1.1 - y);
            let db = (b.1.0 - x).hypot(b.1.1 - y);
            da.total_cmp(&db)
        })
        .map_or("Riyadh", |d| d.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn riyadh_layout() {
        let net = RoadNetwork::generate(12_000.0);
        let places = Places::new(&net);
        assert_eq!(places.of_kind(PlaceKind::Depot).count(), 4);
        assert_eq!(places.of_kind(PlaceKind::Station).count(), 10);
        assert!(places.of_kind(PlaceKind::Landmark).count() >= 15);
        assert!(places.of_kind(PlaceKind::District).count() >= 15);
        let kc = places.all().iter().find(|p| p.name == "Kingdom Centre");
        let (x, y) = net.position(kc.expect("Kingdom Centre").node);
        assert!(x.hypot(y) < 500.0);
        assert_eq!(places.district_near(0.0, -2_000.0), "Al Olaya");
        for p in places.all() {
            assert!(usize::from(p.node) < net.grid_node_count());
        }
    }

    #[test]
    fn small_maps_keep_depots_and_stations() {
        let net = RoadNetwork::generate(2_000.0);
        let places = Places::new(&net);
        assert_eq!(places.of_kind(PlaceKind::Depot).count(), 4);
        assert_eq!(places.of_kind(PlaceKind::Station).count(), 10);
        assert!(places.of_kind(PlaceKind::Landmark).count() >= 3);
    }
}
