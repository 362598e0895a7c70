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
    if json.is_none() && text.trim().is_empty() {
        // The parser's message speaks of a definition.
        let mut sink = Sink::default();
        sink.error(
            "MOCK001",
            "",
            "The mock config is empty: it must be an object with \"StateMachines\" and \"MockedResponses\"",
        );
        return Err(sink.finish(text, &spans));
    }
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
    let machines = state_machines(root, sink)?;
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
    let (cases_pointer, cases) = machine_test_cases(&machine_name, machine, sink)?;
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

/// The names of the test cases a mock config offers (those of `state_machine` only, when
/// named), in the order it gives them, each once (a name several state machines use is
/// listed once); empty when the file cannot be read. Read as [`load`] reads the file, so
/// what it lists is what `load` can select.
pub fn test_cases(config: &str, state_machine: Option<&str>) -> Vec<String> {
    let mut sink = Sink::default();
    let (Some(root), _) = stepwise_asl::json::parse(config, &mut sink) else {
        return Vec::new();
    };
    let Some(machines) = state_machines(&root, &mut sink) else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let chosen = machines
        .iter()
        .filter(|(name, _)| state_machine.is_none_or(|wanted| wanted == name.as_str()));
    for (machine_name, machine) in chosen {
        let Some((_, cases)) = machine_test_cases(machine_name, machine, &mut sink) else {
            continue;
        };
        for name in cases.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// The `StateMachines` object of a mock config.
fn state_machines<'a>(
    root: &'a Value,
    sink: &mut Sink,
) -> Option<&'a serde_json::Map<String, Value>> {
    object(
        root.get("StateMachines"),
        "/StateMachines",
        "\"StateMachines\"",
        sink,
    )
}

/// The `TestCases` object of the state machine `name`, with its JSON pointer.
fn machine_test_cases<'a>(
    name: &str,
    machine: &'a Value,
    sink: &mut Sink,
) -> Option<(String, &'a serde_json::Map<String, Value>)> {
    let pointer = format!("{}/TestCases", child_pointer("/StateMachines", name));
    let cases = object(machine.get("TestCases"), &pointer, "\"TestCases\"", sink)?;
    Some((pointer, cases))
}

/// Write a response for `state` into a mock config (its JSON text): `calls` is a call index
/// ("0") or range ("1-2"); the test case (created if missing, in the first state machine)
/// maps the state to its response set (created as `"<state>Response"` if it has none).
/// Returns the new text, pretty-printed, or why the config cannot take it.
pub fn add_response(
    config: &str,
    test_case: &str,
    state: &str,
    calls: &str,
    response: &Response,
) -> Result<String, String> {
    let valid_calls = match calls.split_once('-') {
        Some((a, b)) => {
            matches!((a.parse::<usize>(), b.parse::<usize>()), (Ok(a), Ok(b)) if a <= b)
        }
        None => calls.parse::<usize>().is_ok(),
    };
    if !valid_calls {
        return Err(format!(
            "\"{calls}\" is not a call index (\"0\") or range (\"1-3\")"
        ));
    }
    let mut root: Value = if config.trim().is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_str(config).map_err(|e| format!("The mock config is not JSON: {e}"))?
    };
    let Value::Object(root_map) = &mut root else {
        return Err("The mock config must be a JSON object".into());
    };
    let machines = object_at(root_map, "StateMachines")?;
    if machines.is_empty() {
        machines.insert("StateMachine".into(), serde_json::json!({}));
    }
    // The machine that has the test case, else the first one.
    let has_case = format!("/TestCases/{}", escape(test_case));
    let key = machines
        .iter()
        .find(|(_, m)| m.pointer(&has_case).is_some())
        .or_else(|| machines.iter().next())
        .map(|(key, _)| key.clone())
        .ok_or("The mock config has no state machine")?;
    let machine = machines
        .get_mut(&key)
        .ok_or("The mock config has no state machine")?;
    let Value::Object(machine) = machine else {
        return Err("A state machine entry must be a JSON object".into());
    };
    let cases = object_at(machine, "TestCases")?;
    let case = cases
        .entry(test_case.to_owned())
        .or_insert_with(|| serde_json::json!({}));
    let Value::Object(case) = case else {
        return Err(format!("Test case \"{test_case}\" must be a JSON object"));
    };
    let response_name = match case.get(state).and_then(Value::as_str) {
        Some(name) => name.to_owned(),
        None => {
            let name = format!("{state}Response");
            case.insert(state.to_owned(), Value::String(name.clone()));
            name
        }
    };
    let responses = object_at(root_map, "MockedResponses")?;
    let entry = responses
        .entry(response_name.clone())
        .or_insert_with(|| serde_json::json!({}));
    let Value::Object(entry) = entry else {
        return Err(format!(
            "Mocked response \"{response_name}\" must be a JSON object"
        ));
    };
    let answer = match response {
        Response::Return(value) => serde_json::json!({ "Return": value }),
        Response::Throw { error, cause } => {
            serde_json::json!({ "Throw": { "Error": error, "Cause": cause } })
        }
    };
    entry.insert(calls.to_owned(), answer);
    serde_json::to_string_pretty(&root).map_err(|e| e.to_string())
}

