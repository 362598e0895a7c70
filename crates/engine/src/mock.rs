//! Task results from AWS Step Functions Local's MockConfigFile format, read unchanged:
//! `StateMachines -> M -> TestCases -> T -> state -> response name` and
//! `MockedResponses -> name -> "0" / "1-2" -> {Return | Throw}`.

use std::collections::HashMap;

use serde_json::Value;
use stepwise_asl::diagnostic::Sink;
use stepwise_asl::json::child_pointer;
use stepwise_asl::Diagnostic;

/// One mocked answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// `Return`: the task's result.
    Return(Value),
    /// `Throw`: the task fails.
    Throw {
        /// `Error`.
        error: String,
        /// `Cause`.
        cause: String,
    },
}

/// A mocked answer and how long, in virtual time, the task takes to give it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mocked {
    /// What the task answers.
    pub response: Response,
    /// `DurationSeconds` (a Stepwise extension beside `Return`/`Throw`, so Task timeouts and
    /// heartbeats can be exercised), in milliseconds; 0 when absent.
    pub duration_millis: i64,
}

/// The responses of one test case, by state name, each a list of (first call, last call, answer).
#[derive(Debug, Clone, Default)]
pub struct TestCase {
    by_state: HashMap<String, Vec<(usize, usize, Mocked)>>,
}

impl TestCase {
    /// The response for the `call`-th invocation (0-based, every attempt counts) of `state`.
    /// Past the last range, the last response repeats.
    pub fn response(&self, state: &str, call: usize) -> Option<&Mocked> {
        let ranges = self.by_state.get(state)?;
        ranges
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&call))
            .or_else(|| ranges.iter().max_by_key(|(_, last, _)| *last))
            .map(|(_, _, r)| r)
    }

    /// Is `state` mocked at all?
    pub fn mocks(&self, state: &str) -> bool {
        self.by_state.contains_key(state)
    }
}

/// Parse a mock config file and select one test case. Problems come back as positioned
/// diagnostics (codes `MOCK...`).
pub fn load(
    text: &str,
    state_machine: Option<&str>,
    test_case: &str,
) -> Result<TestCase, Vec<Diagnostic>> {
    let mut sink = Sink::default();
    let (json, spans) = stepwise_asl::json::parse(text, &mut sink);
    let case = json.and_then(|root| read(&root, state_machine, test_case, &mut sink));
    match case {
        Some(case) if !sink.has_errors() => Ok(case),
        _ => Err(sink.finish(text, &spans)),
    }
}

fn read(
    root: &Value,
    state_machine: Option<&str>,
    test_case: &str,
    sink: &mut Sink,
) -> Option<TestCase> {
    let machines = object(
        root.get("StateMachines"),
        "/StateMachines",
        "\"StateMachines\"",
        sink,
    )?;
    let (machine_name, machine) = match state_machine {
        Some(name) => match machines.get(name) {
            Some(m) => (name.to_owned(), m),
            None => {
                let known: Vec<&str> = machines.keys().map(String::as_str).collect();
                sink.error(
                    "MOCK002",
                    "/StateMachines",
                    format!(
                        "No state machine \"{name}\" in the mock config (it has: {})",
                        known.join(", ")
                    ),
                );
                return None;
            }
        },
        None => {
            let with_case: Vec<_> = machines
                .iter()
                .filter(|(_, m)| {
                    m.pointer(&format!("/TestCases/{}", escape(test_case)))
                        .is_some()
                })
                .collect();
            match with_case.as_slice() {
                [(name, m)] => ((*name).clone(), *m),
                [] => {
                    sink.error(
                        "MOCK003",
                        "/StateMachines",
                        format!("No state machine has a test case \"{test_case}\""),
                    );
                    return None;
                }
                _ => {
                    sink.error("MOCK003", "/StateMachines", format!("Several state machines have a test case \"{test_case}\": name one with --state-machine"));
                    return None;
                }
            }
        }
    };
    let machine_pointer = child_pointer("/StateMachines", &machine_name);
    let cases_pointer = format!("{machine_pointer}/TestCases");
    let cases = object(
        machine.get("TestCases"),
        &cases_pointer,
        "\"TestCases\"",
        sink,
    )?;
    let Some(case) = cases.get(test_case) else {
        let known: Vec<&str> = cases.keys().map(String::as_str).collect();
        sink.error(
            "MOCK002",
            cases_pointer,
            format!(
                "No test case \"{test_case}\" for \"{machine_name}\" (it has: {})",
                known.join(", ")
            ),
        );
        return None;
    };
    let case_pointer = child_pointer(&cases_pointer, test_case);
    let case = object(Some(case), &case_pointer, "A test case", sink)?;
    let responses = object(
        root.get("MockedResponses"),
        "/MockedResponses",
        "\"MockedResponses\"",
        sink,
    )?;
    let mut by_state = HashMap::new();
    for (state, response_name) in case {
        let pointer = child_pointer(&case_pointer, state);
        let Some(response_name) = response_name.as_str() else {
            sink.error(
                "MOCK001",
                pointer,
                "A test case maps state names to response names (strings)",
            );
            continue;
        };
        let Some(ranges) = responses.get(response_name) else {
            sink.error(
                "MOCK002",
                pointer,
                format!("No mocked response \"{response_name}\" in \"MockedResponses\""),
            );
            continue;
        };
        let ranges_pointer = child_pointer("/MockedResponses", response_name);
        if let Some(list) = read_ranges(ranges, &ranges_pointer, sink) {
            by_state.insert(state.clone(), list);
        }
    }
    Some(TestCase { by_state })
}

