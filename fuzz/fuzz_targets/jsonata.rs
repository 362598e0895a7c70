//! Any string as the JSONata expression of a Pass state's Output: loading and running never
//! panic, and the run ends (any status).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{Execution, Options, Status};

fuzz_target!(|text: &str| {
    let definition = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Output": format!("{{% {text} %}}"), "End": true}}
    })
    .to_string();
    let options = LoadOptions {
        skip_lints: true,
        ..LoadOptions::default()
    };
    let Some(machine) = load(&definition, &options).machine else {
        return;
    };
    let input = json!({"n": 3, "s": "text", "items": [1, 2, {"a": [3, 4]}], "o": {"k": null}});
    let execution = Execution::start(machine.into(), input, Options::default());
    assert_ne!(execution.status(), Status::Waiting);
});
