//! Parallel and Map states: their effective input, the branches or iterations they run on
//! the virtual clock (settled in `fanout.rs`; distributed Maps in `distributed.rs`), and
//! the checks AWS makes of their items, concurrency and tolerated failures.

use std::borrow::Cow;

use serde_json::{json, Value};
use stepwise_asl::model::{Amount, Kind, MapMode, QueryLanguage, State};

use super::distributed::{Run, Source, Tolerance};
use super::fanout::{FanOut, Settled};
use super::flow::Attempt;
use super::{Ctx, Runner, StateFacts, Stop};
use crate::env::Vars;
use crate::failure::Failure;
use crate::history::EventType;
use crate::inspect::Stage;
use crate::mock::Response;

impl<'m> Runner<'m> {
    /// Parallel and Map: run the branches or iterations, then process the array of outputs.
    pub(super) fn fan_out(
        &mut self,
        state: &'m State,
        input: Cow<'_, Value>,
        vars: &Vars,
        facts: &mut StateFacts,
    ) -> Result<Attempt, Stop> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let states = jsonata.then(|| self.states_var(&input, None, None, facts));
        let effective = {
            let ctx = Ctx {
                runner: self,
                facts,
            };
            self.effective_input(state, &input, vars, &ctx, states.as_ref())?
        };
        let result = match &state.kind {
            Kind::Parallel { branches } => {
                self.parallel(state, branches, effective, vars, facts)?
            }
            Kind::Map(map) => self.map(state, map, effective, vars, facts, states.as_ref())?,
            _ => unreachable!("fan_out is for Parallel and Map"),
        };
        self.finish(state, input, result, vars, facts)
    }

    fn parallel(
        &mut self,
        state: &State,
        branches: &'m [stepwise_asl::model::Scope],
        input: Value,
        vars: &Vars,
        facts: &mut StateFacts,
    ) -> Result<Value, Stop> {
        self.emit(EventType::ParallelStateStarted, || None);
        if let Some(mocked) = self.mocked_fan_out(state) {
            return mocked;
        }
        let mut fan = FanOut::begin(self, 0);
        for branch in branches {
            let Some(start) = fan.next_start() else {
                break;
            };
            let mut branch_vars = vars.clone();
            let input = input.clone();
            fan.run(self, start, |runner| {
                runner.run_scope(branch, input, &mut branch_vars)
            });
        }
        match fan.settle(self, |_, _| {})? {
            Settled::Outputs(outputs) => {
                self.emit(EventType::ParallelStateSucceeded, || None);
                Ok(Value::Array(outputs))
            }
            Settled::Failed(failure) => {
                facts.branch_failed = true;
                Err(Stop::Fail(failure))
            }
        }
    }

    fn map(
        &mut self,
        state: &'m State,
        map: &'m stepwise_asl::model::Map,
        input: Value,
        vars: &Vars,
        facts: &mut StateFacts,
        states: Option<&Value>,
    ) -> Result<Value, Stop> {
        let ctx = Ctx {
            runner: self,
            facts,
        };
        let eval = self.evaluator(&input, vars, &ctx, states);
        // AWS fails the whole Map state (MapStateFailed) when its Items cannot be evaluated.
        let mut items_failed = None;
        let items = match (&map.items_path, &map.items) {
            // A Map with an ItemReader reads its items; AWS does not evaluate its ItemsPath.
            // TestState's `mapItemReaderData` stands for what the reader would read.
            _ if map.item_reader.is_some() => {
                self.stand.as_ref().and_then(|s| s.reader_data.clone())
            }
            (Some(path), _) => Some(eval.env.require(path, "ItemsPath")?),
            (None, Some(template)) => eval
                .template(template, "Items")
                .map_err(|failure| items_failed = Some(failure))
                .ok(),
            (None, None) => Some(input.clone()),
        };

        let max_concurrency = match &map.max_concurrency {
            None => 0,
            Some(Amount::Fixed(n)) => *n as usize,
            Some(Amount::Path(path)) => {
                integer_at(&eval, path, "MaxConcurrencyPath")?.max(0) as usize
            }
            Some(Amount::Jsonata(e)) => eval
                .jsonata(e, "MaxConcurrency")?
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as usize,
        };
        if let Some(failure) = items_failed {
            facts.branch_failed = true;
            return Err(Stop::Fail(failure));
        }
        if let Some(items) = &items {
            self.note(Stage::AfterItemsPath, items);
        }
        self.note(Stage::MaxConcurrency, &json!(max_concurrency));
        let items = match items {
            Some(Value::Array(items)) => Some(items),
            Some(other) => return Err(Stop::Fail(not_an_array(state, map, &other, facts))),
            None => None,
        };
        let length = items.as_ref().map_or(0, Vec::len);
        self.emit(EventType::MapStateStarted, || {
            Some(json!({ "length": length }))
        });
        let tolerated = {
            let ctx = Ctx {
                runner: self,
                facts,
            };
            let eval = self.evaluator(&input, vars, &ctx, states);
            let count = &map.tolerated_failure_count;
            let percentage = &map.tolerated_failure_percentage;
            Tolerance {
                count: tolerance(&eval, count, "ToleratedFailureCount")?.map(|n| n as u64),
                percentage: tolerance(&eval, percentage, "ToleratedFailurePercentage")?,
            }
        };
        if let Some(count) = tolerated.count {
            self.note(Stage::ToleratedFailureCount, &json!(count));
        }
        if let Some(percentage) = tolerated.percentage {
            self.note(Stage::ToleratedFailurePercentage, &json!(percentage));
        }
        if self.stand_in(state).is_some() {
            if let Some(first) = items.as_ref().and_then(|items| items.first()) {
                self.select_item(map, &input, 0, first.clone(), vars, facts, states)?;
            }
            let length = items.as_ref().map_or(0, Vec::len) as u64;
            let failures = self.stand.as_ref().and_then(|s| s.iteration_failures);
            // Without a ToleratedFailure field, TestState applies no threshold (recorded).
            let bounded = tolerated.count.is_some() || tolerated.percentage.is_some();
            if bounded && failures.is_some_and(|failed| tolerated.exceeded(failed, length)) {
                facts.branch_failed = true;
                return Err(Stop::Fail(Failure::new(
                    "States.ExceedToleratedFailureThreshold",
                    "The specified tolerated failure threshold was exceeded",
                )));
            }
            if let Some(mocked) = self.mocked_fan_out(state) {
                return mocked;
            }
        }
        if map.mode == MapMode::Distributed {
            let source = match items {
                Some(items) => Source::Items(items),
                None => Source::Reader,
            };
            return self.distributed(
                state,
                map,
                Run {
                    input: &input,
                    source,
                    max_concurrency,
                    tolerated,
                },
                vars,
                facts,
                states,
            );
        }
        let items = items.unwrap_or_default();
        // AWS runs at most 40 inline iterations at once.
        let concurrency = if max_concurrency == 0 {
            INLINE_CONCURRENCY
        } else {
            max_concurrency.min(INLINE_CONCURRENCY)
        };
        let mut fan = FanOut::begin(self, concurrency);
        let mut selector_failed = false;
        for (index, item) in items.into_iter().enumerate() {
            let Some(start) = fan.next_start() else {
                break;
            };
            let name = &state.name;
            let selector_failed = &mut selector_failed;
            let facts = &*facts;
            fan.run(self, start, |runner| {
                runner.emit(EventType::MapIterationStarted, || {
                    Some(json!({ "name": name, "index": index }))
                });
                let item_input =
                    match runner.select_item(map, &input, index, item, vars, facts, states) {
                        Ok(item_input) => item_input,
                        Err(failure) => {
                            *selector_failed = true;
                            return Err(Stop::Fail(failure));
                        }
                    };
                let mut iteration_vars = vars.clone();
                let result = runner.run_scope(&map.processor, item_input, &mut iteration_vars);
                let kind = match &result {
                    Ok(_) => EventType::MapIterationSucceeded,
                    Err(Stop::Fail(_)) => EventType::MapIterationFailed,
                    Err(Stop::Wait) => return result,
                };
                runner.emit(kind, || Some(json!({ "name": name, "index": index })));
                result
            });
        }
        let name = state.name.clone();
        match fan.settle(self, |runner, index| runner.iteration_aborted(&name, index))? {
            Settled::Outputs(outputs) => {
                self.emit(EventType::MapStateSucceeded, || None);
                Ok(Value::Array(outputs))
            }
            Settled::Failed(failure) => {
                facts.branch_failed = !selector_failed;
                Err(Stop::Fail(failure))
            }
        }
    }

    /// The mocked whole result of the Parallel or Map state TestState runs.
    fn mocked_fan_out(&self, state: &State) -> Option<Result<Value, Stop>> {
        Some(match self.stand_in(state)? {
            Response::Return(value) => Ok(value.clone()),
            Response::Throw { error, cause } => {
                Err(Stop::Fail(Failure::new(error.clone(), cause.clone())))
            }
        })
    }

    /// An item's input: the item itself, or ItemSelector (and `$$.Map.Item`) applied to it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn select_item(
        &self,
        map: &stepwise_asl::model::Map,
        input: &Value,
        index: usize,
        item: Value,
        vars: &Vars,
        facts: &StateFacts,
        states: Option<&Value>,
    ) -> Result<Value, Failure> {
        let Some(selector) = &map.item_selector else {
            return Ok(item);
        };
        let item_facts = StateFacts {
            map_item: Some((index, item)),
            ..facts.clone()
        };
        let ctx = Ctx {
            runner: self,
            facts: &item_facts,
        };
        let item_states = states.map(|s| {
            let mut s = s.clone();
            s["context"] = self.context(&item_facts);
            s
        });
        let selected = self
            .evaluator(input, vars, &ctx, item_states.as_ref())
            .template(selector, "ItemSelector")?;
        if index == 0 {
            self.note(Stage::AfterItemSelector, &selected);
        }
        Ok(selected)
    }
}

