//! The road network: a street grid clipped to a disc, arterials on every fourth line, two
//! expressways crossing at the centre, and a ring road joined to the grid by ramps; plus an
//! A* router over it.
//!
//! Why a generated grid: Riyadh's street plan is largely a rectilinear grid of superblocks
//! between arterials, with King Fahd Road and Makkah Road crossing near the centre and ring
//! roads around it. A synthetic grid gives the same look on a map (vehicles turn at corners,
//! never cut across blocks) with no map data to ship, for any centre and radius.
//!
//! Node ids are `u16` so a vehicle's remaining route costs two bytes per junction; block size
//! grows with the radius to stay under that bound. The ring road passes over the grid (it
//! meets it only at its ramps), like an urban motorway.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::f64::consts::TAU;

/// Index of a junction in a [`RoadNetwork`].
pub type NodeId = u16;

/// Fastest speed limit of any road, m/s; the router's heuristic divides by it.
const MAX_LIMIT_MS: f64 = 100.0 / 3.6;

/// Kind of road, which sets its speed limit and the router's preference for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoadClass {
    /// A residential or commercial street between arterials.
    Local,
    /// A main road, every fourth grid line.
    Arterial,
    /// One of the two roads through the centre (like King Fahd Road and Makkah Road).
    Expressway,
    /// The ring road.
    Ring,
    /// A ramp between the ring road and the grid.
    Ramp,
}

impl RoadClass {
    /// Posted speed limit, km/h.
    pub fn speed_limit_kmh(self) -> f64 {
        match self {
            Self::Local => 50.0,
            Self::Arterial => 80.0,
            Self::Expressway | Self::Ring => 100.0,
            Self::Ramp => 60.0,
        }
    }

    /// Lower-case name, as map styles and JSON use it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Arterial => "arterial",
            Self::Expressway => "expressway",
            Self::Ring => "ring",
            Self::Ramp => "ramp",
        }
    }

    /// Posted speed limit, m/s.
    pub fn speed_limit_ms(self) -> f64 {
        self.speed_limit_kmh() / 3.6
    }
}

/// What controls traffic at a node, which decides how often vehicles stop there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Junction {
    /// Free flow: a bend of the ring road or a ramp's merge point.
    Free,
    /// Two local streets: a stop sign or give-way.
    Minor,
    /// An arterial crossing a local street: lights that mostly favour the arterial.
    Side,
    /// Two arterials (or an expressway): full traffic lights.
    Major,
    /// Where a ramp meets the grid: lights.
    Interchange,
}

/// Odds of having to stop at a junction: probability and wait range in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopOdds {
    /// Chance that a vehicle arriving has to stop.
    pub probability: f64,
    /// Shortest wait, seconds.
    pub min_wait_s: f64,
    /// Longest wait, seconds.
    pub max_wait_s: f64,
}

impl Junction {
    /// Odds of stopping here when arriving on a road of class `from`.
    pub fn stop_odds(self, from: RoadClass) -> Option<StopOdds> {
        let odds = |probability, min_wait_s, max_wait_s| {
            Some(StopOdds {
                probability,
                min_wait_s,
                max_wait_s,
            })
        };
        match (self, from) {
            (Self::Free, _) => None,
            (Self::Minor, _) => odds(0.35, 2.0, 6.0),
            (Self::Side, RoadClass::Local) => odds(0.6, 10.0, 40.0),
            (Self::Side, _) => odds(0.15, 5.0, 25.0),
            (Self::Major, _) => odds(0.5, 15.0, 60.0),
            (Self::Interchange, RoadClass::Ramp) => odds(0.5, 10.0, 40.0),
            (Self::Interchange, _) => odds(0.3, 10.0, 40.0),
        }
    }
}

/// A directed road segment leaving a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// The node it leads to.
    pub to: NodeId,
    /// Kind of road.
    pub class: RoadClass,
    /// Length, metres.
    pub len_m: f32,
}

impl Edge {
    /// Travel time at the speed limit, tenths of a second (the router's integer cost).
    fn cost(&self) -> u32 {
        (f64::from(self.len_m) / self.class.speed_limit_ms() * 10.0).ceil() as u32
    }
}

/// The street graph, in metres east/north of the centre.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    spacing_m: f64,
    radius_m: f64,
    ring_radius_m: f64,
    pos: Vec<(f64, f64)>,
    junction: Vec<Junction>,
    /// CSR adjacency: the edges of node `n` are `edges[first[n]..first[n + 1]]`.
    first: Vec<u32>,
    edges: Vec<Edge>,
    /// Grid coordinates of grid nodes, for snapping.
    grid: HashMap<(i32, i32), NodeId>,
    grid_nodes: usize,
}

