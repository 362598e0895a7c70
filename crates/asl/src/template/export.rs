//! A deployable template for a definition: SAM (`AWS::Serverless::StateMachine`) or plain
//! CloudFormation (with its role, version and alias). Hard-coded ARNs are lifted into
//! DefinitionSubstitutions backed by parameters, so the definition holds no account or
//! region; permissions follow from the resources the machine calls; logging (level ALL,
//! with execution data), tracing and versioning are on.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diagnostic::Sink;
use crate::MachineType;

use super::import::has_account;

/// Which kind of template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// AWS SAM.
    Sam,
    /// Plain CloudFormation.
    Cfn,
}

/// A template, and the definition file it names when the definition is not inline.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The template, as YAML.
    pub template: String,
    /// (path relative to the template, text) of the definition file, when asked for.
    pub definition_file: Option<(String, String)>,
}

/// The logical id of the state machine in exported templates.
pub const MACHINE_ID: &str = "StateMachine";

/// Write a template for the definition `text`. `values` are known values of its `${Name}`
/// placeholders (defaults of their parameters); `file` puts the definition in a file of that
/// path instead of inline.
pub fn export(
    text: &str,
    flavour: Flavour,
    machine_type: MachineType,
    values: &BTreeMap<String, String>,
    file: Option<&str>,
) -> Result<Export, String> {
    let options = crate::LoadOptions {
        machine_type,
        skip_lints: true,
        ..Default::default()
    };
    if crate::load(text, &options).errors().next().is_some() {
        return Err("The definition has errors: fix them before exporting it.".into());
    }
    let (raw, _) = crate::parse_text(text, &mut Sink::default());
    let mut definition = raw.ok_or("The definition does not parse.")?;
    let mut lifted = BTreeMap::new();
    lift(&mut definition, &mut lifted);
    let mut parameters = Map::new();
    let mut substitutions = Map::new();
    let placeholders =
        crate::substitution::placeholders(&serde_json::to_string(&definition).unwrap_or_default());
    for name in placeholders {
        let parameter = parameter_name(&name);
        let default = lifted.get(&name).or_else(|| values.get(&name));
        let mut declared = json!({ "Type": "String", "Description": format!("What the definition's {name} placeholder stands for") });
        if let Some(default) = default {
            declared["Default"] = json!(default);
        }
        parameters.insert(parameter.clone(), declared);
        substitutions.insert(name, json!({ "Ref": parameter }));
    }
    let permissions = Permissions::of(&definition, &substitutions);
    let comment = definition
        .get("Comment")
        .and_then(Value::as_str)
        .unwrap_or("A state machine")
        .to_owned();
    let type_name = match machine_type {
        MachineType::Express => "EXPRESS",
        MachineType::Standard => "STANDARD",
    };
    let log_group = json!({
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": { "Fn::Sub": format!("/aws/vendedlogs/states/${{AWS::StackName}}-{MACHINE_ID}") },
            "RetentionInDays": 30
        }
    });
    let logging = json!({
        "Level": "ALL",
        "IncludeExecutionData": true,
        "Destinations": [{ "CloudWatchLogsLogGroup": { "LogGroupArn": { "Fn::GetAtt": ["StateMachineLogGroup", "Arn"] } } }]
    });
    let definition_file = file.map(|path| {
        (
            path.to_owned(),
            serde_json::to_string_pretty(&definition).unwrap_or_default() + "\n",
        )
    });
    let mut resources = Map::new();
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    match flavour {
        Flavour::Sam => {
            template.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
            template.insert("Description".into(), json!(comment));
            let mut properties = Map::new();
            properties.insert("Type".into(), json!(type_name));
            match file {
                Some(path) => properties.insert("DefinitionUri".into(), json!(path)),
                None => properties.insert("Definition".into(), definition.clone()),
            };
            if !substitutions.is_empty() {
                properties.insert(
                    "DefinitionSubstitutions".into(),
                    Value::Object(substitutions),
                );
            }
            properties.insert("Policies".into(), Value::Array(permissions.sam_policies()));
            properties.insert("Logging".into(), logging);
            properties.insert("Tracing".into(), json!({ "Enabled": true }));
            properties.insert("AutoPublishAlias".into(), json!("live"));
            resources.insert(
                MACHINE_ID.into(),
                json!({ "Type": "AWS::Serverless::StateMachine", "Properties": properties }),
            );
        }
        Flavour::Cfn => {
            template.insert("Description".into(), json!(comment));
            let mut properties = Map::new();
            properties.insert("StateMachineType".into(), json!(type_name));
            match file {
                Some(path) => properties.insert("DefinitionS3Location".into(), json!(path)),
                None => properties.insert("Definition".into(), definition.clone()),
            };
            if !substitutions.is_empty() {
                properties.insert(
                    "DefinitionSubstitutions".into(),
                    Value::Object(substitutions),
                );
            }
            properties.insert(
                "RoleArn".into(),
                json!({ "Fn::GetAtt": ["StateMachineRole", "Arn"] }),
            );
            properties.insert("LoggingConfiguration".into(), logging);
            properties.insert("TracingConfiguration".into(), json!({ "Enabled": true }));
            resources.insert("StateMachineRole".into(), json!({
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{ "Effect": "Allow", "Principal": { "Service": "states.amazonaws.com" }, "Action": "sts:AssumeRole" }]
                    },
                    "Policies": [{
                        "PolicyName": "StateMachinePermissions",
                        "PolicyDocument": { "Version": "2012-10-17", "Statement": permissions.statements(true) }
                    }]
                }
            }));
            resources.insert(
                MACHINE_ID.into(),
                json!({ "Type": "AWS::StepFunctions::StateMachine", "Properties": properties }),
            );
            resources.insert("StateMachineVersion".into(), json!({
                "Type": "AWS::StepFunctions::StateMachineVersion",
                "Properties": {
                    "StateMachineArn": { "Ref": MACHINE_ID },
                    "StateMachineRevisionId": { "Fn::GetAtt": [MACHINE_ID, "StateMachineRevisionId"] }
                }
            }));
            resources.insert("StateMachineAlias".into(), json!({
                "Type": "AWS::StepFunctions::StateMachineAlias",
                "Properties": {
                    "Name": "live",
                    "RoutingConfiguration": [{ "StateMachineVersionArn": { "Ref": "StateMachineVersion" }, "Weight": 100 }]
                }
            }));
        }
    }
    resources.insert("StateMachineLogGroup".into(), log_group);
    if !parameters.is_empty() {
        template.insert("Parameters".into(), Value::Object(parameters));
    }
    template.insert("Resources".into(), Value::Object(resources));
    template.insert(
        "Outputs".into(),
        json!({ "StateMachineArn": { "Value": { "Ref": MACHINE_ID } } }),
    );
    let yaml = serde_saphyr::to_string(&Value::Object(template))
        .map_err(|e| format!("The template cannot be written: {e}"))?;
    Ok(Export {
        template: yaml,
        definition_file,
    })
}