/// A `ToleratedFailure...` field (or its Path or JSONata form), resolved and checked as AWS
/// checks it: a count is a non-negative integer, a percentage a number from 0 to 100.
fn tolerance(
    eval: &crate::payload::Evaluator,
    amount: &Option<Amount>,
    field: &str,
) -> Result<Option<f64>, Failure> {
    let percentage = field.ends_with("Percentage");
    let n = match amount {
        None => return Ok(None),
        Some(Amount::Fixed(n)) => *n,
        Some(Amount::Path(path)) if percentage => float_at(eval, path, &format!("{field}Path"))?,
        Some(Amount::Path(path)) => integer_at(eval, path, &format!("{field}Path"))? as f64,
        Some(Amount::Jsonata(e)) => eval
            .jsonata(e, field)?
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0),
    };
    if percentage && !(0.0..=100.0).contains(&n) {
        return Err(Failure::runtime(format!(
            "{field} must be between 0 and 100."
        )));
    }
    if n < 0.0 {
        return Err(Failure::runtime(format!("{field} cannot be negative.")));
    }
    Ok(Some(n))
}

/// The failure of a Map whose items are not an array. In a JSONata state AWS reports it as
/// an evaluation error (of `Items`, or of the input when there is no `Items`), and the Map
/// state fails as a whole.
fn not_an_array(
    state: &State,
    map: &stepwise_asl::model::Map,
    items: &Value,
    facts: &mut StateFacts,
) -> Failure {
    let shown = crate::env::compact(items);
    match (&map.items, state.query_language) {
        (Some(stepwise_asl::model::Template::Jsonata(expression)), _) => {
            facts.branch_failed = true;
            let kind = match items {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Object(_) => "object",
                Value::Array(_) => "array",
            };
            Failure::query(format!("The JSONata expression '{expression}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{kind}' for value: {shown}"))
        }
        (None, QueryLanguage::Jsonata) => {
            facts.branch_failed = true;
            Failure::query(format!("Map state input must be an array but was: {shown}"))
        }
        _ => Failure::runtime(format!(
            "Items of the Map state must be an array, not {shown}"
        )),
    }
}

