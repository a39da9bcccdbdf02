//! Who the vehicles are: ids, Saudi-style plates, models (tank size and consumption), drivers.

use std::collections::HashSet;

use opsdeck_protocol::fleet::VehicleUpsert;
use rand::Rng;

/// A vehicle model and its fuel characteristics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// Make and model.
    pub name: &'static str,
    /// Tank capacity, litres.
    pub tank_l: f32,
    /// Lowest consumption, L/100 km.
    pub min_l_per_100km: f32,
    /// Highest consumption, L/100 km.
    pub max_l_per_100km: f32,
}

/// The fleet's models: pick-ups, vans and sedans common in Saudi fleets.
pub const MODELS: &[Model] = &[
    model("Toyota Hilux", 80.0, 10.0, 12.5),
    model("Toyota Land Cruiser", 80.0, 13.0, 15.0),
    model("Hyundai H-1", 75.0, 10.0, 12.0),
    model("Isuzu D-Max", 76.0, 9.0, 11.0),
    model("Toyota Camry", 60.0, 8.0, 9.5),
    model("Nissan Patrol", 80.0, 13.5, 15.0),
    model("Ford Transit", 80.0, 10.0, 12.5),
    model("Mitsubishi L200", 75.0, 9.5, 11.5),
    model("Hyundai Sonata", 60.0, 8.0, 9.0),
    model("Toyota HiAce", 70.0, 11.0, 13.0),
];

const fn model(name: &'static str, tank_l: f32, min: f32, max: f32) -> Model {
    Model {
        name,
        tank_l,
        min_l_per_100km: min,
        max_l_per_100km: max,
    }
}

/// Latin letters used on Saudi plates (each stands for an Arabic letter).
const PLATE_LETTERS: &[u8] = b"ABJDRSXTEGKLZNHUV";

/// One vehicle's identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// Vehicle id, `V-0001`.
    pub id: String,
    /// Plate, `ABJ 1234`.
    pub plate: String,
    /// Display name, e.g. `Toyota Hilux 0001`.
    pub name: String,
    /// Assigned driver, `drv-0001`.
    pub driver_id: String,
    /// Its model.
    pub model: &'static Model,
}

impl Identity {
    /// The registry entry (`vehicle:upsert`, `POST /api/vehicles`).
    pub fn upsert(&self) -> VehicleUpsert {
        VehicleUpsert {
            id: self.id.clone(),
            plate_number: self.plate.clone(),
            name: Some(self.name.clone()),
            driver_id: Some(self.driver_id.clone()),
        }
    }
}

/// Draws `count` identities with distinct plates.
pub fn identities(count: usize, rng: &mut impl Rng) -> Vec<Identity> {
    let mut plates = HashSet::with_capacity(count);
    (1..=count)
        .map(|n| {
            let model = &MODELS[rng.random_range(0..MODELS.len())];
            let plate = loop {
                let letters: String = (0..3)
                    .map(|_| char::from(PLATE_LETTERS[rng.random_range(0..PLATE_LETTERS.len())]))
                    .collect();
                let plate = format!("{letters} {:04}", rng.random_range(1..=9999));
                if plates.insert(plate.clone()) {
                    break plate;
                }
            };
            Identity {
                id: format!("V-{n:04}"),
                plate,
                name: format!("{} {n:04}", model.name),
                driver_id: format!("drv-{n:04}"),
                model,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::Validate;
    use rand::SeedableRng;

    #[test]
    fn identities_are_valid_and_distinct() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let ids = identities(2000, &mut rng);
        assert_eq!(ids[0].id, "V-0001");
        assert_eq!(ids[0].driver_id, "drv-0001");
        assert_eq!(ids[1999].id, "V-2000");
        let plates: HashSet<_> = ids.iter().map(|i| &i.plate).collect();
        assert_eq!(plates.len(), 2000);
        for i in &ids {
            assert!(i.upsert().validate().is_ok(), "{i:?}");
            let (letters, digits) = i.plate.split_once(' ').unwrap();
            assert_eq!(letters.len(), 3);
            assert_eq!(digits.len(), 4);
            assert!((60.0..=80.0).contains(&i.model.tank_l));
        }
    }
}
