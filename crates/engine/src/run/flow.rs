//! One attempt at a state, per state type (Task attempts live in `task.rs`, Parallel and
//! Map in `containers.rs`).

use std::borrow::Cow;

use serde_json::Value;
use stepwise_asl::model::{Amount, Fail, Kind, QueryLanguage, State, Text, Transition, Wait};

use super::{Ctx, Runner, StateFacts, Stop};
use crate::env::Vars;
use crate::failure::Failure;
use crate::inspect::Stage;
use crate::payload;

/// What a successful attempt produced: the output, the transition, the assigned variables.
pub(crate) type Attempt = (Value, Transition, Vec<(String, Value)>);

impl<'m> Runner<'m> {
    pub(super) fn attempt(
        &mut self,
        state: &'m State,
        input: Cow<'_, Value>,
        vars: &mut Vars,
        facts: &mut StateFacts,
    ) -> Result<Attempt, Stop> {
        let (output, next, assigned) = match &state.kind {
            Kind::Task(task) => self.task(state, task, input, vars, facts)?,
            Kind::Choice(choice) => self.choice(state, choice, input, vars, facts)?,
            Kind::Fail(fail) => {
                return Err(Stop::Fail(self.fail(state, fail, &input, vars, facts)?))
            }
            Kind::Parallel { .. } | Kind::Map(_) => self.fan_out(state, input, vars, facts)?,
            Kind::Wait(wait) => {
                self.wait(state, wait, &input, vars, facts)?;
                self.plain(state, input, vars, facts)?
            }
            Kind::Pass { .. } | Kind::Succeed => self.plain(state, input, vars, facts)?,
        };
        // Deeper values could overflow the stack of whatever walks them next (in wasm above
        // all); AWS has no such state in practice, so this is the simulator's own limit.
        let depth = stepwise_asl::depth::value_depth(&output, stepwise_asl::depth::MAX_JSON_DEPTH);
        if depth > stepwise_asl::depth::MAX_JSON_DEPTH {
            return Err(Stop::Fail(Failure::new(
                crate::failure::NESTING_ERROR,
                format!(
                    "The state '{}' produced an output nested more than {} levels deep. This is a limit of Stepwise, not of AWS.",
                    state.name,
                    stepwise_asl::depth::MAX_JSON_DEPTH
                ),
            )));
        }
        if crate::env::exceeds(&output, super::MAX_PAYLOAD_BYTES) {
            return Err(Stop::Fail(Failure::new(
                "States.DataLimitExceeded",
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            )));
        }
        for (name, value) in &assigned {
            vars.insert(name.clone(), value.clone());
        }
        Ok((output, next, assigned))
    }

    /// Pass, Wait and Succeed: the result is `Result`, the effective input, or (JSONata) Output.
    fn plain(
        &self,
        state: &State,
        input: Cow<'_, Value>,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<Attempt, Failure> {
        let result_literal = match &state.kind {
            Kind::Pass { result } => result.as_ref(),
            _ => None,
        };
        match state.query_language {
            QueryLanguage::Jsonata => {
                let states = self.states_var(&input, None, None, facts);
                let assigned =
                    self.assign(state.assign.as_ref(), &input, Some(&states), vars, facts)?;
                let output = match &state.output {
                    Some(t) => {
                        let ctx = Ctx {
                            runner: self,
                            facts,
                        };
                        self.evaluator(&input, vars, &ctx, Some(&states))
                            .template(t, "Output")?
                    }
                    None => input.into_owned(),
                };
                Ok((output, state.transition.clone(), assigned))
            }
            QueryLanguage::JsonPath => {
                let ctx = Ctx {
                    runner: self,
                    facts,
                };
                let (result, assigned) = if let Some(result) = result_literal {
                    let assigned = self.assign(state.assign.as_ref(), result, None, vars, facts)?;
                    (result.clone(), assigned)
                } else {
                    let effective = payload::select(&state.input_path, &input, vars, &ctx)?;
                    self.note(Stage::AfterInputPath, &effective);
                    let effective = match &state.parameters {
                        Some(t) => Cow::Owned(
                            self.evaluator(&effective, vars, &ctx, None)
                                .template(t, "Parameters")?,
                        ),
                        None => effective,
                    };
                    self.note(Stage::AfterParameters, &effective);
                    let assigned =
                        self.assign(state.assign.as_ref(), &effective, None, vars, facts)?;
                    (effective.into_owned(), assigned)
                };
                self.note(Stage::Result, &result);
                self.note(Stage::AfterResultSelector, &result);
                let combined =
                    payload::apply_result_path(&state.result_path, input.into_owned(), result)?;
                self.note(Stage::AfterResultPath, &combined);
                let output = payload::select_owned(&state.output_path, combined, vars, &ctx)?;
                Ok((output, state.transition.clone(), assigned))
            }
        }
    }

