//! One vehicle's state and kinematics: where it is on the road graph, how fast it goes, how
//! much fuel it has, and what it is doing.
//!
//! Motion is one-dimensional along the current edge: the vehicle accelerates towards its
//! cruising speed (the road's limit times the driver's pace) and brakes so that it reaches the
//! end of the edge no faster than the speed it must have there: zero before a red light, a
//! stop sign or its destination, walking pace before a turn, the next road's speed when going
//! straight. Whether a junction will stop it is drawn when it enters the edge leading there,
//! so braking starts in time.
//!
//! Memory per vehicle is about 100 bytes plus two bytes per remaining junction of its route.

use chrono::{DateTime, Utc};
use opsdeck_protocol::fleet::{LocationReport, VehicleStatus};
use rand::Rng;

use crate::geo::{bearing_deg, turn_angle_deg};
use crate::incidents::EmergencyKind;
use crate::places::Places;
use crate::registry::Identity;
use crate::roads::{NodeId, RoadNetwork};
use crate::sim::{round1, secs};
use crate::trips::{World, round6};

/// Comfortable braking, m/s², used to plan stops.
const BRAKE: f32 = 2.5;
/// Hardest braking, m/s², when a plan must be corrected.
const HARD_BRAKE: f32 = 4.5;
/// Speed through a turn, m/s (about 20 km/h).
const TURN_SPEED: f32 = 5.5;
/// Speed through a U-turn, m/s.
const U_TURN_SPEED: f32 = 2.5;
/// Fuel burnt idling with the engine on (at lights), litres per second (0.8 L/h).
const IDLE_L_PER_S: f32 = 0.8 / 3600.0;

/// What a vehicle is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Parked with the engine off until `wake_at`, then it decides what to do next.
    Parked,
    /// Following its route (including waits at junctions).
    Driving,
    /// At a fuel station filling up until `wake_at`.
    Refuelling,
    /// Stopped where an emergency happened (then possibly repaired on the spot).
    Halted,
    /// In the workshop at its depot.
    Servicing,
}

/// Why a vehicle is driving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Errand {
    /// Nothing planned.
    None,
    /// A trip reported with `trip:start`; to the home depot when `depot`, and then into the
    /// workshop when `maintenance`.
    Trip { depot: bool, maintenance: bool },
    /// To a fuel station (not a trip).
    Refuel,
}

/// One simulated vehicle.
#[derive(Debug, Clone)]
pub(crate) struct Vehicle {
    /// Start of the current edge (equal to `to` before the first move).
    pub from: NodeId,
    /// End of the current edge: the next junction, or where the vehicle stands.
    pub to: NodeId,
    /// Metres travelled along the current edge.
    pub along: f32,
    /// Length of the current edge, metres (0 before the first move).
    pub edge_len: f32,
    /// Direction of travel, degrees.
    pub heading: f32,
    /// Current speed, m/s.
    pub speed: f32,
    /// Cruising speed on the current edge, m/s.
    pub cruise: f32,
    /// Speed at which to reach the end of the current edge, m/s (0: stop there).
    pub end_speed: f32,
    /// Wait at the end of the current edge (a red light), seconds.
    pub hold_s: f32,
    /// Simulation time (µs) until which the vehicle waits at a junction.
    pub hold_until: u64,
    /// Share of the speed limit this driver cruises at.
    pub pace: f32,
    /// Acceleration, m/s².
    pub accel: f32,
    /// Fuel in the tank, litres.
    pub fuel_l: f32,
    /// Tank capacity, litres.
    pub tank_l: f32,
    /// Consumption, litres per metre.
    pub l_per_m: f32,
    /// Fuel level (percent) below which the driver goes to refuel at the next decision.
    pub refuel_at: f32,
    /// Level (percent) a refuelling stops at.
    pub fill_to: f32,
    /// What it is doing.
    pub mode: Mode,
    /// Why it drives.
    pub errand: Errand,
    /// Simulation time (µs) when the current parked / refuelling / halted phase ends.
    pub wake_at: u64,
    /// Remaining route, last hop first.
    pub route: Vec<NodeId>,
    /// Trips before the next return to the depot.
    pub trips_left: u8,
    /// Index of the home depot among the depots.
    pub home: u8,
    /// The emergency it is halted for.
    pub incident: Option<EmergencyKind>,
    /// Whether the halt has moved on from the emergency to an on-the-spot repair.
    pub repairing: bool,
    /// The status last reported.
    pub status: Option<VehicleStatus>,
    /// Simulation time (µs) of the next location report.
    pub next_report: u64,
}

impl Vehicle {
    /// Fuel level, percent.
    pub fn fuel_pct(&self) -> f32 {
        (self.fuel_l / self.tank_l * 100.0).clamp(0.0, 100.0)
    }

