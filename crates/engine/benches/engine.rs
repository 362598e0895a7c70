//! Engine throughput (a plain harness: `cargo xtask bench`). Prints figures; asserts nothing
//! about time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// The system allocator, counting live bytes and their peak (for memory figures).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Run `f` once and report the peak of live heap bytes above what was live before it.
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = f();
    (PEAK.load(Ordering::Relaxed) - before, value)
}

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
    use stepwise_engine::jsonata::{evaluate_document, evaluate_plain, Document, Limits};
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
    let (converting, document) = best_of(3, || Document::new(Some(&doc)));
    println!(
        "  {:>8.2} ms  converting the document (once per evaluation in the first column)",
        converting.as_secs_f64() * 1e3
    );
    println!("  with conversion   evaluation only   expression");
    for expression in expressions {
        let (elapsed, result) = best_of(3, || {
            evaluate_plain(expression, Some(&doc), &bindings, Limits::default())
        });
        assert!(result.is_ok(), "{expression}: {result:?}");
        let (evaluating, _) = best_of(3, || {
            evaluate_document(expression, &document, &bindings, Limits::default())
        });
        println!(
            "  {:>12.2} ms  {:>12.2} ms   {expression}",
            elapsed.as_secs_f64() * 1e3,
            evaluating.as_secs_f64() * 1e3
        );
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
    for (label, history, inspect) in [
        (
            "counter loop, 100,000 iterations, no history",
            HistoryMode::None,
            false,
        ),
        (
            "counter loop, 100,000 iterations, full history",
            HistoryMode::Full,
            false,
        ),
        (
            "counter loop, full history and data flow",
            HistoryMode::Full,
            true,
        ),
    ] {
        // 200,001 transitions: above the default budget, which this loop is not about.
        let options = Options {
            machine_type: MachineType::Express,
            history,
            inspect,
            max_transitions: u64::MAX,
            ..Options::default()
        };
        let (elapsed, execution) = best_of(5, || {
            Execution::start(machine.clone(), json!({ "i": 0 }), options.clone())
        });
        assert_eq!(execution.status(), Status::Succeeded);
        report(label, elapsed, execution.transitions());
        let (peak, again) =
            peak_bytes(|| Execution::start(machine.clone(), json!({ "i": 0 }), options.clone()));
        println!(
            "{:<48} {:>8.1} MB peak heap ({} events)",
            "",
            peak as f64 / 1e6,
            again.event_count()
        );
        if history == HistoryMode::None {
            record(
                "loop",
                json!({ "transitions": execution.transitions(), "milliseconds": elapsed.as_secs_f64() * 1e3 }),
            );
        }
    }

    endless_loop_at_the_default_budget();

    let items: Vec<_> = (0..10_000).map(|i| json!({ "id": i })).collect();
    let case = mock::load(MOCKS, None, "T").expect("valid mocks");
    for concurrency in [10, 0] {
        let definition = MAP_OVER_TASK.replace(
            "\"MaxConcurrency\": 10",
            &format!("\"MaxConcurrency\": {concurrency}"),
        );
        let machine = std::rc::Rc::new(
            load(&definition, &LoadOptions::default())
                .machine
                .expect("valid map"),
        );
        let options = Options {
            machine_type: MachineType::Express,
            mocks: Some(case.clone()),
            history: HistoryMode::Full,
            ..Options::default()
        };
        let input = json!({ "items": items });
        let (elapsed, execution) = best_of(3, || {
            Execution::start(machine.clone(), input.clone(), options.clone())
        });
        assert_eq!(execution.status(), Status::Succeeded);
        let (peak, _) =
            peak_bytes(|| Execution::start(machine.clone(), input.clone(), options.clone()));
        report(
            &format!("inline Map, 10,000 items, MaxConcurrency {concurrency}"),
            elapsed,
            execution.transitions(),
        );
        println!(
            "{:<48} {:>8.1} MB peak heap (full history)",
            "",
            peak as f64 / 1e6
        );
        if concurrency == 10 {
            record(
                "map",
                json!({ "transitions": execution.transitions(), "milliseconds": elapsed.as_secs_f64() * 1e3 }),
            );
        }
    }
    distributed_csv();
    parallel_in_a_loop();

    jsonata_expressions();
    resilience_lab();

    let text = generated_definition(1000);
    let (elapsed, loaded) = best_of(10, || load(&text, &LoadOptions::default()));
    assert!(loaded.errors().next().is_none());
    println!(
        "{:<48} {:>8.2} ms",
        "validate a generated 1,000-state definition",
        elapsed.as_secs_f64() * 1e3
    );
}

/// A loop that never ends, stopped by the default transition budget with full history:
/// what a mistaken machine costs before its error shows.
fn endless_loop_at_the_default_budget() {
    let text = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.done", "IsPresent": true, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}}"#;
    let machine = std::rc::Rc::new(
        load(text, &LoadOptions::default())
            .machine
            .expect("valid loop"),
    );
    let options = Options {
        machine_type: MachineType::Express,
        ..Options::default()
    };
    let (elapsed, execution) = best_of(3, || {
        Execution::start(machine.clone(), json!({}), options.clone())
    });
    assert_eq!(
        execution.failure().map(|f| f.error.as_str()),
        Some("Stepwise.TransitionBudgetExceeded")
    );
    report(
        "endless loop, default budget, full history",
        elapsed,
        execution.transitions(),
    );
    let (peak, again) =
        peak_bytes(|| Execution::start(machine.clone(), json!({}), options.clone()));
    let json_bytes = serde_json::to_vec(&again.report()).map_or(0, |v| v.len());
    println!(
        "{:<48} {:>8.1} MB peak heap ({} events, {:.0} bytes each; the --json report is {:.1} MB)",
        "",
        peak as f64 / 1e6,
        again.event_count(),
        peak as f64 / again.event_count() as f64,
        json_bytes as f64 / 1e6
    );
}