    fn choice(
        &self,
        state: &State,
        choice: &'m stepwise_asl::model::Choice,
        input: Cow<'_, Value>,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<Attempt, Failure> {
        let ctx = Ctx {
            runner: self,
            facts,
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let states = jsonata.then(|| self.states_var(&input, None, None, facts));
        let effective = if jsonata {
            Cow::Borrowed(input.as_ref())
        } else {
            let selected = payload::select(&state.input_path, &input, vars, &ctx)?;
            self.note(Stage::AfterInputPath, &selected);
            selected
        };
        let eval = self.evaluator(&effective, vars, &ctx, states.as_ref());
        let mut chosen = None;
        for rule in &choice.rules {
            if crate::choice::holds(&rule.condition, &eval)? {
                chosen = Some(rule);
                break;
            }
        }
        let (next, rule_assign, rule_output) = match chosen {
            Some(rule) => (
                rule.next.clone(),
                rule.assign.as_ref(),
                rule.output.as_ref(),
            ),
            None => match &choice.default {
                Some(default) => (default.clone(), None, None),
                None => return Err(Failure::new("States.NoChoiceMatched", "No Matches!")),
            },
        };
        let mut assigned = self.assign(
            state.assign.as_ref(),
            &effective,
            states.as_ref(),
            vars,
            facts,
        )?;
        assigned.extend(self.assign(rule_assign, &effective, states.as_ref(), vars, facts)?);
        let output = match (rule_output.or(state.output.as_ref()), jsonata) {
            (Some(t), true) => eval.template(t, "Output")?,
            _ if jsonata => input.into_owned(),
            _ => {
                let effective = effective.into_owned();
                payload::select_owned(&state.output_path, effective, vars, &ctx)?
            }
        };
        Ok((output, next, assigned))
    }

    fn wait(
        &mut self,
        state: &State,
        wait: &Wait,
        input: &Value,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<(), Failure> {
        let ctx = Ctx {
            runner: self,
            facts,
        };
        let effective = payload::select(&state.input_path, input, vars, &ctx)?;
        let states = (state.query_language == QueryLanguage::Jsonata)
            .then(|| self.states_var(input, None, None, facts));
        let eval = self.evaluator(&effective, vars, &ctx, states.as_ref());
        let until = match wait {
            Wait::Seconds(Amount::Fixed(s)) => self.now.saturating_add((*s * 1000.0) as i64),
            Wait::Seconds(Amount::Path(path)) => {
                let value = eval.env.require(path, "SecondsPath")?;
                let seconds = match value.as_i64() {
                    Some(n) if n < 0 => {
                        return Err(Failure::runtime(format!(
                            "The SecondsPath parameter references a negative value: {path} == {n}"
                        )))
                    }
                    Some(n) => n,
                    None => {
                        return Err(Failure::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {path} == {}",
                        crate::env::raw_text(&value)
                    )))
                    }
                };
                self.now.saturating_add(seconds.saturating_mul(1000))
            }
            Wait::Seconds(Amount::Jsonata(expression)) => {
                let value = eval.jsonata(expression, "Seconds")?.unwrap_or(Value::Null);
                let seconds = value.as_i64().filter(|n| *n >= 0).ok_or_else(|| {
                    Failure::query(format!("The JSONata expression '{expression}' specified for the field 'Seconds' returned an unexpected data type: {}", crate::env::compact(&value)))
                })?;
                self.now.saturating_add(seconds.saturating_mul(1000))
            }
            Wait::Timestamp(text) => timestamp_millis(text)
                .ok_or_else(|| Failure::runtime(format!("Invalid timestamp '{text}'")))?,
            Wait::TimestampPath(path) => {
                let value = eval.env.require(path, "TimestampPath")?;
                value.as_str().and_then(timestamp_millis).ok_or_else(|| {
                    Failure::runtime(format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path} == {}", crate::env::raw_text(&value)))
                })?
            }
            Wait::TimestampJsonata(expression) => {
                let value = eval
                    .jsonata(expression, "Timestamp")?
                    .unwrap_or(Value::Null);
                value.as_str().and_then(timestamp_millis).ok_or_else(|| {
                    Failure::query(format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}", crate::env::raw_text(&value)))
                })?
            }
        };
        self.now = self.now.max(until);
        Ok(())
    }