fn read_ranges(
    value: &Value,
    pointer: &str,
    sink: &mut Sink,
) -> Option<Vec<(usize, usize, Mocked)>> {
    let map = object(Some(value), pointer, "A mocked response", sink)?;
    let mut out = Vec::new();
    for (key, entry) in map {
        let entry_pointer = child_pointer(pointer, key);
        let range = match key.split_once('-') {
            Some((a, b)) => a.parse().ok().zip(b.parse().ok()).filter(|(a, b)| a <= b),
            None => key.parse().ok().map(|n| (n, n)),
        };
        let Some((first, last)) = range else {
            sink.error(
                "MOCK004",
                entry_pointer,
                format!("\"{key}\" is not a call index (\"0\") or range (\"1-3\")"),
            );
            continue;
        };
        let Some(entry) = object(Some(entry), &entry_pointer, "A mocked response entry", sink)
        else {
            continue;
        };
        let response = match (entry.get("Return"), entry.get("Throw")) {
            (Some(value), None) => Response::Return(value.clone()),
            (None, Some(Value::Object(throw))) => Response::Throw {
                error: throw
                    .get("Error")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                cause: throw
                    .get("Cause")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            },
            _ => {
                sink.error("MOCK005", entry_pointer, "A mocked response entry has exactly one of \"Return\" or \"Throw\" (an object with Error and Cause)");
                continue;
            }
        };
        let duration_millis = match entry.get("DurationSeconds") {
            None => 0,
            Some(d) => match d.as_f64().filter(|d| *d >= 0.0) {
                Some(seconds) => (seconds * 1000.0).round() as i64,
                None => {
                    sink.error(
                        "MOCK006",
                        child_pointer(&entry_pointer, "DurationSeconds"),
                        "\"DurationSeconds\" must be a number of seconds, 0 or more",
                    );
                    continue;
                }
            },
        };
        out.push((
            first,
            last,
            Mocked {
                response,
                duration_millis,
            },
        ));
    }
    Some(out)
}

fn object<'a>(
    value: Option<&'a Value>,
    pointer: &str,
    what: &str,
    sink: &mut Sink,
) -> Option<&'a serde_json::Map<String, Value>> {
    match value {
        Some(Value::Object(map)) => Some(map),
        Some(_) => {
            sink.error("MOCK001", pointer, format!("{what} must be a JSON object"));
            None
        }
        None => {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            sink.error("MOCK001", parent, format!("Missing \"{key}\""));
            None
        }
    }
}

fn escape(token: &str) -> String {
    stepwise_asl::json::escape_token(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ranges_and_repeats_the_last_response() {
        let text = r#"{"StateMachines": {"M": {"TestCases": {"T": {"Charge": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom", "Cause": "c"}}, "1-2": {"Return": {"ok": true}}}}}"#;
        let case = load(text, None, "T").unwrap();
        assert!(
            matches!(case.response("Charge", 0).map(|m| &m.response), Some(Response::Throw { error, .. }) if error == "Boom")
        );
        let ok = Response::Return(serde_json::json!({"ok": true}));
        assert_eq!(case.response("Charge", 2).map(|m| &m.response), Some(&ok));
        assert_eq!(case.response("Charge", 7).map(|m| &m.response), Some(&ok));
        assert!(case.response("Other", 0).is_none());
    }

    #[test]
    fn a_response_may_take_virtual_time() {
        let text = r#"{"StateMachines": {"M": {"TestCases": {"T": {"Slow": "R"}}}},
            "MockedResponses": {"R": {"0": {"Return": 1, "DurationSeconds": 90.5}, "1": {"Return": 2}}}}"#;
        let case = load(text, None, "T").unwrap();
        assert_eq!(case.response("Slow", 0).unwrap().duration_millis, 90_500);
        assert_eq!(case.response("Slow", 1).unwrap().duration_millis, 0);
        let bad = text.replace("90.5", "\"soon\"");
        assert_eq!(load(&bad, None, "T").unwrap_err()[0].code, "MOCK006");
    }

    #[test]
    fn broken_files_get_positioned_errors() {
        let errors = load("{\"StateMachines\": {}}", Some("M"), "T").unwrap_err();
        assert_eq!(errors[0].code, "MOCK002");
        let errors = load("{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\"A\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"x\": {}}}}", None, "T").unwrap_err();
        assert_eq!((errors[0].code, errors[0].start.line), ("MOCK004", 1));
        assert_eq!(load("not json", None, "T").unwrap_err()[0].code, "ASL001");
    }
}
