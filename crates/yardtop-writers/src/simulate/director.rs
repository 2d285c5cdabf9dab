//! Chooses what happens next. Loading keeps its own pace (about `uph_target`
//! units an hour per vessel alongside, whatever --rate says); the rest of the
//! event budget goes to the yard's everyday work in realistic proportions, each
//! step only when it can happen (a free slot, a vehicle waiting, room to stage).

use rand::Rng;

use super::catalog;
use super::sim::Sim;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    GateIn,
    Park,
    Stage,
    SocCheck,
    Hold,
    Release,
    Move,
}

impl Sim<'_> {
    /// Adds the loading rate earned over `secs` to each vessel alongside; a
    /// vessel cannot bank more than a few loads.
    pub(super) fn earn(&mut self, secs: f64) {
        let per_sec = self.uph / 3600.0;
        for id in self.m.alongside() {
            let t = self.tokens.entry(id).or_insert(0.0);
            *t = (*t + per_sec * secs).min(3.0);
        }
    }

    /// One step of the stream; returns the events written (0: nothing could
    /// happen now).
    pub(super) fn step(&mut self, budget: u64) -> Result<u64> {
        let mut calls = self.m.alongside();
        if !calls.is_empty() {
            let k = self.rng.random_range(0..calls.len());
            calls.rotate_left(k);
        }
        for call in calls {
            if self.tokens.get(&call).copied().unwrap_or(0.0) < 1.0 {
                continue;
            }
            let (n, loaded) = self.load(call)?;
            if loaded {
                if let Some(t) = self.tokens.get_mut(&call) {
                    *t -= 1.0;
                }
            }
            if n > 0 {
                return Ok(n);
            }
            let n = self.stage(call)?;
            if n > 0 {
                return Ok(n);
            }
        }

        let mut options = self.options();
        while !options.is_empty() {
            let Some(&(step, _)) = catalog::weighted(&mut self.rng, &options, |o| o.1) else {
                break;
            };
            options.retain(|o| o.0 != step);
            let n = match step {
                Step::GateIn => self.gate_in(budget)?,
                Step::Park => self.park()?,
                Step::Stage => self.stage_any()?,
                Step::SocCheck => self.soc_check()?,
                Step::Hold => self.hold()?,
                Step::Release => self.release()?,
                Step::Move => self.relocate()?,
            };
            if n > 0 {
                return Ok(n);
            }
        }
        Ok(0)
    }

    /// The steps that can happen now, with their weights.
    fn options(&self) -> Vec<(Step, u32)> {
        let m = &self.m;
        let in_yard = m.vehicles.len();
        let hold_limit = in_yard * 3 / 100 + 2;
        let mut o = Vec::with_capacity(7);
        if !m.gated.is_empty() {
            o.push((Step::Park, 30 + m.gated.len().min(70) as u32));
        }
        if self.can_gate_in() {
            o.push((Step::GateIn, 20));
        }
        if m.alongside().into_iter().any(|c| self.wants_staging(c)) {
            o.push((Step::Stage, 12));
        }
        if !m.parked.is_empty() || !m.staged.is_empty() {
            o.push((Step::SocCheck, 25));
        }
        if !m.parked.is_empty() && m.held.len() < hold_limit {
            o.push((Step::Hold, 3));
        }
        if !m.held.is_empty() {
            o.push((Step::Release, if m.held.len() >= hold_limit { 12 } else { 3 }));
        }
        if m.parked.len() > 1 {
            o.push((Step::Move, 2));
        }
        o
    }

    fn stage_any(&mut self) -> Result<u64> {
        let calls: Vec<i64> = self
            .m
            .alongside()
            .into_iter()
            .filter(|c| self.wants_staging(*c))
            .collect();
        if calls.is_empty() {
            return Ok(0);
        }
        let call = calls[self.rng.random_range(0..calls.len())];
        self.stage(call)
    }
}
