//! Runtime failures explained in AWS's exact words: each test reproduces one kind of
//! failure and asserts the `error` and `cause` AWS records for it.

use std::rc::Rc;

use serde_json::{json, Value};
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{Execution, Options};

/// Run `definition` on `input` and return the failure's error and cause.
fn failure(definition: Value, input: Value) -> (String, String) {
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("definition rejected: {errors:?}"));
    let execution = Execution::start(Rc::new(machine), input, Options::default());
    let failure = execution
        .failure()
        .unwrap_or_else(|| panic!("the run did not fail: {:?}", execution.output()));
    (failure.error.clone(), failure.cause.clone())
}

fn pass_with_parameters(parameters: Value) -> Value {
    json!({ "StartAt": "Pick", "States": {
        "Pick": { "Type": "Pass", "Parameters": parameters, "End": true } } })
}

#[test]
fn an_intrinsic_argument_that_matches_nothing_quotes_the_whole_expression() {
    let (error, cause) = failure(
        pass_with_parameters(json!({ "v.$": "States.Format('{}', $.nope)" })),
        json!({ "other": 1 }),
    );
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "An error occurred while executing the state 'Pick' (entered at the event id #2). \
         The function 'States.Format('{}', $.nope)' had the following error: \
         The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"
    );
    let (_, cause) = failure(
        pass_with_parameters(json!({ "v.$": "States.Format('{}', States.Format('{}', $.nope))" })),
        json!({ "other": 1 }),
    );
    assert_eq!(
        cause,
        "An error occurred while executing the state 'Pick' (entered at the event id #2). \
         The function 'States.Format('{}', States.Format('{}', $.nope))' had the following error: \
         The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"
    );
}

#[test]
fn a_payload_path_that_matches_nothing_names_its_field_and_the_input() {
    let (error, cause) = failure(
        pass_with_parameters(json!({ "m": { "address.$": "$.application.address" } })),
        json!({ "flagged": false }),
    );
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "An error occurred while executing the state 'Pick' (entered at the event id #2). \
         The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'"
    );
}