/// A Choice loop around a two-branch Parallel: settling each fan-out must cost only its own
/// events, so time per iteration stays flat as the history grows.
fn parallel_in_a_loop() {
    let definition = r#"{ "StartAt": "Check", "States": {
        "Check": { "Type": "Choice", "Choices": [{ "Variable": "$.i", "NumericLessThan": 4000, "Next": "Both" }], "Default": "Done" },
        "Both": { "Type": "Parallel", "ResultSelector": { "i.$": "$[0].i" }, "Next": "Check", "Branches": [
            { "StartAt": "Count", "States": { "Count": { "Type": "Pass", "Parameters": { "i.$": "States.MathAdd($.i, 1)" }, "End": true } } },
            { "StartAt": "Wait", "States": { "Wait": { "Type": "Wait", "Seconds": 0, "End": true } } } ] },
        "Done": { "Type": "Succeed" } } }"#;
    let machine = std::rc::Rc::new(
        load(definition, &LoadOptions::default())
            .machine
            .expect("valid loop"),
    );
    for iterations in [1000, 4000] {
        let options = Options {
            machine_type: MachineType::Express,
            ..Options::default()
        };
        let input = json!({ "i": 4000 - iterations });
        let (elapsed, execution) = best_of(3, || {
            Execution::start(machine.clone(), input.clone(), options.clone())
        });
        assert_eq!(execution.status(), Status::Succeeded);
        report(
            &format!("Parallel in a loop, {iterations} iterations, full history"),
            elapsed,
            execution.transitions(),
        );
    }
}

/// A distributed Map over a mocked 100,000-line CSV object, 100 rows per child execution.
fn distributed_csv() {
    let definition = r#"{ "StartAt": "Rows", "States": { "Rows": { "Type": "Map", "MaxConcurrency": 50,
        "ItemReader": { "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
                        "Parameters": { "Bucket": "in", "Key": "rows.csv" } },
        "ItemBatcher": { "MaxItemsPerBatch": 100 },
        "ResultWriter": { "Resource": "arn:aws:states:::s3:putObject", "Parameters": { "Bucket": "out", "Prefix": "runs" } },
        "ItemProcessor": { "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" }, "StartAt": "Work",
            "States": { "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
        "End": true } } }"#;
    let mut csv = String::from("id,sku,qty\n");
    for i in 0..100_000 {
        csv.push_str(&format!("{i},s-{},{}\n", i % 50, i % 4 + 1));
    }
    let mocks = json!({ "StateMachines": { "M": { "TestCases": { "T": { "Rows": "Csv", "Work": "R" } } } },
        "MockedResponses": { "Csv": { "0": { "Return": csv } }, "R": { "0-99999": { "Return": { "ok": true } } } } });
    let case = mock::load(&mocks.to_string(), None, "T").expect("valid mocks");
    let machine = std::rc::Rc::new(
        load(definition, &LoadOptions::default())
            .machine
            .expect("valid distributed map"),
    );
    for (label, history) in [
        ("no history", HistoryMode::None),
        ("full history", HistoryMode::Full),
    ] {
        let options = Options {
            mocks: Some(case.clone()),
            history,
            ..Options::default()
        };
        let (elapsed, execution) = best_of(3, || {
            Execution::start(machine.clone(), json!({}), options.clone())
        });
        assert_eq!(
            execution.status(),
            Status::Succeeded,
            "{:?}",
            execution.failure()
        );
        let (peak, _) =
            peak_bytes(|| Execution::start(machine.clone(), json!({}), options.clone()));
        report(
            &format!("distributed Map, 100,000-row CSV, {label}"),
            elapsed,
            execution.transitions(),
        );
        println!(
            "{:<48} {:>8.1} MB peak heap ({} children; the CSV text alone is {:.1} MB)",
            "",
            peak as f64 / 1e6,
            execution.children().len(),
            csv.len() as f64 / 1e6
        );
    }
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

/// 1,000 runs of the Order Processing Workflow (fixed) under the standard fault profile.
fn resilience_lab() {
    let example = |ext: &str| {
        let path = format!(
            "{}/../../public/examples/order-processing-fixed.{ext}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let machine = std::rc::Rc::new(
        load(&example("asl.json"), &LoadOptions::default())
            .machine
            .expect("valid example"),
    );
    let options = Options {
        mocks: Some(mock::load(&example("mocks.json"), None, "HappyPath").expect("valid mocks")),
        ..Options::default()
    };
    let input: serde_json::Value =
        serde_json::from_str(&example("input.json")).expect("JSON input");
    let (elapsed, report) = best_of(5, || {
        let profile = stepwise_engine::faults::FaultProfile::standard();
        let mut lab = stepwise_engine::chaos::Lab::new(
            machine.clone(),
            input.clone(),
            options.clone(),
            profile,
            1_000,
        );
        lab.advance(1_000);
        lab.report()
    });
    println!(
        "{:<48} {:>8.1} ms (success rate {:.1}%)",
        "resilience lab, 1,000 faulty runs of Order Processing",
        elapsed.as_secs_f64() * 1e3,
        report.success_rate * 100.0
    );
}
