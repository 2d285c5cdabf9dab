//! A set of VINs that can hand out a random member in O(1), so that picking "some
//! parked vehicle" stays cheap with 50,000 vehicles in the yard.

use std::collections::HashMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Default)]
pub(super) struct Pool {
    items: Vec<String>,
    index: HashMap<String, usize>,
}

impl Pool {
    pub(super) fn insert(&mut self, vin: &str) {
        if !self.index.contains_key(vin) {
            self.index.insert(vin.to_string(), self.items.len());
            self.items.push(vin.to_string());
        }
    }

    pub(super) fn remove(&mut self, vin: &str) {
        let Some(i) = self.index.remove(vin) else {
            return;
        };
        self.items.swap_remove(i);
        if let Some(moved) = self.items.get(i) {
            self.index.insert(moved.clone(), i);
        }
    }

    pub(super) fn pick(&self, rng: &mut ChaCha8Rng) -> Option<&str> {
        if self.items.is_empty() {
            return None;
        }
        Some(&self.items[rng.random_range(0..self.items.len())])
    }

    pub(super) fn len(&self) -> usize {
        self.items.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn insert_remove_pick() {
        let mut p = Pool::default();
        for v in ["A", "B", "C", "B"] {
            p.insert(v);
        }
        assert_eq!(p.len(), 3);
        p.remove("A");
        p.remove("Z");
        assert_eq!(p.len(), 2);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20 {
            let v = p.pick(&mut rng).unwrap();
            assert!(v == "B" || v == "C");
        }
        p.remove("C");
        p.remove("B");
        assert!(p.pick(&mut rng).is_none());
    }
}
