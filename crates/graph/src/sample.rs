//! Generated state machines of a given size, with nested Parallel and Map states, Choice
//! loops and Catch edges: inputs for layout tests and benchmarks.

use serde_json::{json, Map, Value};

/// A definition with roughly `states` states (counting nested ones).
pub fn definition(states: usize) -> String {
    let mut budget = states;
    let scope = scope("S", &mut budget, 0);
    serde_json::to_string_pretty(&scope).expect("JSON serialises")
}

fn scope(prefix: &str, budget: &mut usize, depth: usize) -> Value {
    let mut states = Map::new();
    // The top level takes a third of the budget; nested scopes share the rest.
    let count = if depth == 0 {
        (*budget / 3).max(1)
    } else {
        (*budget).min(6)
    };
    let names: Vec<String> = (0..count.max(1)).map(|i| format!("{prefix}{i}")).collect();
    let fail = format!("{prefix}Failed");
    let mut i = 0;
    while i < names.len() {
        let name = &names[i];
        let next = names.get(i + 1).cloned();
        *budget = budget.saturating_sub(1);
        let mut state = match i % 7 {
            3 if depth < 2 && *budget > 8 => {
                let branches: Vec<Value> = (0..2)
                    .map(|b| scope(&format!("{name}b{b}x"), budget, depth + 1))
                    .collect();
                json!({ "Type": "Parallel", "Branches": branches })
            }
            5 if depth < 2 && *budget > 6 => {
                json!({ "Type": "Map", "MaxConcurrency": 4, "ItemProcessor": scope(&format!("{name}m"), budget, depth + 1) })
            }
            1 if i >= 1 => json!({ "Type": "Choice", "Choices": [
                { "Variable": "$.retry", "BooleanEquals": true, "Next": names[i - 1] },
                { "Variable": "$.count", "NumericGreaterThan": i, "Next": fail }
            ] }),
            2 | 6 => json!({ "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": fail }] }),
            _ => json!({ "Type": "Pass" }),
        };
        match (&next, state["Type"].as_str()) {
            (Some(next), Some("Choice")) => state["Default"] = json!(next),
            (None, Some("Choice")) => state["Default"] = json!(fail),
            (Some(next), _) => state["Next"] = json!(next),
            (None, _) => state["End"] = json!(true),
        }
        states.insert(name.clone(), state);
        i += 1;
    }
    states.insert(fail, json!({ "Type": "Fail", "Error": "Failed" }));
    json!({ "StartAt": names[0], "States": states })
}