impl RoadNetwork {
    /// Builds the network for a disc of `radius_m` metres (1 km to 100 km).
    pub fn generate(radius_m: f64) -> Self {
        let spacing_m = (radius_m / 24.0).clamp(200.0, 1000.0);
        let n = (radius_m / spacing_m).floor() as i32;
        let inside = radius_m * 0.97;
        let line_class = |k: i32| match k {
            0 => RoadClass::Expressway,
            k if k % 4 == 0 => RoadClass::Arterial,
            _ => RoadClass::Local,
        };

        let mut pos = Vec::new();
        let mut junction = Vec::new();
        let mut grid = HashMap::new();
        for j in -n..=n {
            for i in -n..=n {
                let (x, y) = (f64::from(i) * spacing_m, f64::from(j) * spacing_m);
                if x.hypot(y) <= inside {
                    grid.insert((i, j), pos.len() as NodeId);
                    pos.push((x, y));
                    let arterials = u8::from(i % 4 == 0) + u8::from(j % 4 == 0);
                    junction.push(match arterials {
                        0 => Junction::Minor,
                        1 => Junction::Side,
                        _ => Junction::Major,
                    });
                }
            }
        }
        let grid_nodes = pos.len();

        let mut links: Vec<(NodeId, NodeId, RoadClass)> = Vec::new();
        for j in -n..=n {
            for i in -n..=n {
                let Some(&a) = grid.get(&(i, j)) else {
                    continue;
                };
                if let Some(&b) = grid.get(&(i + 1, j)) {
                    links.push((a, b, line_class(j)));
                }
                if let Some(&b) = grid.get(&(i, j + 1)) {
                    links.push((a, b, line_class(i)));
                }
            }
        }

        // The ring road, a polygon of roughly block-long chords.
        let ring_radius_m = radius_m * 0.72;
        let k = ((TAU * ring_radius_m / spacing_m).round() as usize).max(12);
        let ring0 = pos.len();
        for m in 0..k {
            let a = TAU * m as f64 / k as f64;
            pos.push((ring_radius_m * a.cos(), ring_radius_m * a.sin()));
            junction.push(Junction::Free);
        }
        for m in 0..k {
            links.push((
                (ring0 + m) as NodeId,
                (ring0 + (m + 1) % k) as NodeId,
                RoadClass::Ring,
            ));
        }
        // Ramps where the ring passes close to an arterial; everywhere on small maps.
        let ramps = |arterial_only: bool| {
            let mut used = HashSet::new();
            let mut out = Vec::new();
            for m in 0..k {
                let (x, y) = pos[ring0 + m];
                let (gi, gj) = (
                    (x / spacing_m).round() as i32,
                    (y / spacing_m).round() as i32,
                );
                let Some(&g) = grid.get(&(gi, gj)) else {
                    continue;
                };
                let (gx, gy) = pos[usize::from(g)];
                let near = (gx - x).hypot(gy - y) <= 0.75 * spacing_m;
                let arterial = gi % 4 == 0 || gj % 4 == 0;
                if near && (arterial || !arterial_only) && used.insert(g) {
                    out.push(((ring0 + m) as NodeId, g));
                }
            }
            out
        };
        let mut ramp_links = ramps(true);
        if ramp_links.len() < 4 {
            ramp_links = ramps(false);
        }
        for (r, g) in ramp_links {
            links.push((r, g, RoadClass::Ramp));
            junction[usize::from(g)] = Junction::Interchange;
        }

        assert!(
            pos.len() <= usize::from(NodeId::MAX),
            "road network too big"
        );
        let mut directed: Vec<(NodeId, Edge)> = Vec::with_capacity(links.len() * 2);
        for (a, b, class) in links {
            let (ax, ay) = pos[usize::from(a)];
            let (bx, by) = pos[usize::from(b)];
            let len_m = (bx - ax).hypot(by - ay) as f32;
            directed.push((
                a,
                Edge {
                    to: b,
                    class,
                    len_m,
                },
            ));
            directed.push((
                b,
                Edge {
                    to: a,
                    class,
                    len_m,
                },
            ));
        }
        directed.sort_by_key(|(from, e)| (*from, e.to));
        let mut first = vec![0u32; pos.len() + 1];
        for (from, _) in &directed {
            first[usize::from(*from) + 1] += 1;
        }
        for i in 0..pos.len() {
            first[i + 1] += first[i];
        }
        Self {
            spacing_m,
            radius_m,
            ring_radius_m,
            pos,
            junction,
            first,
            edges: directed.into_iter().map(|(_, e)| e).collect(),
            grid,
            grid_nodes,
        }
    }

    /// Distance between neighbouring grid lines, metres.
    pub fn spacing_m(&self) -> f64 {
        self.spacing_m
    }

    /// Radius of the disc the network fills, metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Radius of the ring road, metres.
    pub fn ring_radius_m(&self) -> f64 {
        self.ring_radius_m
    }

