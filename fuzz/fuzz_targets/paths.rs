//! Any string as a JSONPath and as an intrinsic call: parsing never panics; a parsed path is
//! evaluated (and, when it is a reference path, written) on a fixed document; a parsed call
//! runs in a one-state Pass machine.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{jsonpath, Execution, Options, Status};

fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        json!({
            "n": 3,
            "f": -1.5,
            "s": "text",
            "t": true,
            "z": null,
            "empty": {},
            "items": [1, 2.5, "three", null, [4, 5], {"n": 6}],
            "orders": [
                {"id": "a", "price": 10, "tags": ["x", "y"], "ship": {"city": "Oslo"}},
                {"id": "b", "price": 25.5, "tags": [], "ship": null},
                {"id": "c", "price": -3, "qty": 2}
            ],
            "nested": {"a": {"b": {"c": [[1, 2], [3, [4, {"d": "deep"}]]]}}},
            "keys": {"with space": 1, "dot.ted": 2, "quote'd": 3, "": 4}
        })
    })
}

fuzz_target!(|text: &str| {
    if let Ok(path) = stepwise_asl::path::parse(text) {
        if let Some(selection) = jsonpath::select(&path, document()) {
            let _ = selection.into_value();
        }
        if path.is_reference() {
            let mut target = document().clone();
            let _ = jsonpath::write(&mut target, &path, json!({"written": true}));
        }
    }
    if stepwise_asl::intrinsic::parse(text).is_ok() {
        let definition = json!({
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Parameters": {"r.$": text}, "End": true}}
        })
        .to_string();
        let options = LoadOptions {
            skip_lints: true,
            ..LoadOptions::default()
        };
        if let Some(machine) = load(&definition, &options).machine {
            let execution =
                Execution::start(machine.into(), document().clone(), Options::default());
            assert_ne!(execution.status(), Status::Waiting);
        }
    }
});