/// Replace every ARN (or SQS queue URL) naming an account with a `${Name}` placeholder;
/// `lifted` gets each name and the value it stands for.
fn lift(value: &mut Value, lifted: &mut BTreeMap<String, String>) {
    match value {
        Value::String(s) if (s.starts_with("arn:") && has_account(s)) || queue_url(s).is_some() => {
            let name = match lifted.iter().find(|(_, v)| *v == s) {
                Some((name, _)) => name.clone(),
                None => {
                    let base = placeholder_for(s);
                    let name = (1..)
                        .map(|n| {
                            if n == 1 {
                                base.clone()
                            } else {
                                format!("{base}{n}")
                            }
                        })
                        .find(|n| !lifted.contains_key(n))
                        .unwrap_or(base);
                    lifted.insert(name.clone(), s.clone());
                    name
                }
            };
            *s = format!("${{{name}}}");
        }
        Value::Object(map) => map.values_mut().for_each(|v| lift(v, lifted)),
        Value::Array(items) => items.iter_mut().for_each(|v| lift(v, lifted)),
        _ => {}
    }
}

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`: the queue's name.
fn queue_url(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("https://sqs.")?;
    let mut parts = rest.split('/');
    let _host = parts.next()?;
    let account = parts.next()?;
    let name = parts.next()?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(name)
}

/// A placeholder name for a hard-coded value: its resource's name and what it is
/// (`ValidateOrderFunctionArn`, `OrdersTopicArn`, `JobsQueueUrl`).
fn placeholder_for(value: &str) -> String {
    if let Some(name) = queue_url(value) {
        return format!("{}QueueUrl", logical_id(name));
    }
    let parts: Vec<&str> = value.split(':').collect();
    let service = parts.get(2).copied().unwrap_or("");
    let resource = parts
        .last()
        .copied()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let kind = match service {
        "lambda" => "FunctionArn",
        "sns" => "TopicArn",
        "sqs" => "QueueArn",
        "dynamodb" => "TableArn",
        "states" => "StateMachineArn",
        "events" => "EventBusArn",
        _ => "Arn",
    };
    // A Lambda ARN may end in a version or alias: name it by the function.
    let resource = if service == "lambda" && parts.len() > 7 {
        parts[6]
    } else {
        resource
    };
    format!("{}{kind}", logical_id(resource))
}

/// A CloudFormation logical id (or parameter name) made from `name`: its letters and
/// digits, each word capitalised.
pub fn logical_id(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// A CloudFormation parameter name for the placeholder `name` (letters and digits only).
fn parameter_name(name: &str) -> String {
    let cleaned = logical_id(name);
    if cleaned.is_empty() {
        "Value".into()
    } else {
        cleaned
    }
}

/// What the machine needs to be allowed to call.
#[derive(Default)]
struct Permissions {
    /// Functions to invoke: a name, or a parameter holding an ARN.
    functions: Vec<Value>,
    tables: Vec<String>,
    /// Topics: a name, or a parameter holding an ARN.
    topics: Vec<Value>,
    /// Queues: a name, or a parameter holding a URL.
    queues: Vec<Value>,
    machines: Vec<Value>,
    event_buses: Vec<String>,
    /// `service:Action` for AWS SDK integrations.
    actions: Vec<String>,
}

impl Permissions {
    fn of(definition: &Value, substitutions: &Map<String, Value>) -> Permissions {
        let mut out = Permissions::default();
        out.walk(definition, substitutions);
        out
    }

    fn walk(&mut self, value: &Value, substitutions: &Map<String, Value>) {
        match value {
            Value::Object(map) => {
                if map.get("Type").and_then(Value::as_str) == Some("Task") {
                    self.task(map, substitutions);
                }
                map.values().for_each(|v| self.walk(v, substitutions));
            }
            Value::Array(items) => items.iter().for_each(|v| self.walk(v, substitutions)),
            _ => {}
        }
    }

    fn task(&mut self, task: &Map<String, Value>, substitutions: &Map<String, Value>) {
        let resource = task.get("Resource").and_then(Value::as_str).unwrap_or("");
        let arguments = task.get("Parameters").or_else(|| task.get("Arguments"));
        let argument = |name: &str| arguments.and_then(|a| a.get(name)).and_then(Value::as_str);
        // `${X}` stands for a parameter; anything else is a literal.
        let named = |text: &str, pick: &dyn Fn(&str) -> String| -> Value {
            match text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
                Some(name) => substitutions.get(name).cloned().unwrap_or(json!(name)),
                None => json!(pick(text)),
            }
        };
        let last = |sep: char| move |s: &str| s.rsplit(sep).next().unwrap_or(s).to_owned();
        let service = resource.strip_prefix("arn:aws:states:::").unwrap_or("");
        let (service, action) = service.split_once(':').unwrap_or((service, ""));
        if resource.starts_with("${") || resource.starts_with("arn:aws:lambda:") {
            push(&mut self.functions, named(resource, &last(':')));
            return;
        }
        match service {
            "lambda" => {
                if let Some(function) = argument("FunctionName") {
                    push(&mut self.functions, named(function, &last(':')));
                }
            }
            "dynamodb" => {
                let table = argument("TableName")
                    .map(|t| t.to_owned())
                    .unwrap_or_else(|| "*".into());
                push(&mut self.tables, table);
            }
            "sns" => push(
                &mut self.topics,
                argument("TopicArn").map_or(json!("*"), |t| named(t, &last(':'))),
            ),
            "sqs" => push(
                &mut self.queues,
                argument("QueueUrl").map_or(json!("*"), |q| named(q, &last('/'))),
            ),
            "states" => {
                let machine =
                    argument("StateMachineArn").map_or(json!("*"), |m| named(m, &last(':')));
                push(&mut self.machines, machine);
            }
            "events" => push(&mut self.event_buses, "default".to_owned()),
            "aws-sdk" => {
                let (sdk_service, operation) = action.split_once(':').unwrap_or((action, ""));
                let operation = operation.split('.').next().unwrap_or(operation);
                let mut chars = operation.chars();
                let pascal: String = chars
                    .next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
                    .collect();
                push(&mut self.actions, format!("{sdk_service}:{pascal}"));
            }
            _ => {}
        }
    }

    /// SAM policy templates (and a statement for what they do not cover).
    fn sam_policies(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for function in &self.functions {
            out.push(
                json!({ "LambdaInvokePolicy": { "FunctionName": name_from(function, ":", 6) } }),
            );
        }
        for table in &self.tables {
            out.push(json!({ "DynamoDBCrudPolicy": { "TableName": table } }));
        }
        for topic in &self.topics {
            out.push(
                json!({ "SNSPublishMessagePolicy": { "TopicName": name_from(topic, ":", 5) } }),
            );
        }
        for queue in &self.queues {
            out.push(json!({ "SQSSendMessagePolicy": { "QueueName": name_from(queue, "/", 4) } }));
        }
        for machine in &self.machines {
            out.push(json!({ "StepFunctionsExecutionPolicy": { "StateMachineName": name_from(machine, ":", 6) } }));
        }
        for bus in &self.event_buses {
            out.push(json!({ "EventBridgePutEventsPolicy": { "EventBusName": bus } }));
        }
        out.push(json!({ "Statement": self.statements(false) }));
        out
    }

    /// IAM statements: logging and tracing always; with `everything`, also what the SAM
    /// policy templates would give.
    fn statements(&self, everything: bool) -> Vec<Value> {
        let mut out = vec![
            json!({ "Effect": "Allow", "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], "Resource": "*" }),
            json!({ "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], "Resource": "*" }),
        ];
        if !self.actions.is_empty() {
            out.push(json!({ "Effect": "Allow", "Action": self.actions, "Resource": "*" }));
        }
        if !everything {
            return out;
        }
        let arn = |template: &str, name: &Value| -> Value {
            match name {
                Value::Object(_) => name.clone(),
                Value::String(s) if s == "*" => json!("*"),
                Value::String(s) => json!({ "Fn::Sub": template.replace("NAME", s) }),
                _ => json!("*"),
            }
        };
        for f in &self.functions {
            let function = arn(
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:NAME",
                f,
            );
            let versions = any_version(&function);
            out.push(json!({ "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [function, versions] }));
        }
        for t in &self.tables {
            out.push(json!({ "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan"], "Resource": arn("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/NAME", &json!(t)) }));
        }
        for t in &self.topics {
            out.push(json!({ "Effect": "Allow", "Action": "sns:Publish", "Resource": arn("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:NAME", t) }));
        }
        for q in &self.queues {
            let resource = match q {
                Value::Object(_) => json!("*"),
                other => arn(
                    "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:NAME",
                    other,
                ),
            };
            out.push(
                json!({ "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": resource }),
            );
        }
        if !self.machines.is_empty() {
            out.push(json!({ "Effect": "Allow", "Action": ["states:StartExecution", "states:DescribeExecution", "states:StopExecution"], "Resource": "*" }));
        }
        for _ in &self.event_buses {
            out.push(json!({ "Effect": "Allow", "Action": "events:PutEvents", "Resource": { "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default" } }));
        }
        out
    }
}

fn push<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A resource's name from a literal, or from the parameter (an ARN or URL) it is in:
/// `!Select [INDEX, !Split [SEP, !Ref P]]`.
fn name_from(value: &Value, separator: &str, index: usize) -> Value {
    match value {
        Value::Object(_) => json!({ "Fn::Select": [index, { "Fn::Split": [separator, value] }] }),
        other => other.clone(),
    }
}

/// A function ARN with any version or alias (`ARN:*`).
fn any_version(function: &Value) -> Value {
    match function {
        Value::Object(map) => match map.get("Fn::Sub").and_then(Value::as_str) {
            Some(s) => json!({ "Fn::Sub": format!("{s}:*") }),
            None => json!({ "Fn::Join": ["", [function, ":*"]] }),
        },
        other => other.clone(),
    }
}
