//! What a vehicle does next: trips between named places (reported with `trip:start` and
//! completed on arrival), detours to a fuel station when low, returns to the home depot every
//! few trips (sometimes for maintenance), and dwell times at each stop.

use opsdeck_protocol::fleet::{Place, TripStart};
use rand::Rng;

use crate::SimEvent;
use crate::geo::Projection;
use crate::places::Places;
use crate::registry::Identity;
use crate::roads::{NodeId, RoadNetwork, Router};
use crate::vehicle::{Errand, Mode, Vehicle};

/// Fuel flow at the pump, litres per second.
pub(crate) const PUMP_L_PER_S: f32 = 0.5;

/// Share of depot returns that end in the workshop.
const MAINTENANCE_SHARE: f64 = 0.15;

/// The static world a decision looks at.
pub(crate) struct World<'a> {
    pub net: &'a RoadNetwork,
    pub places: &'a Places,
    pub proj: &'a Projection,
    /// Place indexes of depots, stations, and trip destinations (landmarks and districts).
    pub depots: &'a [usize],
    pub stations: &'a [usize],
    pub destinations: &'a [usize],
}

impl World<'_> {
    /// The wire `Place` for a vehicle's current position.
    fn here(&self, v: &Vehicle) -> Place {
        let (x, y) = v.xy(self.net);
        let name = match self.places.at_node(v.to) {
            Some(p) if v.at_node() => p.name.clone(),
            _ if v.at_node() => self.places.district_near(x, y).to_owned(),
            _ => format!("Roadside, {}", self.places.district_near(x, y)),
        };
        self.wire_place(x, y, name)
    }

    /// The wire `Place` of a node with a name.
    fn node_place(&self, node: NodeId, name: String) -> Place {
        let (x, y) = self.net.position(node);
        self.wire_place(x, y, name)
    }

    fn wire_place(&self, x: f64, y: f64, name: String) -> Place {
        let (lat, lng) = self.proj.to_lat_lng(x, y);
        Place {
            lat: round6(lat),
            lng: round6(lng),
            name: Some(name),
        }
    }

    fn distance(&self, a: NodeId, b: NodeId) -> f64 {
        let (pa, pb) = (self.net.position(a), self.net.position(b));
        (pa.0 - pb.0).hypot(pa.1 - pb.1)
    }

    /// A trip destination at least a short drive away: a named place most of the time, a
    /// customer address in some district otherwise.
    fn pick_destination(&self, from: NodeId, rng: &mut impl Rng) -> Option<(NodeId, String)> {
        let min_m = (self.net.radius_m() * 0.25).min(1_500.0);
        let mut fallback = None;
        for _ in 0..12 {
            let (node, name) = if !self.destinations.is_empty() && rng.random::<f64>() < 0.75 {
                let p = self
                    .places
                    .get(self.destinations[rng.random_range(0..self.destinations.len())]);
                (p.node, p.name.clone())
            } else {
                let node = rng.random_range(0..self.net.grid_node_count()) as NodeId;
                let (x, y) = self.net.position(node);
                let district = self.places.district_near(x, y);
                (node, format!("Customer site, {district}"))
            };
            if node == from {
                continue;
            }
            if self.distance(from, node) >= min_m {
                return Some((node, name));
            }
            fallback = Some((node, name));
        }
        fallback
    }

    fn nearest_station(&self, from: NodeId) -> Option<NodeId> {
        self.stations
            .iter()
            .map(|&i| self.places.get(i).node)
            .min_by(|&a, &b| self.distance(from, a).total_cmp(&self.distance(from, b)))
    }
}

/// Rounds degrees to 6 decimals (about 0.1 m), keeping the JSON short.
pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn secs(s: f64) -> u64 {
    (s * 1e6) as u64
}

/// A parked vehicle's next move, at simulation time `t` (µs): refuel if low, back to the
/// depot after enough trips, otherwise a new trip. Emits `TripStart` for trips.
pub(crate) fn decide(
    v: &mut Vehicle,
    id: &Identity,
    world: &World<'_>,
    router: &mut Router,
    rng: &mut impl Rng,
    t: u64,
    out: &mut Vec<SimEvent>,
) {
    let from = v.to;
    let (dest, errand, name) = if v.fuel_pct() < v.refuel_at
        && let Some(station) = world.nearest_station(from)
        && station != from
    {
        (station, Errand::Refuel, None)
    } else if v.trips_left == 0
        && let Some(&depot) = world.depots.get(usize::from(v.home))
        && world.places.get(depot).node != from
    {
        let p = world.places.get(depot);
        let maintenance = rng.random::<f64>() < MAINTENANCE_SHARE;
        (
            p.node,
            Errand::Trip {
                depot: true,
                maintenance,
            },
            Some(p.name.clone()),
        )
    } else if let Some((node, name)) = world.pick_destination(from, rng) {
        let errand = Errand::Trip {
            depot: false,
            maintenance: false,
        };
        (node, errand, Some(name))
    } else {
        v.wake_at = t + secs(60.0);
        return;
    };
    if !router.route(world.net, from, dest, &mut v.route) || v.route.is_empty() {
        v.wake_at = t + secs(60.0);
        return;
    }
    if !v.at_node() {
        v.stop_at_edge_end();
    }
    if let Some(name) = name {
        out.push(SimEvent::TripStart(TripStart {
            vehicle_id: id.id.clone(),
            origin: world.here(v),
            destination: world.node_place(dest, name),
            driver_id: Some(id.driver_id.clone()),
        }));
    }
    v.errand = errand;
    v.mode = Mode::Driving;
}

/// The vehicle stands at the end of its route at time `t`: complete the trip, start
/// refuelling, or park, and set how long it stays.
pub(crate) fn arrive(
    v: &mut Vehicle,
    id: &Identity,
    rng: &mut impl Rng,
    t: u64,
    out: &mut Vec<SimEvent>,
) {
    v.speed = 0.0;
    match v.errand {
        Errand::Trip { depot, maintenance } => {
            out.push(SimEvent::TripComplete {
                vehicle_id: id.id.clone(),
            });
            if depot {
                v.trips_left = rng.random_range(3..=8);
                if maintenance {
                    v.mode = Mode::Servicing;
                    v.wake_at = t + secs(rng.random_range(1800.0..5400.0));
                } else {
                    v.mode = Mode::Parked;
                    v.wake_at = t + secs(rng.random_range(900.0..2400.0));
                }
            } else {
                v.trips_left = v.trips_left.saturating_sub(1);
                v.mode = Mode::Parked;
                v.wake_at = t + secs(rng.random_range(180.0..900.0));
            }
        }
        Errand::Refuel => {
            v.mode = Mode::Refuelling;
            v.fill_to = rng.random_range(90.0..100.0);
            let litres = (v.fill_to / 100.0 * v.tank_l - v.fuel_l).max(0.0);
            let pumping = f64::from(litres / PUMP_L_PER_S);
            v.wake_at = t + secs(pumping + rng.random_range(60.0..180.0));
        }
        Errand::None => {
            v.mode = Mode::Parked;
            v.wake_at = t + secs(rng.random_range(60.0..300.0));
        }
    }
    v.errand = Errand::None;
}