    /// The status its state implies.
    pub fn derived_status(&self) -> VehicleStatus {
        match self.mode {
            Mode::Driving => VehicleStatus::Active,
            Mode::Parked | Mode::Refuelling => VehicleStatus::Idle,
            Mode::Halted if self.repairing => VehicleStatus::Maintenance,
            Mode::Halted => VehicleStatus::Emergency,
            Mode::Servicing => VehicleStatus::Maintenance,
        }
    }

    /// Position, metres east/north of the centre.
    pub fn xy(&self, net: &RoadNetwork) -> (f64, f64) {
        let b = net.position(self.to);
        if self.edge_len <= 0.0 || self.along >= self.edge_len {
            return b;
        }
        let a = net.position(self.from);
        let t = f64::from(self.along / self.edge_len);
        (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
    }

    /// Whether it stands at a junction (not between two).
    pub fn at_node(&self) -> bool {
        self.along >= self.edge_len
    }

    /// Drives for `h` seconds ending at simulation time `now` (µs). Returns `true` once the
    /// vehicle stands at the end of its route.
    pub fn drive(&mut self, net: &RoadNetwork, h: f32, now: u64, rng: &mut impl Rng) -> bool {
        if self.at_node() {
            if now < self.hold_until {
                self.burn(0.0, h);
                return false;
            }
            if self.route.is_empty() {
                self.speed = 0.0;
                return true;
            }
            self.enter_next(net, rng);
        }
        let left = (self.edge_len - self.along).max(0.0);
        let allowed = (self.end_speed.powi(2) + 2.0 * BRAKE * (left - 1.0).max(0.0)).sqrt();
        let target = self.cruise.min(allowed);
        let v0 = self.speed;
        let v1 = if v0 < target {
            (v0 + self.accel * h).min(target)
        } else {
            (v0 - HARD_BRAKE * h).max(target)
        };
        self.speed = v1;
        let mut dist = 0.5 * (v0 + v1) * h;
        self.burn(dist, h);
        loop {
            let left = self.edge_len - self.along;
            if dist < left {
                self.along += dist;
                return false;
            }
            dist -= left;
            self.along = self.edge_len;
            if self.end_speed <= 0.0 || self.route.is_empty() {
                self.speed = 0.0;
                if self.route.is_empty() {
                    return true;
                }
                self.hold_until = now + (f64::from(self.hold_s) * 1e6) as u64;
                return false;
            }
            self.enter_next(net, rng);
        }
    }

    /// Brakes to a stop where it is (an emergency), without passing the next junction.
    pub fn halt(&mut self, h: f32) {
        let v0 = self.speed;
        let v1 = (v0 - HARD_BRAKE * h).max(0.0);
        self.speed = v1;
        let dist = 0.5 * (v0 + v1) * h;
        self.burn(dist, h);
        self.along = (self.along + dist).min(self.edge_len);
    }

    /// Makes the vehicle stop briefly at the end of its current edge (after its plan changed
    /// mid-edge, the braking drawn for the old plan no longer applies).
    pub fn stop_at_edge_end(&mut self) {
        self.end_speed = 0.0;
        self.hold_s = 0.0;
    }

    /// Uses fuel for `dist` metres and `h` seconds, idling when (nearly) stopped.
    fn burn(&mut self, dist: f32, h: f32) {
        let idle = if self.speed < 0.5 {
            IDLE_L_PER_S * h
        } else {
            0.0
        };
        self.fuel_l = (self.fuel_l - dist * self.l_per_m - idle).max(0.0);
    }

    /// Moves onto the next edge of the route and decides how it will end.
    fn enter_next(&mut self, net: &RoadNetwork, rng: &mut impl Rng) {
        let Some(next) = self.route.pop() else {
            return;
        };
        let Some(&edge) = net.edge(self.to, next) else {
            // Not a neighbour: cannot happen with routes from the router. Stay put.
            self.route.clear();
            return;
        };
        self.from = self.to;
        self.to = next;
        self.along = 0.0;
        self.edge_len = edge.len_m;
        self.cruise =
            (edge.class.speed_limit_ms() as f32) * self.pace * net.traffic_factor(self.from, next);
        let (a, b) = (net.position(self.from), net.position(self.to));
        let heading = bearing_deg(b.0 - a.0, b.1 - a.1);
        self.heading = heading as f32;
        self.hold_s = 0.0;
        let Some(&after) = self.route.last() else {
            self.end_speed = 0.0; // the destination
            return;
        };
        let out = net.edge(next, after).map_or(edge.class, |e| e.class);
        let c = net.position(after);
        let turn = turn_angle_deg(heading, bearing_deg(c.0 - b.0, c.1 - b.1));
        let out_cruise = out.speed_limit_ms() as f32 * self.pace * net.traffic_factor(next, after);
        let mut end = self.cruise.min(out_cruise);
        if turn > 150.0 {
            end = end.min(U_TURN_SPEED);
        } else if turn > 30.0 {
            end = end.min(TURN_SPEED);
        }
        if let Some(odds) = net.junction(next).stop_odds(edge.class)
            && rng.random::<f64>() < odds.probability
        {
            end = 0.0;
            self.hold_s = rng.random_range(odds.min_wait_s..=odds.max_wait_s) as f32;
        }
        self.end_speed = end;
    }
}

/// Places vehicle `i` at the start: at its home depot, a landmark or a street corner, with
/// fuel between a quarter and full, except every 16th (starting at V-0004) just above the
/// 15% low-fuel line and every 50th (from V-0008) already below it, and a few in the workshop.
/// Everyone starts parked; most set off within 20 s.
pub(crate) fn spawn(
    i: usize,
    id: &Identity,
    net: &RoadNetwork,
    places: &Places,
    depots: &[usize],
    destinations: &[usize],
    rng: &mut impl Rng,
) -> Vehicle {
    let home = (i % depots.len().max(1)) as u8;
    let depot_node = depots.get(usize::from(home)).map(|&d| places.get(d).node);
    let in_workshop = rng.random::<f64>() < 0.015;
    let r: f64 = rng.random();
    let node: NodeId = match depot_node {
        Some(d) if in_workshop || r < 0.25 => d,
        _ if r < 0.6 && !destinations.is_empty() => {
            places
                .get(destinations[rng.random_range(0..destinations.len())])
                .node
        }
        _ => rng.random_range(0..net.grid_node_count()) as NodeId,
    };
    let tank_l = id.model.tank_l;
    let l_per_100km = rng.random_range(id.model.min_l_per_100km..=id.model.max_l_per_100km);
    let (fuel_pct, refuel_at, wake_s) = if i % 16 == 3 {
        (
            rng.random_range(15.2..16.5),
            rng.random_range(8.0..13.0),
            rng.random_range(0.0..60.0),
        )
    } else if i % 50 == 7 {
        (
            rng.random_range(11.0..14.5),
            rng.random_range(15.0..20.0),
            rng.random_range(0.0..120.0),
        )
    } else {
        // Most of the fleet sets off within the first 20 s, so a fresh install shows a city
        // in motion at once; the rest over five minutes, so departures do not all line up.
        let wake = if rng.random::<f64>() < 0.7 {
            rng.random_range(0.0..20.0)
        } else {
            rng.random_range(20.0..300.0)
        };
        (
            rng.random_range(25.0..95.0),
            rng.random_range(10.0..22.0),
            wake,
        )
    };
    let (mode, wake_s) = if in_workshop {
        (Mode::Servicing, rng.random_range(600.0..2700.0))
    } else {
        (Mode::Parked, wake_s)
    };
    Vehicle {
        from: node,
        to: node,
        along: 0.0,
        edge_len: 0.0,
        heading: 90.0 * f32::from(rng.random_range(0u8..4)),
        speed: 0.0,
        cruise: 0.0,
        end_speed: 0.0,
        hold_s: 0.0,
        hold_until: 0,
        pace: rng.random_range(0.85..1.0),
        accel: rng.random_range(1.2..2.2),
        fuel_l: fuel_pct / 100.0 * tank_l,
        tank_l,
        l_per_m: l_per_100km / 100_000.0,
        refuel_at,
        fill_to: 95.0,
        mode,
        errand: Errand::None,
        wake_at: secs(wake_s),
        route: Vec::new(),
        trips_left: rng.random_range(2..=8),
        home,
        incident: None,
        repairing: false,
        status: None,
        next_report: 0,
    }
}

/// A position report with GPS noise and the accuracy the receiver would claim.
pub(crate) fn report(
    v: &Vehicle,
    id: &Identity,
    world: &World<'_>,
    rng: &mut impl Rng,
    ts: DateTime<Utc>,
) -> LocationReport {
    let (x, y) = v.xy(world.net);
    let accuracy = if rng.random::<f64>() < 0.04 {
        rng.random_range(12.0..25.0)
    } else {
        rng.random_range(3.0..9.0)
    };
    let jitter = 2.5_f64;
    let (lat, lng) = world.proj.to_lat_lng(
        x + rng.random_range(-jitter..jitter),
        y + rng.random_range(-jitter..jitter),
    );
    let heading = round1(f64::from(v.heading));
    LocationReport {
        vehicle_id: id.id.clone(),
        lat: round6(lat),
        lng: round6(lng),
        speed: Some(round1(f64::from(v.speed) * 3.6).max(0.0)),
        heading: Some(if heading >= 360.0 { 0.0 } else { heading }),
        accuracy: Some(round1(accuracy)),
        fuel_level: Some(round1(f64::from(v.fuel_pct()))),
        ts: Some(ts),
    }
}
