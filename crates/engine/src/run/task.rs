//! Task states: resource shapes, mocked results, callbacks, and their history events.

use crate::history::EventType;
use std::borrow::Cow;

use serde_json::{json, Value};
use sha2::Digest;
use stepwise_asl::model::{Amount, QueryLanguage, State, Task};

use super::flow::Attempt;
use super::{Ctx, Runner, StateFacts, Stop, MAX_PAYLOAD_BYTES};
use crate::env::{compact, Vars};
use crate::failure::Failure;
use crate::faults::{Fault, INJECTED_CAUSE};
use crate::history::details;
use crate::mock::Response;
use crate::{Answer, Pending};

/// The name a Retry or Catch gives a missed heartbeat; history and the error output show it
/// as `States.Timeout`.
const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";

/// How AWS reports a resource in history.
enum Shape {
    /// `arn:aws:lambda:...:function:f`: LambdaFunction* events.
    Lambda,
    /// `arn:aws:states:...:activity:a`: Activity* events.
    Activity,
    /// `arn:aws:states:::service:action[.sync|.waitForTaskToken]`: Task* events.
    Service {
        resource_type: String,
        resource: String,
    },
}

fn shape(resource: &str) -> Shape {
    if resource.starts_with("arn:aws:lambda:") {
        return Shape::Lambda;
    }
    if resource.contains(":activity:") {
        return Shape::Activity;
    }
    let rest = resource
        .strip_prefix("arn:aws:states:::")
        .unwrap_or(resource);
    // `.sync:2` keeps its version with the action: `states` / `startExecution.sync:2`.
    let (head, version) = match rest.find(".sync:") {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (resource_type, action) = head.rsplit_once(':').unwrap_or((head, ""));
    Shape::Service {
        resource_type: resource_type.to_owned(),
        resource: format!("{action}{version}"),
    }
}

impl<'m> Runner<'m> {
    pub(super) fn task(
        &mut self,
        state: &'m State,
        task: &'m Task,
        input: Cow<'_, Value>,
        vars: &Vars,
        facts: &mut StateFacts,
    ) -> Result<Attempt, Stop> {
        let callback = task.resource.ends_with(".waitForTaskToken");
        if callback {
            facts.token = Some(self.task_token(&state.name, facts.retry_count));
        }
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let states = jsonata.then(|| self.states_var(&input, None, None, facts));
        let (parameters, timeout, heartbeat) = {
            let ctx = Ctx {
                runner: self,
                facts,
            };
            let parameters = self.effective_input(state, &input, vars, &ctx, states.as_ref())?;
            let eval = self.evaluator(&input, vars, &ctx, states.as_ref());
            let seconds = |amount: &Option<Amount>, field: &str| -> Result<Option<f64>, Failure> {
                Ok(match amount {
                    None => None,
                    Some(Amount::Fixed(n)) => Some(*n),
                    Some(Amount::Path(path)) => Some(eval.env.require_path(path)?.as_f64().filter(|n| *n > 0.0).ok_or_else(|| {
                        Failure::runtime(format!("The {field} parameter must reference a positive integer: {path}"))
                    })?),
                    Some(Amount::Jsonata(e)) => eval.jsonata(e, field)?.and_then(|v| v.as_f64()),
                })
            };
            (
                parameters,
                seconds(&task.timeout, "TimeoutSecondsPath")?,
                seconds(&task.heartbeat, "HeartbeatSecondsPath")?,
            )
        };
        super::request::check(&task.resource, &parameters)?;
        self.emit_scheduled(task, &parameters, timeout, heartbeat);
        let scheduled = self.now;
        let limits = Limits {
            timeout: timeout.map(|t| scheduled.saturating_add((t * 1000.0) as i64)),
            // Only workers that can send heartbeats (callbacks, activities) are held to them.
            heartbeat: heartbeat
                .filter(|_| callback || matches!(shape(&task.resource), Shape::Activity))
                .map(|h| (h * 1000.0) as i64),
        };
        let (fault, twice) = self.draw_fault(state, task);
        let call = self.calls.entry(state.name.clone()).or_insert(0);
        // A second delivery calls the task again with the same input: its answer counts.
        let call_index = *call + usize::from(twice);
        *call += 1 + usize::from(twice);
        let mocked = match self.stand_in(state) {
            Some(response) => Some((response.clone(), 0)),
            None => self
                .options
                .mocks
                .as_ref()
                .and_then(|m| m.response(&state.name, call_index))
                .map(|m| (m.response.clone(), m.duration_millis)),
        };
        let throw = |error: &str, cause: &str| Response::Throw {
            error: error.to_owned(),
            cause: cause.to_owned(),
        };
        let forced = match fault {
            Some(Fault::Error(error)) => Some((throw(&error, INJECTED_CAUSE), scheduled)),
            Some(Fault::Timeout) => limits
                .timeout
                .map(|t| (throw("States.Timeout", INJECTED_CAUSE), t)),
            Some(Fault::HeartbeatTimeout) => limits.heartbeat.map(|h| {
                (
                    throw(HEARTBEAT_TIMEOUT, INJECTED_CAUSE),
                    scheduled.saturating_add(h),
                )
            }),
            None => None,
        };
        if let Some((Response::Throw { error, .. }, _)) = &forced {
            self.fault_log
                .injected
                .push((state.name.clone(), error.clone()));
        }
        let (outcome, at) = match (forced, mocked) {
            (Some(forced), _) => self.timed_out(facts.token.as_deref(), forced),
            // A mocked worker sends no heartbeats: a deadline before its answer wins.
            (None, Some((response, duration_millis))) => {
                let answered = scheduled.saturating_add(duration_millis);
                match limits.first_missed(scheduled, answered) {
                    Some(missed) => self.timed_out(facts.token.as_deref(), missed),
                    None => (response, answered),
                }
            }
            (None, None) if callback => {
                let token = facts.token.clone().unwrap_or_default();
                match self.callback_answer(&token, scheduled, &limits) {
                    Some(answered) => answered,
                    None => {
                        self.pending.push(Pending {
                            token,
                            state: state.name.clone(),
                            input: parameters,
                            since_millis: scheduled,
                        });
                        return Err(Stop::Wait);
                    }
                }
            }
            (None, None) if self.options.strict_mocks => {
                return Err(Stop::Fail(Failure::runtime(format!(
                    "No mocked response for the Task state '{}' in the test case (strict mocks)",
                    state.name
                ))))
            }
            (None, None) => {
                self.unmocked.push(state.name.clone());
                (Response::Return(parameters.clone()), scheduled)
            }
        };
        self.now = self.now.max(at);
        let result = match outcome {
            Response::Return(value) if crate::env::exceeds(&value, MAX_PAYLOAD_BYTES) => Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", task.resource),
            )),
            Response::Return(value) => Ok(value),
            Response::Throw { error, cause } if error == HEARTBEAT_TIMEOUT => Err(Failure::heartbeat_timeout(cause)),
            Response::Throw { error, cause } if task.resource.contains(":::apigateway:") => Err(Failure::new(error, compact_json_text(cause))),
            Response::Throw { error, cause } => Err(Failure::new(error, cause)),
        };
        match result {
            Ok(value) => {
                self.emit_succeeded(task, &value);
                self.finish(state, input, value, vars, facts)
            }
            Err(failure) => {
                self.emit_failed(task, &failure);
                Err(Stop::Fail(failure))
            }
        }
    }

    /// The fault this attempt of `state` meets, and whether it is delivered twice, as the
    /// fault profile draws them.
    fn draw_fault(&mut self, state: &State, task: &Task) -> (Option<Fault>, bool) {
        let Some(profile) = &self.options.faults else {
            return (None, false);
        };
        let rng = &mut *self.fault_rng.borrow_mut();
        let fault = profile.draw(&state.name, &task.resource, rng);
        let express = self.options.machine_type == stepwise_asl::MachineType::Express;
        let twice = express && profile.delivers_twice(rng);
        if twice && !profile.is_idempotent(&state.name) {
            self.fault_log.duplicates.push(state.name.clone());
        }
        (fault, twice)
    }

    /// What the outside world answered a callback task, and when; `None` while it waits.
    fn callback_answer(
        &mut self,
        token: &str,
        scheduled: i64,
        limits: &Limits,
    ) -> Option<(Response, i64)> {
        let mut last_beat = scheduled;
        let answers = self.answers.get(token).map(Vec::as_slice).unwrap_or(&[]);
        for (at, answer) in answers {
            let at = (*at).max(scheduled);
            if let Some(missed) = limits.first_missed(last_beat, at) {
                return Some(self.timed_out(Some(token), missed));
            }
            match answer {
                Answer::Heartbeat => last_beat = at,
                Answer::Success(output) => return Some((Response::Return(output.clone()), at)),
                Answer::Failure { error, cause } => {
                    let failure = Response::Throw {
                        error: error.clone(),
                        cause: cause.clone(),
                    };
                    return Some((failure, at));
                }
            }
        }
        let clock = self.wait_clock.unwrap_or(scheduled).max(scheduled);
        let missed = limits.first_missed(last_beat, clock)?;
        Some(self.timed_out(Some(token), missed))
    }

    /// A missed deadline ends the task's attempt: its token can no longer be answered.
    fn timed_out(&mut self, token: Option<&str>, missed: (Response, i64)) -> (Response, i64) {
        if let Some(token) = token {
            self.timed_out_tokens.push(token.to_owned());
        }
        missed
    }

    /// A deterministic token per execution, state and attempt.
    fn task_token(&self, state: &str, attempt: u32) -> String {
        let digest =
            sha2::Sha256::digest(format!("{}/{state}/{attempt}", self.execution_arn).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn emit_scheduled(
        &mut self,
        task: &Task,
        parameters: &Value,
        timeout: Option<f64>,
        heartbeat: Option<f64>,
    ) {
        let region = self.options.region.clone();
        match shape(&task.resource) {
            Shape::Lambda => {
                self.emit(EventType::LambdaFunctionScheduled, || {
                    let mut d = details(
                        [("resource", json!(task.resource))],
                        &[("input", parameters)],
                    );
                    if let Some(t) = timeout {
                        d["timeoutInSeconds"] = json!(t as u64);
                    }
                    Some(d)
                });
                self.emit(EventType::LambdaFunctionStarted, || None);
            }
            Shape::Activity => {
                self.emit(EventType::ActivityScheduled, || {
                    Some(details(
                        [("resource", json!(task.resource))],
                        &[("input", parameters)],
                    ))
                });
                self.emit(EventType::ActivityStarted, || {
                    Some(json!({ "workerName": "stepwise" }))
                });
            }
            Shape::Service {
                resource_type,
                resource,
            } => {
                self.emit(EventType::TaskScheduled, || {
                    let mut d = json!({ "resourceType": resource_type, "resource": resource, "region": region, "parameters": compact(parameters) });
                    if let Some(t) = timeout {
                        d["timeoutInSeconds"] = json!(t as u64);
                    }
                    if let Some(h) = heartbeat {
                        d["heartbeatInSeconds"] = json!(h as u64);
                    }
                    Some(d)
                });
                self.emit(EventType::TaskStarted, || {
                    Some(json!({ "resourceType": resource_type, "resource": resource }))
                });
                // The service accepted the request and the task now waits: on the job it
                // started (.sync) or on the token it handed out (.waitForTaskToken).
                let waits = task.resource.ends_with(".sync")
                    || task.resource.contains(".sync:")
                    || task.resource.ends_with(".waitForTaskToken");
                if waits {
                    self.emit(EventType::TaskSubmitted, || {
                        Some(details(
                            [
                                ("resourceType", json!(resource_type)),
                                ("resource", json!(resource)),
                            ],
                            &[("output", &json!({}))],
                        ))
                    });
                }
            }
        }
    }

    fn emit_succeeded(&mut self, task: &Task, output: &Value) {
        match shape(&task.resource) {
            Shape::Lambda => self.emit(EventType::LambdaFunctionSucceeded, || {
                Some(details([], &[("output", output)]))
            }),
            Shape::Activity => self.emit(EventType::ActivitySucceeded, || {
                Some(details([], &[("output", output)]))
            }),
            Shape::Service {
                resource_type,
                resource,
            } => self.emit(EventType::TaskSucceeded, || {
                Some(details(
                    [
                        ("resourceType", json!(resource_type)),
                        ("resource", json!(resource)),
                    ],
                    &[("output", output)],
                ))
            }),
        };
    }

    fn emit_failed(&mut self, task: &Task, failure: &Failure) {
        let timed_out = failure.error == "States.Timeout";
        let error_details = failure.details();
        match shape(&task.resource) {
            Shape::Lambda => {
                let kind = if timed_out {
                    EventType::LambdaFunctionTimedOut
                } else {
                    EventType::LambdaFunctionFailed
                };
                self.emit(kind, || Some(error_details))
            }
            Shape::Activity => {
                let kind = if timed_out {
                    EventType::ActivityTimedOut
                } else {
                    EventType::ActivityFailed
                };
                self.emit(kind, || Some(error_details))
            }
            Shape::Service {
                resource_type,
                resource,
            } => {
                let kind = if timed_out {
                    EventType::TaskTimedOut
                } else {
                    EventType::TaskFailed
                };
                self.emit(kind, || {
                    Some(json!({ "resourceType": resource_type, "resource": resource, "error": failure.error, "cause": failure.cause }))
                })
            }
        };
    }
}

/// The deadlines of one task attempt.
struct Limits {
    /// TimeoutSeconds, as a virtual time.
    timeout: Option<i64>,
    /// HeartbeatSeconds, in milliseconds after the last heartbeat.
    heartbeat: Option<i64>,
}

impl Limits {
    /// The timeout that fires before `at`, if any, with the virtual time it fires at.
    fn first_missed(&self, last_beat: i64, at: i64) -> Option<(Response, i64)> {
        let heartbeat = self
            .heartbeat
            .map(|h| (last_beat.saturating_add(h), HEARTBEAT_TIMEOUT));
        let timeout = self.timeout.map(|t| (t, "States.Timeout"));
        let (deadline, error) = [heartbeat, timeout]
            .into_iter()
            .flatten()
            .filter(|(deadline, _)| *deadline < at)
            .min_by_key(|(deadline, _)| *deadline)?;
        Some((
            Response::Throw {
                error: error.to_owned(),
                cause: String::new(),
            },
            deadline,
        ))
    }
}

/// API Gateway error bodies reach the history as compact JSON, as AWS serialises them.
fn compact_json_text(cause: String) -> String {
    match serde_json::from_str::<Value>(&cause) {
        Ok(value @ (Value::Object(_) | Value::Array(_))) => compact(&value),
        _ => cause,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(resource: &str) -> (String, String) {
        match shape(resource) {
            Shape::Service {
                resource_type,
                resource,
            } => (resource_type, resource),
            _ => panic!("{resource} is a service integration"),
        }
    }

    #[test]
    fn service_resources_name_their_type_and_action_as_history_does() {
        let cases = [
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "sqs",
                "sendMessage.waitForTaskToken",
            ),
            (
                "arn:aws:states:::states:startExecution.sync:2",
                "states",
                "startExecution.sync:2",
            ),
            (
                "arn:aws:states:::states:startExecution.sync",
                "states",
                "startExecution.sync",
            ),
            (
                "arn:aws:states:::aws-sdk:secretsmanager:listSecrets",
                "aws-sdk:secretsmanager",
                "listSecrets",
            ),
            ("arn:aws:states:::lambda:invoke", "lambda", "invoke"),
        ];
        for (resource, resource_type, action) in cases {
            assert_eq!(service(resource), (resource_type.into(), action.into()));
        }
    }
}
