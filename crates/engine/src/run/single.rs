//! One state run alone, as the TestState API runs it: a single attempt with a mocked
//! result, then what the state's Retry and Catch would make of a failure.

use std::borrow::Cow;

use serde_json::Value;
use stepwise_asl::model::{State, Transition};

use super::{Runner, StateFacts, Stop};
use crate::env::Vars;
use crate::failure::Failure;
use crate::inspect::{Recorder, Stage};
use crate::mock::Response;

/// What TestState's request replaces in the state under test.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stand {
    /// The state under test.
    pub state: String,
    /// Its mocked result or error (a Task's answer; a Parallel's or Map's whole result).
    pub mock: Option<Response>,
    /// What a distributed Map's ItemReader reads.
    pub reader_data: Option<Value>,
    /// How many Map iterations failed (with a mocked Map result).
    pub iteration_failures: Option<u64>,
    /// The context object given instead of the simulated one.
    pub context: Option<Value>,
}

/// How the single attempt ended.
pub(crate) enum Single {
    /// It succeeded: its output and where it goes.
    Succeeded(Value, Transition),
    /// It failed and a Retrier would retry it: which one, and after how many seconds.
    Retriable(Failure, usize, u64),
    /// It failed and a Catcher takes it: the Retrier whose attempts are used up, if one
    /// matched; the Catcher; the output and where it goes.
    Caught(Failure, Option<usize>, usize, Value, Transition),
    /// It failed for good (past the attempts of the Retrier that matched, if one did).
    Failed(Failure, Option<usize>),
    /// A callback with no answer: only a mock can give one.
    Waiting,
}

impl<'m> Runner<'m> {
    /// Run `state` once on `input`, as its `retry_count`-th retry, recording its data flow.
    pub(crate) fn run_alone(
        &mut self,
        state: &'m State,
        input: Value,
        vars: &mut Vars,
        retry_count: u32,
    ) -> (Single, Vec<(Stage, Value)>) {
        let recorder = self.recorder.get_or_insert_with(Recorder::default);
        recorder.open();
        recorder.note(Stage::Input, &input);
        let mut facts = StateFacts {
            name: state.name.clone(),
            entered_millis: self.now,
            retry_count,
            counts_retries: super::counts_retries(state),
            ..StateFacts::default()
        };
        let single = match self.attempt(state, Cow::Borrowed(&input), vars, &mut facts) {
            Ok((output, next, _)) => {
                self.note(Stage::Output, &output);
                Single::Succeeded(output, next)
            }
            Err(Stop::Wait) => Single::Waiting,
            Err(Stop::Fail(failure)) => self.settle_failure(state, input, failure, vars, &facts),
        };
        // TestState reports the variables it was given, not those after the state.
        (single, self.close_visit(state))
    }

    /// What the state's Retry and Catch make of a failed attempt. Retriers come first: one
    /// that matches with attempts left retries (after IntervalSeconds x BackoffRate^retries,
    /// in whole seconds, at most MaxDelaySeconds).
    fn settle_failure(
        &mut self,
        state: &'m State,
        input: Value,
        failure: Failure,
        vars: &mut Vars,
        facts: &StateFacts,
    ) -> Single {
        if failure.is_terminal() {
            return Single::Failed(failure, None);
        }
        let retrier = state
            .retry
            .iter()
            .position(|r| failure.matches(&r.error_equals));
        if let Some(index) = retrier {
            let retrier = &state.retry[index];
            if u64::from(facts.retry_count) < retrier.max_attempts {
                let mut seconds =
                    retrier.interval_seconds * retrier.backoff_rate.powi(facts.retry_count as i32);
                if let Some(max) = retrier.max_delay_seconds {
                    seconds = seconds.min(max);
                }
                return Single::Retriable(failure, index, seconds as u64);
            }
        }
        let catcher = state
            .catch
            .iter()
            .position(|c| failure.matches(&c.error_equals));
        let Some(index) = catcher else {
            return Single::Failed(failure, retrier);
        };
        match self.catch(state, &state.catch[index], input, &failure, vars, facts) {
            Ok((output, next)) => Single::Caught(failure, retrier, index, output, next),
            Err(Stop::Fail(failure)) => Single::Failed(failure, retrier),
            Err(Stop::Wait) => Single::Waiting,
        }
    }

    /// The context object TestState's request gives instead of the simulated one.
    pub(super) fn given_context(&self) -> Option<&Value> {
        self.stand.as_ref().and_then(|s| s.context.as_ref())
    }

    /// The mocked answer of the state under test, when `state` is that state.
    pub(super) fn stand_in(&self, state: &State) -> Option<&Response> {
        self.stand
            .as_ref()
            .filter(|stand| stand.state == state.name)
            .and_then(|stand| stand.mock.as_ref())
    }
}
