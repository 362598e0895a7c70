//! Request shapes AWS checks before it schedules a task: a request it cannot send fails
//! the state with `States.Runtime`, and no TaskScheduled event is recorded.

use serde_json::Value;

use crate::env::compact;
use crate::failure::Failure;

/// Check the parameters of a call to `resource` as AWS does before scheduling it.
pub(super) fn check(resource: &str, parameters: &Value) -> Result<(), Failure> {
    let problem = if resource.starts_with("arn:aws:states:::apigateway:invoke") {
        // API Gateway takes headers and query parameters as lists of strings per name.
        ["Headers", "QueryParameters"]
            .into_iter()
            .find(|field| parameters.get(field).is_some_and(|v| !is_string_lists(v)))
            .map(|field| format!("The value of the field '{field}' has an invalid format"))
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Failure::runtime(format!(
            "The Parameters '{}' could not be used to start the Task: [{problem}]",
            compact(parameters)
        ))),
        None => Ok(()),
    }
}

/// `{"name": ["value", ...], ...}`.
fn is_string_lists(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.values().all(|v| {
            v.as_array()
                .is_some_and(|items| items.iter().all(Value::is_string))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_gateway_headers_and_query_parameters_are_lists_of_strings() {
        let resource = "arn:aws:states:::apigateway:invoke";
        let good = json!({"ApiEndpoint": "x", "Headers": {"a": ["1"]}, "QueryParameters": {"q": ["v", "w"]}});
        assert!(check(resource, &good).is_ok());
        let bad = json!({"ApiEndpoint": "x", "Headers": {"a": "1"}});
        let failure = check(resource, &bad).unwrap_err();
        assert_eq!(failure.error, "States.Runtime");
        assert_eq!(
            failure.cause,
            r#"The Parameters '{"ApiEndpoint":"x","Headers":{"a":"1"}}' could not be used to start the Task: [The value of the field 'Headers' has an invalid format]"#
        );
        let query = json!({"QueryParameters": "?q=1"});
        assert!(check(resource, &query)
            .unwrap_err()
            .cause
            .contains("'QueryParameters'"));
        assert!(check("arn:aws:states:::lambda:invoke", &bad).is_ok());
    }
}
