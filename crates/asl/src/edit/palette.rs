//! What the graph's palette adds: the eight state types and the service tasks AWS users
//! reach for most, each as a skeleton that loads (placeholders for what only the user
//! knows, such as `${FunctionArn}`).

use serde_json::{json, Value};

/// One palette entry: its label, the name a new state gets, and its skeleton.
pub struct Entry {
    /// What the palette shows.
    pub label: &'static str,
    /// The new state's name (made unique when added).
    pub name: &'static str,
    skeleton: fn(&str) -> Value,
}

impl Entry {
    /// The state, for a state called `name` (nested scopes take names from it).
    pub fn state(&self, name: &str) -> Value {
        (self.skeleton)(name)
    }
}

/// How many entries, from the first, are the plain state types (the rest call services).
pub const STATE_TYPES: usize = 8;

/// Every entry, state types first.
pub const PALETTE: &[Entry] = &[
    Entry {
        label: "Pass",
        name: "Pass",
        skeleton: |_| json!({ "Type": "Pass" }),
    },
    Entry {
        label: "Task (Lambda invoke)",
        name: "Invoke function",
        skeleton: |_| lambda("${FunctionArn}"),
    },
    Entry {
        label: "Choice",
        name: "Choice",
        skeleton: |_| json!({ "Type": "Choice", "Choices": [{ "Variable": "$.value", "IsPresent": true }] }),
    },
    Entry {
        label: "Wait",
        name: "Wait",
        skeleton: |_| json!({ "Type": "Wait", "Seconds": 5 }),
    },
    Entry {
        label: "Succeed",
        name: "Succeed",
        skeleton: |_| json!({ "Type": "Succeed" }),
    },
    Entry {
        label: "Fail",
        name: "Fail",
        skeleton: |_| json!({ "Type": "Fail", "Error": "Failed", "Cause": "What went wrong" }),
    },
    Entry {
        label: "Parallel",
        name: "Parallel",
        skeleton: |name| {
            json!({ "Type": "Parallel", "Branches": [
        { "StartAt": format!("{name} branch 1"), "States": { format!("{name} branch 1"): { "Type": "Pass", "End": true } } },
        { "StartAt": format!("{name} branch 2"), "States": { format!("{name} branch 2"): { "Type": "Pass", "End": true } } }
    ] })
        },
    },
    Entry {
        label: "Map",
        name: "Map",
        skeleton: |name| {
            json!({ "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 10, "ItemProcessor": {
        "ProcessorConfig": { "Mode": "INLINE" },
        "StartAt": format!("{name} item"),
        "States": { format!("{name} item"): { "Type": "Pass", "End": true } }
    } })
        },
    },
    Entry {
        label: "DynamoDB GetItem",
        name: "Get item",
        skeleton: |_| {
            service(
                "dynamodb:getItem",
                json!({ "TableName": "${TableName}", "Key": { "id": { "S.$": "$.id" } } }),
            )
        },
    },
    Entry {
        label: "DynamoDB PutItem",
        name: "Put item",
        skeleton: |_| {
            service(
                "dynamodb:putItem",
                json!({ "TableName": "${TableName}", "Item": { "id": { "S.$": "$.id" } } }),
            )
        },
    },
    Entry {
        label: "SQS SendMessage",
        name: "Send message",
        skeleton: |_| {
            service(
                "sqs:sendMessage",
                json!({ "QueueUrl": "${QueueUrl}", "MessageBody.$": "$" }),
            )
        },
    },
    Entry {
        label: "SNS Publish",
        name: "Publish",
        skeleton: |_| {
            service(
                "sns:publish",
                json!({ "TopicArn": "${TopicArn}", "Message.$": "$" }),
            )
        },
    },
    Entry {
        label: "EventBridge PutEvents",
        name: "Put events",
        skeleton: |_| {
            service(
                "events:putEvents",
                json!({ "Entries": [{ "Source": "my.app", "DetailType": "Event", "Detail.$": "$" }] }),
            )
        },
    },
    Entry {
        label: "Step Functions StartExecution (.sync)",
        name: "Run workflow",
        skeleton: |_| {
            service(
                "states:startExecution.sync:2",
                json!({ "StateMachineArn": "${StateMachineArn}", "Input.$": "$" }),
            )
        },
    },
    Entry {
        label: "Callback (.waitForTaskToken)",
        name: "Wait for callback",
        skeleton: |_| {
            json!({
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "QueueUrl": "${QueueUrl}", "MessageBody": { "input.$": "$", "taskToken.$": "$$.Task.Token" } },
                "HeartbeatSeconds": 3600
            })
        },
    },
];

fn lambda(function: &str) -> Value {
    json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": { "FunctionName": function, "Payload.$": "$" },
        "Retry": [{ "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL" }]
    })
}

fn service(action: &str, parameters: Value) -> Value {
    json!({ "Type": "Task", "Resource": format!("arn:aws:states:::{action}"), "Parameters": parameters })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{add_state, Place};

    #[test]
    fn every_entry_adds_a_state_that_loads() {
        // A Succeed or Fail ends the flow: it goes after the last state; the rest go between two.
        let between = r#"{"StartAt": "First", "States": {"First": {"Type": "Pass", "Next": "Last"}, "Last": {"Type": "Succeed"}}}"#;
        let at_end = r#"{"StartAt": "First", "States": {"First": {"Type": "Pass", "End": true}}}"#;
        for entry in PALETTE {
            let terminal = matches!(entry.label, "Succeed" | "Fail");
            let base = if terminal { at_end } else { between };
            let (text, name) = add_state(
                base,
                entry.name,
                &entry.state(entry.name),
                &Place::After("First".into()),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", entry.label));
            let loaded = crate::load(&text, &Default::default());
            let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}\n{text}", entry.label);
            assert!(loaded.machine.unwrap().state_named(&name).is_some());
        }
    }
}
