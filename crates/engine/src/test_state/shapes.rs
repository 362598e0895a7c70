//! The response shapes of the service integrations whose mocked results TestState checks
//! (`fieldValidationMode` STRICT and PRESENT), with AWS's words for what does not fit.
//! Integrations not listed here accept any JSON, as do callbacks, API Gateway, HTTP and EKS.

use serde_json::Value;

/// The shape of a value in an API response.
enum Shape {
    Str,
    Num,
    Any,
    OneOf(&'static [&'static str]),
    List(&'static Shape),
    /// Members: name, required, shape. Members not listed are accepted.
    Object(&'static [(&'static str, bool, Shape)]),
}

use Shape::*;

const LAMBDA_INVOKE: Shape = Object(&[
    ("ExecutedVersion", false, Str),
    ("FunctionError", false, Str),
    ("LogResult", false, Str),
    ("Payload", false, Any),
    ("StatusCode", false, Num),
]);
const START_EXECUTION: Shape = Object(&[("ExecutionArn", true, Str), ("StartDate", true, Str)]);
const DESCRIBE_EXECUTION: Shape = Object(&[
    ("ExecutionArn", true, Str),
    ("StateMachineArn", true, Str),
    ("Name", false, Str),
    (
        "Status",
        true,
        OneOf(&[
            "RUNNING",
            "SUCCEEDED",
            "FAILED",
            "TIMED_OUT",
            "ABORTED",
            "PENDING_REDRIVE",
        ]),
    ),
    ("StartDate", true, Str),
    ("StopDate", false, Str),
    ("Input", false, Any),
    ("Output", false, Any),
]);
const PUT_EVENTS: Shape = Object(&[
    (
        "Entries",
        false,
        List(&Object(&[
            ("EventId", false, Str),
            ("ErrorCode", false, Str),
            ("ErrorMessage", false, Str),
        ])),
    ),
    ("FailedEntryCount", false, Num),
]);
const SEND_MESSAGE: Shape = Object(&[
    ("MD5OfMessageBody", false, Str),
    ("MD5OfMessageAttributes", false, Str),
    ("MessageId", false, Str),
    ("SequenceNumber", false, Str),
]);
const PUBLISH: Shape = Object(&[("MessageId", false, Str), ("SequenceNumber", false, Str)]);
const CONSUMED_CAPACITY: Shape = Object(&[
    ("CapacityUnits", false, Num),
    ("ReadCapacityUnits", false, Num),
    ("WriteCapacityUnits", false, Num),
    ("TableName", false, Str),
]);
const DYNAMODB_ITEM: Shape = Object(&[
    ("Attributes", false, Any),
    ("Item", false, Any),
    ("ConsumedCapacity", false, CONSUMED_CAPACITY),
    ("ItemCollectionMetrics", false, Any),
]);
const S3_GET_OBJECT: Shape = Object(&[
    ("Body", false, Any),
    ("ContentLength", false, Num),
    ("ContentType", false, Str),
    ("ETag", false, Str),
    (
        "StorageClass",
        false,
        OneOf(&[
            "STANDARD",
            "REDUCED_REDUNDANCY",
            "STANDARD_IA",
            "ONEZONE_IA",
            "INTELLIGENT_TIERING",
            "GLACIER",
            "DEEP_ARCHIVE",
            "OUTPOSTS",
            "GLACIER_IR",
            "SNOW",
            "EXPRESS_ONEZONE",
        ]),
    ),
]);

/// The response shape of the integration `resource` calls, when it is one TestState checks.
fn shape_of(resource: &str) -> Option<&'static Shape> {
    let action = resource.strip_prefix("arn:aws:states:::")?;
    Some(match action {
        "lambda:invoke" => &LAMBDA_INVOKE,
        "states:startExecution" => &START_EXECUTION,
        "states:startExecution.sync" | "states:startExecution.sync:2" => &DESCRIBE_EXECUTION,
        "events:putEvents" => &PUT_EVENTS,
        "sqs:sendMessage" => &SEND_MESSAGE,
        "sns:publish" => &PUBLISH,
        "dynamodb:putItem" | "dynamodb:getItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => {
            &DYNAMODB_ITEM
        }
        "aws-sdk:s3:getObject" => &S3_GET_OBJECT,
        _ => return None,
    })
}

/// Check a mocked result of `resource` (all members required ones included, or only those
/// present); AWS reports the first problem, naming the member without its path.
pub fn check(resource: &str, result: &Value, required: bool) -> Result<(), String> {
    let Some(shape) = shape_of(resource) else {
        return Ok(());
    };
    fits(shape, "result", result, required)
        .map_err(|problem| format!("Mock result schema validation error: {problem}"))
}

fn fits(shape: &Shape, name: &str, value: &Value, required: bool) -> Result<(), String> {
    let wrong = |what: &str| Err(format!("Field '{name}' must be {what}"));
    match (shape, value) {
        (Any, _) | (Str, Value::String(_)) | (Num, Value::Number(_)) => Ok(()),
        (Str, _) => wrong("a string"),
        (Num, _) => wrong("a number"),
        (OneOf(values), Value::String(s)) if values.contains(&s.as_str()) => Ok(()),
        (OneOf(_), Value::String(_)) => Err(format!("Field '{name}' is not an expected value")),
        (OneOf(_), _) => wrong("a string"),
        (List(item), Value::Array(items)) => {
            items.iter().try_for_each(|v| fits(item, name, v, required))
        }
        (List(_), _) => wrong("an array"),
        (Object(members), Value::Object(map)) => {
            for (member, needed, shape) in *members {
                match map.get(*member) {
                    Some(value) => fits(shape, member, value, required)?,
                    None if *needed && required => {
                        return Err(format!("Required field '{member}' is missing"))
                    }
                    None => {}
                }
            }
            Ok(())
        }
        (Object(_), _) => wrong("an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_are_checked_as_aws_checks_them() {
        let start = "arn:aws:states:::states:startExecution";
        let cases = [
            (
                start,
                json!({}),
                true,
                Some("Required field 'ExecutionArn' is missing"),
            ),
            (start, json!({}), false, None),
            (
                start,
                json!({"ExecutionArn": "a", "StartDate": true}),
                true,
                Some("Field 'StartDate' must be a string"),
            ),
            (
                "arn:aws:states:::lambda:invoke",
                json!({"StatusCode": "200"}),
                true,
                Some("Field 'StatusCode' must be a number"),
            ),
            (
                "arn:aws:states:::events:putEvents",
                json!({"Entries": [{"EventId": "ok"}, {"EventId": ["bad"]}]}),
                true,
                Some("Field 'EventId' must be a string"),
            ),
            (
                "arn:aws:states:::events:putEvents",
                json!({"random": "json"}),
                true,
                None,
            ),
            (
                "arn:aws:states:::aws-sdk:s3:getObject",
                json!({"StorageClass": "Papyrus"}),
                true,
                Some("Field 'StorageClass' is not an expected value"),
            ),
            (
                "arn:aws:states:::dynamodb:putItem",
                json!({"ConsumedCapacity": {"CapacityUnits": "1"}}),
                false,
                Some("Field 'CapacityUnits' must be a number"),
            ),
            ("arn:aws:states:::apigateway:invoke", json!(42), true, None),
        ];
        for (resource, result, required, expected) in cases {
            let got = check(resource, &result, required).err();
            let expected = expected.map(|e| format!("Mock result schema validation error: {e}"));
            assert_eq!(got, expected, "{resource} {result}");
        }
    }
}
