//! Whole-machine checks, made on the parsed definition so they run even when the model
//! cannot be built (AWS reports a dangling `Next` and an unreachable state together): every
//! scope can end, and every state can be reached.

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::json::child_pointer;

/// Check every scope of the definition `root`.
pub fn check(root: &Value, sink: &mut Sink) {
    check_scope(root, "", sink);
}

fn check_scope(scope: &Value, pointer: &str, sink: &mut Sink) {
    // Without StartAt or States, AWS reports only the missing fields.
    let (Some(states), Some(_)) = (
        scope.get("States").and_then(Value::as_object),
        scope.get("StartAt"),
    ) else {
        return;
    };
    let states_pointer = child_pointer(pointer, "States");
    // As AWS does: a scope that cannot end is reported once, and then its unreachable
    // states are not.
    if !states.values().any(is_terminal) {
        sink.error("ASL026", pointer, "Workflow has no terminal state")
            .hint("Give the last state \"End\": true, or add a Succeed or Fail state");
    } else {
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<&str> = scope
            .get("StartAt")
            .and_then(Value::as_str)
            .into_iter()
            .collect();
        while let Some(name) = stack.pop() {
            if !states.contains_key(name) || !seen.insert(name) {
                continue;
            }
            stack.extend(targets(&states[name]));
        }
        for name in states.keys().filter(|n| !seen.contains(n.as_str())) {
            sink.error(
                "ASL023",
                child_pointer(&states_pointer, name),
                format!("State \"{name}\" is not reachable."),
            )
            .hint("No StartAt, Next, Default or Catch leads here; remove it or add a transition");
        }
    }
    for (name, state) in states {
        let state_pointer = child_pointer(&states_pointer, name);
        for (i, branch) in state
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_scope(branch, &format!("{state_pointer}/Branches/{i}"), sink);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                check_scope(processor, &child_pointer(&state_pointer, key), sink);
            }
        }
    }
}

/// A state that can end its scope: Succeed, Fail, or `"End": true`.
fn is_terminal(state: &Value) -> bool {
    matches!(
        state.get("Type").and_then(Value::as_str),
        Some("Succeed" | "Fail")
    ) || state.get("End") == Some(&Value::Bool(true))
}

/// The names a state can transition to: Next, Default, each Choice rule's and Catcher's Next.
fn targets(state: &Value) -> impl Iterator<Item = &str> {
    let nested = ["Choices", "Catch"].into_iter().flat_map(move |key| {
        state
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|rule| rule.get("Next"))
    });
    [state.get("Next"), state.get("Default")]
        .into_iter()
        .flatten()
        .chain(nested)
        .filter_map(Value::as_str)
}
