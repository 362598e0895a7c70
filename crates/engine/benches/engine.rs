//! Engine throughput (a plain harness: `cargo xtask bench`). Prints figures; asserts nothing
//! about time.

use std::time::{Duration, Instant};

use serde_json::json;
use stepwise_asl::{load, LoadOptions, MachineType};
use stepwise_engine::{mock, Execution, HistoryMode, Options, Status};

const COUNTER_LOOP: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": { "Type": "Choice", "Choices": [{ "Variable": "$.i", "NumericLessThan": 100000, "Next": "Increment" }], "Default": "Done" },
    "Increment": { "Type": "Pass", "Parameters": { "i.$": "States.MathAdd($.i, 1)" }, "Next": "Check" },
    "Done": { "Type": "Succeed" }
  }
}"#;

const MAP_OVER_TASK: &str = r#"{
  "StartAt": "Each",
  "States": {
    "Each": {
      "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 10,
      "ItemProcessor": { "StartAt": "Work", "States": { "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
      "End": true
    }
  }
}"#;

const MOCKS: &str = r#"{"StateMachines": {"M": {"TestCases": {"T": {"Work": "R"}}}},
  "MockedResponses": {"R": {"0-99999": {"Return": {"ok": true}}}}}"#;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

/// Ten representative JSONata expressions over a 1 MB document; the document, the
/// expressions and our timings go to target/bench/jsonata.json for the peer comparison.
fn jsonata_expressions() {
    use stepwise_engine::jsonata::{evaluate_plain, Limits};
    let orders: Vec<_> = (0..8000)
        .map(|i| {
            let status = ["NEW", "PAID", "SHIPPED"][i % 3];
            json!({ "id": format!("o-{i}"), "customer": format!("c-{}", i % 97), "status": status,
                         "items": [{ "sku": format!("s-{}", i % 50), "price": (i % 40) as f64 + 0.5, "qty": i % 4 + 1 }, { "sku": "gift", "price": 0.0, "qty": 1 }] })
        })
        .collect();
    let doc = json!({ "orders": orders });
    let expressions = [
        "$sum(orders.items.(price * qty))",
        "$count(orders[status = 'PAID'])",
        "orders[status = 'SHIPPED'].id",
        "orders{customer: $sum(items.price)}",
        "$max(orders.items.price)",
        "$distinct(orders.customer)",
        "orders^(>id)[[0..9]].id",
        "$map(orders[[0..999]], function($o) { $o.id & ':' & $o.status })",
        "orders.items[sku = 'gift'] ~> $count()",
        "$reduce(orders[[0..1999]].items.qty, function($a, $b) { $a + $b })",
    ];
    let bindings = serde_json::Map::new();
    let mut timings = Vec::new();
    let doc_bytes = serde_json::to_string(&doc).expect("serialises");
    println!(
        "JSONata over a {:.2} MB document:",
        doc_bytes.len() as f64 / 1e6
    );
    for expression in expressions {
        let (elapsed, result) = best_of(3, || {
            evaluate_plain(expression, Some(&doc), &bindings, Limits::default())
        });
        assert!(result.is_ok(), "{expression}: {result:?}");
        println!("  {:>8.2} ms  {expression}", elapsed.as_secs_f64() * 1e3);
        timings.push(elapsed.as_secs_f64() * 1e3);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let out = json!({ "document": doc, "expressions": expressions, "milliseconds": timings });
    let _ = std::fs::write(dir.join("jsonata.json"), out.to_string());
}

fn report(name: &str, elapsed: Duration, transitions: u64) {
    let per_second = transitions as f64 / elapsed.as_secs_f64();
    println!(
        "{name:<48} {transitions:>9} transitions in {:>8.2} ms = {:>6.2} M transitions/s",
        elapsed.as_secs_f64() * 1e3,
        per_second / 1e6
    );
}

fn main() {
    let machine = std::rc::Rc::new(
        load(COUNTER_LOOP, &LoadOptions::default())
            .machine
            .expect("valid loop"),
    );
    for (label, history) in [
        (
            "counter loop, 100,000 iterations, no history",
            HistoryMode::None,
        ),
        (
            "counter loop, 100,000 iterations, full history",
            HistoryMode::Full,
        ),
    ] {
        let options = Options {
            machine_type: MachineType::Express,
            history,
            ..Options::default()
        };
        let (elapsed, execution) = best_of(5, || {
            Execution::start(machine.clone(), json!({ "i": 0 }), options.clone())
        });
        assert_eq!(execution.status(), Status::Succeeded);
        report(label, elapsed, execution.transitions());
        if history == HistoryMode::None {
            record(
                "loop",
                json!({ "transitions": execution.transitions(), "milliseconds": elapsed.as_secs_f64() * 1e3 }),
            );
        }
    }

    let machine = std::rc::Rc::new(
        load(MAP_OVER_TASK, &LoadOptions::default())
            .machine
            .expect("valid map"),
    );
    let items: Vec<_> = (0..10_000).map(|i| json!({ "id": i })).collect();
    let case = mock::load(MOCKS, None, "T").expect("valid mocks");
    let options = Options {
        machine_type: MachineType::Express,
        mocks: Some(case),
        history: HistoryMode::Full,
        ..Options::default()
    };
    let (elapsed, execution) = best_of(3, || {
        Execution::start(machine.clone(), json!({ "items": items }), options.clone())
    });
    assert_eq!(execution.status(), Status::Succeeded);
    report(
        "inline Map over a mocked Task, 10,000 items",
        elapsed,
        execution.transitions(),
    );
    record(
        "map",
        json!({ "transitions": execution.transitions(), "milliseconds": elapsed.as_secs_f64() * 1e3 }),
    );

    jsonata_expressions();

    let text = generated_definition(1000);
    let (elapsed, loaded) = best_of(10, || load(&text, &LoadOptions::default()));
    assert!(loaded.errors().next().is_none());
    println!(
        "{:<48} {:>8.2} ms",
        "validate a generated 1,000-state definition",
        elapsed.as_secs_f64() * 1e3
    );
}

/// A chain of Task/Choice/Pass states with Retry and Catch, `states` long.
fn generated_definition(states: usize) -> String {
    let mut map = serde_json::Map::new();
    for i in 0..states {
        let next = if i + 1 < states {
            json!(format!("S{}", i + 1))
        } else {
            json!(null)
        };
        let state = match i % 3 {
            0 => {
                json!({ "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": { "Payload.$": "$", "FunctionName": "f" },
                         "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 }],
                         "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed" }] })
            }
            1 => {
                json!({ "Type": "Choice", "Choices": [{ "Variable": "$.x", "NumericGreaterThan": i, "Next": "Failed" }] })
            }
            _ => json!({ "Type": "Pass", "Parameters": { "n.$": "States.Format('{}', $.x)" } }),
        };
        let mut state = state;
        match (&mut state["Type"].as_str(), next.is_null()) {
            (Some("Choice"), true) => state["Default"] = json!("Failed"),
            (Some("Choice"), false) => state["Default"] = next,
            (_, true) => state["End"] = json!(true),
            (_, false) => state["Next"] = next,
        }
        map.insert(format!("S{i}"), state);
    }
    map.insert(
        "Failed".into(),
        json!({ "Type": "Fail", "Error": "Failed" }),
    );
    serde_json::to_string_pretty(&json!({ "StartAt": "S0", "States": map })).expect("serialises")
}

/// Keep a figure for the peer comparison (`tests/bench/peers.mjs`).
fn record(name: &str, value: serde_json::Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("engine-{name}.json")), value.to_string());
}
