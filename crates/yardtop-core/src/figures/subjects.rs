//! The subjects an alert names: the first few in order, however many there are.
//! A yard can have thousands of vehicles in one alert; only these are kept.

/// Subjects an alert lists at most.
pub const MAX_SUBJECTS: usize = 20;

/// The `MAX_SUBJECTS` smallest keys seen, in order, and how many were offered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subjects<K: Ord> {
    first: Vec<K>,
    pub count: u64,
}

impl<K: Ord> Subjects<K> {
    /// Counts one subject; `make` builds its key only when it is kept.
    pub fn offer(&mut self, wins: impl FnOnce(Option<&K>) -> bool, make: impl FnOnce() -> K) {
        self.count += 1;
        if self.first.len() < MAX_SUBJECTS || wins(self.first.last()) {
            let key = make();
            let at = self.first.partition_point(|k| *k < key);
            self.first.insert(at, key);
            self.first.truncate(MAX_SUBJECTS);
        }
    }

    pub fn keys(&self) -> &[K] {
        &self.first
    }
}

impl Subjects<String> {
    /// Offers a text subject, allocated only when it is among the first.
    pub fn offer_str(&mut self, s: &str) {
        self.offer(|last| last.is_none_or(|l| s < l.as_str()), || s.to_string());
    }

    pub fn list(&self) -> Vec<String> {
        self.first.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_twenty_in_order_and_counts_all() {
        let mut s = Subjects::<String>::default();
        for i in (0..100).rev() {
            s.offer_str(&format!("V{i:03}"));
        }
        assert_eq!(s.count, 100);
        assert_eq!(s.keys().len(), MAX_SUBJECTS);
        assert_eq!(s.keys()[0], "V000");
        assert_eq!(s.keys()[19], "V019");
    }
}
