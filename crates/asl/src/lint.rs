//! Warnings for valid definitions that follow known anti-patterns. Every lint has a code,
//! a message and a hint.

use std::collections::HashSet;

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::model::{Amount, Kind, Scope, State, StateMachine, Template, Wait};

/// STANDARD or EXPRESS: some lints only apply to one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum MachineType {
    /// Long-running, exactly-once workflows.
    #[default]
    Standard,
    /// Short (at most five minutes), high-volume workflows.
    Express,
}

/// Errors a Lambda task should retry, as the AWS console generates them.
const TRANSIENT_LAMBDA_ERRORS: &[&str] = &[
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
];

const EXPRESS_LIMIT_SECONDS: f64 = 300.0;

/// Add lint warnings for `machine` to `sink`.
pub fn lint(
    machine: &StateMachine,
    machine_type: MachineType,
    substituted: &HashSet<String>,
    sink: &mut Sink,
) {
    let mut all_states = Vec::new();
    collect(&machine.states, &mut all_states);
    for state in &all_states {
        if let Kind::Task(task) = &state.kind {
            lint_task(state, task, machine_type, substituted, sink);
        }
        if let Kind::Map(map) = &state.kind {
            if map.max_concurrency.is_none() {
                sink.warning("LINT005", state.pointer.clone(), format!("Map \"{}\" has no MaxConcurrency", state.name))
                    .hint("Without it every item runs at once and can throttle the services the items call; set MaxConcurrency");
            }
        }
        if machine_type == MachineType::Express {
            if let Kind::Wait(Wait::Seconds(Amount::Fixed(s))) = &state.kind {
                if *s > EXPRESS_LIMIT_SECONDS {
                    sink.warning("LINT008", format!("{}/Seconds", state.pointer), format!("Wait \"{}\" lasts {s} s, longer than an EXPRESS execution may run (300 s)", state.name))
                        .hint("Use a STANDARD state machine for long waits");
                }
            }
        }
    }
    if machine_type == MachineType::Express
        && machine
            .timeout_seconds
            .is_some_and(|t| t as f64 > EXPRESS_LIMIT_SECONDS)
    {
        sink.warning(
            "LINT008",
            "/TimeoutSeconds",
            "TimeoutSeconds is longer than an EXPRESS execution may run (300 s)",
        )
        .hint("Use a STANDARD state machine, or lower TimeoutSeconds to 300");
    }
    lint_linear(&machine.states, sink);
}

fn collect<'a>(scope: &'a Scope, out: &mut Vec<&'a State>) {
    for state in &scope.states {
        out.push(state);
        match &state.kind {
            Kind::Parallel { branches } => branches.iter().for_each(|b| collect(b, out)),
            Kind::Map(map) => collect(&map.processor, out),
            _ => {}
        }
    }
}

fn lint_task(
    state: &State,
    task: &crate::model::Task,
    machine_type: MachineType,
    substituted: &HashSet<String>,
    sink: &mut Sink,
) {
    let resource_pointer = format!("{}/Resource", state.pointer);
    if let Some(arn) = std::iter::once(task.resource.as_str())
        .chain(arns_in(state))
        .find(|arn| has_account_or_region(arn) && !substituted.contains(*arn))
    {
        sink.warning("LINT001", resource_pointer.clone(), format!("\"{}\" hard-codes an ARN with an account id or region: {arn}", state.name))
            .hint("Use a ${Name} placeholder and DefinitionSubstitutions so the machine deploys to any account and region");
    }
    let is_lambda = task.resource.starts_with("arn:aws:lambda:")
        || task.resource.starts_with("arn:aws:states:::lambda:invoke");
    if is_lambda
        && !state.retry.iter().any(|r| {
            r.error_equals.iter().any(|e| {
                TRANSIENT_LAMBDA_ERRORS.contains(&e.as_str())
                    || e == "States.ALL"
                    || e == "States.TaskFailed"
            })
        })
    {
        sink.warning("LINT002", state.pointer.clone(), format!("Lambda task \"{}\" does not retry transient Lambda errors", state.name))
            .hint("Add a Retry on Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException and Lambda.TooManyRequestsException");
    }
    if state.catch.is_empty() {
        sink.warning(
            "LINT003",
            state.pointer.clone(),
            format!("Task \"{}\" has no Catch", state.name),
        )
        .hint("Without a Catch any failure of this task fails the whole execution");
    }
    let callback = task.resource.ends_with(".waitForTaskToken");
    if callback {
        let missing: Vec<&str> = [
            ("TimeoutSeconds", task.timeout.is_none()),
            ("HeartbeatSeconds", task.heartbeat.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        if !missing.is_empty() {
            sink.warning("LINT004", resource_pointer.clone(), format!("Callback task \"{}\" has no {}", state.name, missing.join(" or ")))
                .hint("A lost task token would keep the execution waiting for up to a year; set HeartbeatSeconds and TimeoutSeconds");
        }
    }
    if machine_type == MachineType::Express {
        if callback || task.resource.ends_with(".sync") || task.resource.contains(".sync:") {
            let integration = if callback {
                ".waitForTaskToken"
            } else {
                ".sync"
            };
            sink.error(
                "LINT007",
                resource_pointer,
                format!(
                    "Express state machine does not support '{integration}' service integration "
                ),
            )
            .hint("Use a STANDARD state machine for .sync and .waitForTaskToken integrations");
        }
        for (name, amount) in [
            ("TimeoutSeconds", &task.timeout),
            ("HeartbeatSeconds", &task.heartbeat),
        ] {
            if let Some(Amount::Fixed(s)) = amount {
                if *s > EXPRESS_LIMIT_SECONDS {
                    sink.warning(
                        "LINT008",
                        format!("{}/{name}", state.pointer),
                        format!(
                            "{name} of \"{}\" is longer than an EXPRESS execution may run (300 s)",
                            state.name
                        ),
                    )
                    .hint("Use a STANDARD state machine, or lower the timeout to 300");
                }
            }
        }
    }
}

fn arns_in(state: &State) -> impl Iterator<Item = &str> {
    let mut found = Vec::new();
    for template in [&state.parameters, &state.arguments].into_iter().flatten() {
        if let Template::Value(value) = template {
            strings_in(value, &mut found);
        } else if let Template::Object(members) = template {
            for (_, member) in members {
                if let Template::Value(value) = member {
                    strings_in(value, &mut found);
                }
            }
        }
    }
    found.into_iter().filter(|s| s.starts_with("arn:"))
}

fn strings_in<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// `arn:partition:service:region:account:...` with a region or a 12-digit account filled in.
fn has_account_or_region(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() >= 5
        && (!parts[3].is_empty()
            || (parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit())))
}

fn lint_linear(scope: &Scope, sink: &mut Sink) {
    let tasks = scope
        .states
        .iter()
        .filter(|s| matches!(s.kind, Kind::Task(_)))
        .count();
    let branching = scope.states.iter().any(|s| {
        matches!(
            s.kind,
            Kind::Choice(_) | Kind::Parallel { .. } | Kind::Map(_)
        )
    });
    let handling = scope
        .states
        .iter()
        .any(|s| !s.retry.is_empty() || !s.catch.is_empty());
    if tasks >= 2 && !branching && !handling {
        sink.warning("LINT006", scope.pointer.clone() + "/States", format!("A straight line of {tasks} tasks with no branching and no error handling"))
            .hint("Add Retry for transient errors and a Catch that routes failures to a recovery or Fail state");
    }
}