    /// Number of nodes (grid junctions, then ring road nodes).
    pub fn node_count(&self) -> usize {
        self.pos.len()
    }

    /// Number of grid junctions; ids `0..grid_node_count()` are grid nodes.
    pub fn grid_node_count(&self) -> usize {
        self.grid_nodes
    }

    /// Position of a node, metres `(east, north)` of the centre.
    pub fn position(&self, n: NodeId) -> (f64, f64) {
        self.pos[usize::from(n)]
    }

    /// What controls traffic at a node.
    pub fn junction(&self, n: NodeId) -> Junction {
        self.junction[usize::from(n)]
    }

    /// The edges leaving a node.
    pub fn edges_from(&self, n: NodeId) -> &[Edge] {
        let n = usize::from(n);
        &self.edges[self.first[n] as usize..self.first[n + 1] as usize]
    }

    /// The edge from `a` to `b`, if they are neighbours.
    pub fn edge(&self, a: NodeId, b: NodeId) -> Option<&Edge> {
        self.edges_from(a).iter().find(|e| e.to == b)
    }

    /// Traffic on the road between `a` and `b`: the share of the speed limit that traffic
    /// allows, 0.55 to 1.0. Fixed per road (a hash of its ends) and lower in the centre,
    /// so some streets are always slower than others, as in a real city.
    pub fn traffic_factor(&self, a: NodeId, b: NodeId) -> f32 {
        let (lo, hi) = (u32::from(a.min(b)), u32::from(a.max(b)));
        let mut h = lo.wrapping_mul(0x9E37_79B9) ^ hi.wrapping_mul(0x85EB_CA6B);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        h ^= h >> 12;
        let u = (h % 1000) as f32 / 1000.0;
        let (pa, pb) = (self.position(a), self.position(b));
        let mid = ((pa.0 + pb.0) / 2.0).hypot((pa.1 + pb.1) / 2.0);
        let centre = if mid < 0.35 * self.radius_m {
            0.85
        } else {
            1.0
        };
        ((0.65 + 0.35 * u) * centre).max(0.55)
    }

    /// The grid node nearest to `(x, y)` metres.
    pub fn nearest_grid_node(&self, x: f64, y: f64) -> NodeId {
        let key = (
            (x / self.spacing_m).round() as i32,
            (y / self.spacing_m).round() as i32,
        );
        if let Some(&n) = self.grid.get(&key) {
            return n;
        }
        (0..self.grid_nodes)
            .min_by(|&a, &b| {
                let da = (self.pos[a].0 - x).hypot(self.pos[a].1 - y);
                let db = (self.pos[b].0 - x).hypot(self.pos[b].1 - y);
                da.total_cmp(&db)
            })
            .map_or(0, |n| n as NodeId)
    }

    /// Every road once (not once per direction): `(a, b, class)` in metres.
    pub fn segments(&self) -> impl Iterator<Item = ((f64, f64), (f64, f64), RoadClass)> + '_ {
        (0..self.pos.len()).flat_map(move |a| {
            self.edges_from(a as NodeId)
                .iter()
                .filter(move |e| usize::from(e.to) > a)
                .map(move |e| (self.pos[a], self.pos[usize::from(e.to)], e.class))
        })
    }

    /// Distance from `(x, y)` to the nearest road, metres (a linear scan: for tests and
    /// tools, not for per-step use).
    pub fn distance_to_road(&self, x: f64, y: f64) -> f64 {
        self.segments()
            .map(|(a, b, _)| crate::geo::dist_to_segment((x, y), a, b))
            .fold(f64::INFINITY, f64::min)
    }
}

/// Reusable A* scratch space: one per simulation, so routing allocates nothing per trip.
#[derive(Debug, Clone, Default)]
pub struct Router {
    g: Vec<u32>,
    prev: Vec<NodeId>,
    stamp: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Reverse<(u32, NodeId)>>,
}