/// The object at `key` of `map`, created when missing.
fn object_at<'a>(
    map: &'a mut serde_json::Map<String, Value>,
    key: &str,
) -> Result<&'a mut serde_json::Map<String, Value>, String> {
    match map
        .entry(key.to_owned())
        .or_insert_with(|| serde_json::json!({}))
    {
        Value::Object(inner) => Ok(inner),
        _ => Err(format!("\"{key}\" must be a JSON object")),
    }
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

/// A MockConfigFile for AWS Step Functions Local with one test case, `HappyPath`, in which
/// every Task state of `machine` succeeds with a result of the shape its integration returns
/// (to fill in); the state machine entry is `name`.
pub fn skeleton(machine: &stepwise_asl::model::StateMachine, name: &str) -> Value {
    use serde_json::{json, Map};
    let mut test_case = Map::new();
    let mut responses = Map::new();
    for state in machine.states.task_states() {
        let stepwise_asl::model::Kind::Task(task) = &state.kind else {
            continue;
        };
        let result = match task.resource.trim_end_matches(".waitForTaskToken") {
            "arn:aws:states:::lambda:invoke" => json!({ "StatusCode": 200, "Payload": {} }),
            "arn:aws:states:::sns:publish" => {
                json!({ "MessageId": "00000000-0000-0000-0000-000000000000" })
            }
            "arn:aws:states:::sqs:sendMessage" => {
                json!({ "MessageId": "00000000-0000-0000-0000-000000000000", "MD5OfMessageBody": "" })
            }
            "arn:aws:states:::dynamodb:getItem" => json!({ "Item": {} }),
            "arn:aws:states:::events:putEvents" => {
                json!({ "Entries": [{ "EventId": "00000000-0000-0000-0000-000000000000" }], "FailedEntryCount": 0 })
            }
            _ => json!({}),
        };
        let response = format!("{}Success", state.name);
        test_case.insert(state.name.clone(), json!(response));
        responses.insert(response, json!({ "0": { "Return": result } }));
    }
    json!({
        "StateMachines": { name: { "TestCases": { "HappyPath": test_case } } },
        "MockedResponses": responses
    })
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
    fn responses_are_written_into_the_config_a_test_case_reads() {
        let config = r#"{"StateMachines": {"Orders": {"TestCases": {"Happy": {"Charge": "Charged"}}}},
            "MockedResponses": {"Charged": {"0": {"Return": {"ok": true}}}}}"#;
        let thrown = Response::Throw {
            error: "Declined".into(),
            cause: "card".into(),
        };
        let text = add_response(config, "Happy", "Charge", "1-2", &thrown).unwrap();
        let case = load(&text, None, "Happy").unwrap();
        assert!(matches!(
            case.response("Charge", 0).map(|m| &m.response),
            Some(Response::Return(_))
        ));
        assert_eq!(
            case.response("Charge", 2).map(|m| &m.response),
            Some(&thrown)
        );
        // A new test case and state get their own entries.
        let text = add_response(
            &text,
            "Sad",
            "Ship",
            "0",
            &Response::Return(serde_json::json!(1)),
        )
        .unwrap();
        let sad = load(&text, Some("Orders"), "Sad").unwrap();
        assert_eq!(
            sad.response("Ship", 0).map(|m| &m.response),
            Some(&Response::Return(serde_json::json!(1)))
        );
        // An empty config starts one.
        let fresh = add_response(
            "",
            "T",
            "S",
            "0",
            &Response::Return(serde_json::json!(null)),
        )
        .unwrap();
        assert!(load(&fresh, None, "T").is_ok());
        assert!(add_response("[1]", "T", "S", "0", &thrown).is_err());
        assert!(add_response(config, "T", "S", "x", &thrown)
            .unwrap_err()
            .contains("call index"));
    }

    #[test]
    fn test_cases_are_listed_once_in_file_order() {
        let config = r#"{"StateMachines": {
            "Orders": {"TestCases": {"Happy": {"A": "R"}, "Declined": {"A": "R"}}},
            "Refunds": {"TestCases": {"Partial": {}, "Happy": {}}},
            "Broken": {"TestCases": []},
            "NoCases": {}},
            "MockedResponses": {"R": {"0": {"Return": 1}}}}"#;
        assert_eq!(test_cases(config, None), ["Happy", "Declined", "Partial"]);
        assert_eq!(test_cases(config, Some("Refunds")), ["Partial", "Happy"]);
        // Each name listed is one `load` can select (given its machine when several have it).
        assert!(load(config, None, "Declined").is_ok());
        assert!(load(config, Some("Orders"), "Happy").is_ok());
        for broken in [
            "",
            "not json",
            "[]",
            "{}",
            "{\"StateMachines\": 1}",
            "{\"a\": 1,}",
        ] {
            assert!(test_cases(broken, None).is_empty(), "{broken:?}");
        }
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
