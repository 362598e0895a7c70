//! Branches and iterations that AWS runs side by side, run here one after another on their
//! own stretch of virtual time, then settled as if they had run together: the history is
//! ordered by time, and when one fails, what the others would have done after that moment
//! never happened.

use crate::history::EventType;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde_json::{json, Value};
use stepwise_asl::model::StateType;

use super::{Runner, Stop, Visited};
use crate::failure::Failure;

/// One branch or iteration that has run.
pub(super) struct Unit {
    start: i64,
    end: i64,
    result: Result<Value, Stop>,
    /// The states it entered, in order.
    trail: Vec<Visited>,
}

impl Unit {
    /// The state this unit was in at `at`: the last one it entered by then.
    fn state_at(&self, at: i64) -> Option<&Visited> {
        self.trail.iter().rev().find(|v| v.entered <= at)
    }
}

/// Concurrency on the virtual clock: at most `limit` units at a time (0: no limit).
pub(super) struct Slots {
    /// End times of the units holding a slot (earliest first).
    busy: BinaryHeap<Reverse<i64>>,
    limit: usize,
    start: i64,
}

impl Slots {
    pub fn new(limit: usize, start: i64) -> Self {
        Slots {
            busy: BinaryHeap::new(),
            limit,
            start,
        }
    }

    /// When the next unit starts: at once while a slot is free, else when the first one
    /// frees. The flag is true when the unit had to wait for a slot.
    pub fn next_start(&mut self) -> (i64, bool) {
        if self.limit == 0 || self.busy.len() < self.limit {
            (self.start, false)
        } else {
            let start = self
                .busy
                .pop()
                .map_or(self.start, |Reverse(end)| end.max(self.start));
            (start, true)
        }
    }

    /// A unit that started ended at `end`, freeing its slot then.
    pub fn finished(&mut self, end: i64) {
        self.busy.push(Reverse(end));
    }
}

/// A fan-out in progress: where its events start, and the units run so far.
pub(super) struct FanOut {
    mark: usize,
    pending_mark: usize,
    units: Vec<Unit>,
    slots: Slots,
    start: i64,
    /// When the first unit failed so far.
    failed_at: Option<i64>,
}

/// How a settled fan-out ended.
pub(super) enum Settled {
    /// Every unit succeeded: their outputs, in order.
    Outputs(Vec<Value>),
    /// The first failure in virtual time.
    Failed(Failure),
}

impl FanOut {
    /// Begin a fan-out now, running at most `concurrency` units at a time (0: no limit).
    pub fn begin(runner: &Runner, concurrency: usize) -> Self {
        FanOut {
            mark: runner.history.mark(),
            pending_mark: runner.pending.len(),
            units: Vec::new(),
            slots: Slots::new(concurrency, runner.now),
            start: runner.now,
            failed_at: None,
        }
    }

    /// When the next unit starts; `None` when it would wait for a slot that frees only after
    /// a unit has failed: AWS starts nothing once the fan-out has failed.
    pub fn next_start(&mut self) -> Option<i64> {
        let (start, waited) = self.slots.next_start();
        match self.failed_at {
            Some(failed) if waited && start >= failed => None,
            _ => Some(start),
        }
    }

    /// Run one unit from `start`.
    pub fn run<'m>(
        &mut self,
        runner: &mut Runner<'m>,
        start: i64,
        unit: impl FnOnce(&mut Runner<'m>) -> Result<Value, Stop>,
    ) {
        runner.now = start;
        let outer_trail = runner.branch_trail.replace(Vec::new());
        let result = unit(runner);
        let trail = std::mem::replace(&mut runner.branch_trail, outer_trail).unwrap_or_default();
        let end = runner.now;
        if !matches!(result, Err(Stop::Wait)) {
            self.slots.finished(end);
        }
        if matches!(result, Err(Stop::Fail(_))) {
            self.failed_at = Some(self.failed_at.map_or(end, |f| f.min(end)));
        }
        self.units.push(Unit {
            start,
            end,
            result,
            trail,
        });
    }

    /// The first failure in virtual time, if any, as (unit, time).
    fn first_failure(&self) -> Option<(usize, i64)> {
        self.units
            .iter()
            .enumerate()
            .filter(|(_, u)| matches!(u.result, Err(Stop::Fail(_))))
            .map(|(i, u)| (i, u.end))
            .min_by_key(|(i, end)| (*end, *i))
    }

    /// Settle the fan-out: order its events by time, cut what a failure prevented, and report.
    /// `aborted` is told about each unit still running when the failure struck.
    pub fn settle(
        self,
        runner: &mut Runner,
        mut aborted: impl FnMut(&mut Runner, usize),
    ) -> Result<Settled, Stop> {
        let Some((failed, at)) = self.first_failure() else {
            runner.history.interleave(self.mark, |_| true);
            runner.now = self.units.iter().map(|u| u.end).fold(self.start, i64::max);
            let mut outputs = Vec::with_capacity(self.units.len());
            let mut waiting = false;
            for unit in self.units {
                match unit.result {
                    Ok(output) => outputs.push(output),
                    Err(Stop::Wait) => waiting = true,
                    Err(stop @ Stop::Fail(_)) => return Err(stop),
                }
            }
            return if waiting {
                Err(Stop::Wait)
            } else {
                Ok(Settled::Outputs(outputs))
            };
        };
        runner
            .history
            .interleave(self.mark, |event| event.millis <= at);
        // Callbacks of the other units were cancelled with them.
        runner.pending.truncate(self.pending_mark);
        runner.now = at;
        // The failed unit's Task state never exits: AWS closes it as aborted.
        if let Some(visited) = self.units[failed].state_at(at) {
            if visited.state_type == StateType::Task {
                runner.emit(EventType::TaskStateAborted, || None);
            }
        }
        let mut failure = None;
        for (index, unit) in self.units.into_iter().enumerate() {
            let in_flight =
                unit.start <= at && (unit.end > at || matches!(unit.result, Err(Stop::Wait)));
            if index == failed {
                if let Err(Stop::Fail(f)) = unit.result {
                    failure = Some(f);
                }
            } else if in_flight {
                aborted(runner, index);
                let cut_short = unit.state_at(at).map(|v| v.state_type);
                if let Some(kind) = cut_short.and_then(EventType::aborted) {
                    runner.emit(kind, || None);
                }
            }
        }
        let failure = failure.unwrap_or_else(|| Failure::runtime("A branch failed"));
        Ok(Settled::Failed(failure))
    }
}

impl Runner<'_> {
    /// `MapIterationAborted` for an iteration a failure cut short.
    pub(super) fn iteration_aborted(&mut self, name: &str, index: usize) {
        self.emit(EventType::MapIterationAborted, || {
            Some(json!({ "name": name, "index": index }))
        });
    }
}