    fn fail(
        &self,
        state: &State,
        fail: &Fail,
        input: &Value,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<Failure, Failure> {
        let ctx = Ctx {
            runner: self,
            facts,
        };
        let states = (state.query_language == QueryLanguage::Jsonata)
            .then(|| self.states_var(input, None, None, facts));
        // A Fail state has no InputPath; AWS still reports the step.
        self.note(Stage::AfterInputPath, input);
        let eval = self.evaluator(input, vars, &ctx, states.as_ref());
        let text = |t: &Option<Text>, field: &str| -> Result<String, Failure> {
            Ok(match t {
                None => String::new(),
                Some(Text::Fixed(s)) => s.clone(),
                Some(Text::Dynamic(template)) => match eval.template(template, field)? {
                    Value::String(s) => s,
                    other => crate::env::compact(&other),
                },
            })
        };
        Ok(Failure::new(
            text(&fail.error, "ErrorPath")?,
            text(&fail.cause, "CausePath")?,
        ))
    }

    /// ResultSelector, Assign, ResultPath, OutputPath (JSONPath) or Assign and Output (JSONata)
    /// for a state that produced `result`.
    pub(super) fn finish(
        &self,
        state: &State,
        input: Cow<'_, Value>,
        result: Value,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<Attempt, Stop> {
        let ctx = Ctx {
            runner: self,
            facts,
        };
        match state.query_language {
            QueryLanguage::Jsonata => {
                self.note(Stage::Result, &result);
                let states = self.states_var(&input, Some(&result), None, facts);
                let assigned =
                    self.assign(state.assign.as_ref(), &input, Some(&states), vars, facts)?;
                let output = match &state.output {
                    Some(t) => self
                        .evaluator(&input, vars, &ctx, Some(&states))
                        .template(t, "Output")?,
                    None => result,
                };
                Ok((output, state.transition.clone(), assigned))
            }
            QueryLanguage::JsonPath => {
                self.note(Stage::Result, &result);
                let result = match &state.result_selector {
                    Some(t) => self
                        .evaluator(&result, vars, &ctx, None)
                        .template(t, "ResultSelector")?,
                    None => result,
                };
                self.note(Stage::AfterResultSelector, &result);
                let assigned = self.assign(state.assign.as_ref(), &result, None, vars, facts)?;
                let combined =
                    payload::apply_result_path(&state.result_path, input.into_owned(), result)?;
                self.note(Stage::AfterResultPath, &combined);
                let output = payload::select_owned(&state.output_path, combined, vars, &ctx)?;
                Ok((output, state.transition.clone(), assigned))
            }
        }
    }
}

fn timestamp_millis(text: &str) -> Option<i64> {
    let (secs, nanos) = stepwise_asl::timestamp::parse(text)?;
    Some(secs * 1000 + i64::from(nanos / 1_000_000))
}