impl Router {
    /// Scratch space for `net`.
    pub fn new(net: &RoadNetwork) -> Self {
        let n = net.node_count();
        Self {
            g: vec![0; n],
            prev: vec![0; n],
            stamp: vec![0; n],
            generation: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// Fastest route from `from` to `to` by speed limits. On success `out` holds the nodes
    /// after `from`, **last hop first** (so `out.pop()` yields the next node) and the result
    /// is `true`; `from == to` gives an empty route. `false` if `to` is unreachable.
    pub fn route(
        &mut self,
        net: &RoadNetwork,
        from: NodeId,
        to: NodeId,
        out: &mut Vec<NodeId>,
    ) -> bool {
        out.clear();
        if from == to {
            return true;
        }
        if self.g.len() != net.node_count() {
            *self = Self::new(net);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        let generation = self.generation;
        let goal = net.position(to);
        let h = |n: NodeId| {
            let (x, y) = net.position(n);
            ((x - goal.0).hypot(y - goal.1) / MAX_LIMIT_MS * 10.0) as u32
        };
        self.heap.clear();
        let start = usize::from(from);
        self.g[start] = 0;
        self.stamp[start] = generation;
        self.heap.push(Reverse((h(from), from)));
        while let Some(Reverse((f, n))) = self.heap.pop() {
            let gn = self.g[usize::from(n)];
            if n == to {
                let mut c = to;
                while c != from {
                    out.push(c);
                    c = self.prev[usize::from(c)];
                }
                return true;
            }
            if f > gn + h(n) {
                continue; // stale entry
            }
            for e in net.edges_from(n) {
                let m = usize::from(e.to);
                let ng = gn + e.cost();
                if self.stamp[m] != generation || ng < self.g[m] {
                    self.stamp[m] = generation;
                    self.g[m] = ng;
                    self.prev[m] = n;
                    self.heap.push(Reverse((ng + h(e.to), e.to)));
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_fills_the_disc_and_is_connected() {
        let net = RoadNetwork::generate(12_000.0);
        assert_eq!(net.spacing_m(), 500.0);
        assert!(net.node_count() > 1500 && net.node_count() < 3000);
        for n in 0..net.node_count() {
            let (x, y) = net.position(n as NodeId);
            assert!(x.hypot(y) <= 12_000.0);
            assert!(!net.edges_from(n as NodeId).is_empty(), "isolated node {n}");
        }
        // Every node reaches node 0 and back.
        let mut router = Router::new(&net);
        let mut path = Vec::new();
        for n in (0..net.node_count()).step_by(7) {
            assert!(router.route(&net, n as NodeId, 0, &mut path));
            assert!(router.route(&net, 0, n as NodeId, &mut path));
        }
    }

    #[test]
    fn has_every_road_class_and_ramps() {
        let net = RoadNetwork::generate(12_000.0);
        let classes: HashSet<RoadClass> = net.segments().map(|(_, _, c)| c).collect();
        assert_eq!(classes.len(), 5);
        let ramps = net
            .segments()
            .filter(|(_, _, c)| *c == RoadClass::Ramp)
            .count();
        assert!(ramps >= 8, "{ramps}");
        // Small maps still connect their ring.
        let small = RoadNetwork::generate(2_000.0);
        assert!(
            small
                .segments()
                .filter(|(_, _, c)| *c == RoadClass::Ramp)
                .count()
                >= 4
        );
    }

    #[test]
    fn routes_follow_edges_and_prefer_fast_roads() {
        let net = RoadNetwork::generate(12_000.0);
        let mut router = Router::new(&net);
        let mut path = Vec::new();
        let a = net.nearest_grid_node(-9_000.0, -1_000.0);
        let b = net.nearest_grid_node(9_000.0, 1_000.0);
        assert!(router.route(&net, a, b, &mut path));
        assert_eq!(path[0], b);
        let mut prev = a;
        let mut fast = 0.0;
        let mut total = 0.0;
        for &n in path.iter().rev() {
            let e = net.edge(prev, n).expect("consecutive nodes are neighbours");
            total += f64::from(e.len_m);
            if e.class != RoadClass::Local {
                fast += f64::from(e.len_m);
            }
            prev = n;
        }
        assert!(fast / total > 0.7, "{fast} of {total} m on fast roads");
        assert!(router.route(&net, a, a, &mut path) && path.is_empty());
    }

    #[test]
    fn traffic_is_symmetric_and_bounded() {
        let net = RoadNetwork::generate(12_000.0);
        let mut seen = Vec::new();
        for a in 0..net.node_count() as NodeId {
            for e in net.edges_from(a) {
                let f = net.traffic_factor(a, e.to);
                assert_eq!(f, net.traffic_factor(e.to, a));
                assert!((0.55..=1.0).contains(&f), "{f}");
                seen.push(f);
            }
        }
        let mean = seen.iter().sum::<f32>() / seen.len() as f32;
        assert!((0.75..0.85).contains(&mean), "{mean}");
    }

    #[test]
    fn snapping_and_distance() {
        let net = RoadNetwork::generate(12_000.0);
        let n = net.nearest_grid_node(1_020.0, -490.0);
        assert_eq!(net.position(n), (1_000.0, -500.0));
        assert!(net.distance_to_road(1_000.0, -250.0) < 1e-9);
        assert!((net.distance_to_road(1_100.0, -250.0) - 100.0).abs() < 1e-9);
        // Far outside the disc snaps to the rim.
        let rim = net.nearest_grid_node(50_000.0, 0.0);
        assert!(net.position(rim).0 > 11_000.0);
    }
}