/// How many inline Map iterations AWS runs at once, at most.
const INLINE_CONCURRENCY: usize = 40;

/// An integer (or a string holding one) at `path`, with AWS's message when it is not.
pub(super) fn integer_at(
    eval: &crate::payload::Evaluator,
    path: &stepwise_asl::path::Path,
    field: &str,
) -> Result<i64, Failure> {
    number_at(eval, path, field, "integer", |v| match v {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_i64(),
    })
}

/// A number (or a string holding one) at `path`, with AWS's message when it is not.
fn float_at(
    eval: &crate::payload::Evaluator,
    path: &stepwise_asl::path::Path,
    field: &str,
) -> Result<f64, Failure> {
    number_at(eval, path, field, "float", |v| match v {
        Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        other => other.as_f64(),
    })
}

fn number_at<T>(
    eval: &crate::payload::Evaluator,
    path: &stepwise_asl::path::Path,
    field: &str,
    kind: &str,
    parse: impl Fn(&Value) -> Option<T>,
) -> Result<T, Failure> {
    let value = eval.env.require(path, field)?;
    parse(&value).ok_or_else(|| {
        Failure::runtime(format!(
            "The {field} field refers to value \"{}\" which is not a valid {kind}: {path}",
            crate::env::raw_text(&value)
        ))
    })
}
