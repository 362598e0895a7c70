//! A state machine out of a SAM or CloudFormation template (JSON, or YAML with short-form
//! tags): its definition (`Definition`, `DefinitionString` with `Fn::Sub` or `Fn::Join`, or a
//! `DefinitionUri` or `DefinitionS3Location` file), its DefinitionSubstitutions (intrinsic functions become placeholder
//! values to edit), its type, and what the template gets wrong for deployment.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostic::Sink;
use crate::json::SpanTable;
use crate::MachineType;

use super::STATE_MACHINE_TYPES;

/// What a template holds for one of its state machines.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The resource's logical id.
    pub resource: String,
    /// The definition's text: the template's own text where it is inline, the file's, or
    /// the string's.
    pub definition: String,
    /// A value for each `${Name}` placeholder: the template's, or a placeholder standing for
    /// what an intrinsic function gives on AWS (an ARN of the right shape, say).
    pub substitutions: BTreeMap<String, String>,
    /// STANDARD or EXPRESS, as the template says.
    pub machine_type: MachineType,
    /// What the template gets wrong for deployment: (code, message).
    pub findings: Vec<(&'static str, String)>,
}

/// Is `text` a template (an object with `Resources`)?
pub fn is_template(text: &str) -> bool {
    // Most texts are definitions: only one that names Resources is worth parsing (the
    // editor asks on every keystroke).
    if !text.contains("Resources") {
        return false;
    }
    let (value, _) = crate::parse_text(text, &mut Sink::default());
    value.is_some_and(|v| v.get("Resources").is_some_and(Value::is_object))
}

/// The logical ids of the template's state machines, in the template's order.
pub fn state_machines(text: &str) -> Vec<String> {
    let (value, _) = crate::parse_text(text, &mut Sink::default());
    let resources = value
        .as_ref()
        .and_then(|v| v.get("Resources"))
        .and_then(Value::as_object);
    resources
        .into_iter()
        .flatten()
        .filter(|(_, r)| {
            r.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| STATE_MACHINE_TYPES.contains(&t))
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// The state machine `resource` of the template `text` (the only one when `None`);
/// `read_file` reads a `DefinitionUri` path.
pub fn import(
    text: &str,
    resource: Option<&str>,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Imported, String> {
    let (value, spans) = crate::parse_text(text, &mut Sink::default());
    let template = value.ok_or("The template is neither JSON nor YAML.")?;
    let resources = template
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or("The template has no Resources.")?;
    let machines: Vec<&String> = resources
        .iter()
        .filter(|(_, r)| {
            r.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| STATE_MACHINE_TYPES.contains(&t))
        })
        .map(|(id, _)| id)
        .collect();
    let id = match (resource, machines.as_slice()) {
        (Some(wanted), _) if machines.iter().any(|m| *m == wanted) => wanted.to_owned(),
        (Some(wanted), _) => {
            return Err(format!("The template has no state machine \"{wanted}\"; it has: {}.", list(&machines)))
        }
        (None, [only]) => (*only).clone(),
        (None, []) => return Err("The template has no state machine (AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine).".into()),
        (None, _) => {
            return Err(format!("The template has several state machines: {}. Choose one with --resource.", list(&machines)))
        }
    };
    let machine = &resources[&id];
    let properties = machine
        .get("Properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let context = Context {
        template: &template,
    };
    let mut substitutions = BTreeMap::new();
    let definition = if let Some(inline) = properties.get("Definition") {
        inline_text(
            text,
            &spans,
            &format!(
                "/Resources/{}/Properties/Definition",
                crate::json::escape_token(&id)
            ),
            inline,
        )
    } else if let Some(string) = properties.get("DefinitionString") {
        context.definition_string(string, &mut substitutions)?
    } else if let Some(uri) = properties
        .get("DefinitionUri")
        .or_else(|| properties.get("DefinitionS3Location"))
    {
        match uri.as_str() {
            Some(path) => read_file(path)?,
            None => {
                return Err(
                    "The definition is in S3; give a local file path to read it here.".into(),
                )
            }
        }
    } else {
        return Err(format!(
            "The state machine \"{id}\" has no Definition, DefinitionString or DefinitionUri."
        ));
    };
    if let Some(Value::Object(given)) = properties.get("DefinitionSubstitutions") {
        for (name, value) in given {
            substitutions.insert(name.clone(), context.value_of(value));
        }
    }
    let machine_type = match properties
        .get("Type")
        .or_else(|| properties.get("StateMachineType"))
        .and_then(Value::as_str)
    {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    };
    let findings = findings(
        &template,
        &id,
        machine,
        &properties,
        &definition,
        machine_type,
    );
    Ok(Imported {
        resource: id,
        definition,
        substitutions,
        machine_type,
        findings,
    })
}

fn list(ids: &[&String]) -> String {
    ids.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An inline Definition as the template wrote it: its slice of the text (indented as in the
/// template, so a YAML block stays valid), or its JSON when the slice does not read alone.
fn inline_text(text: &str, spans: &SpanTable, pointer: &str, value: &Value) -> String {
    let span = spans.value_span(pointer);
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = " ".repeat(text[line_start..span.start].chars().count());
    let slice = format!("{indent}{}", &text[span.start..span.end]);
    let (read, _) = crate::parse_text(&slice, &mut Sink::default());
    if read.as_ref() == Some(value) {
        slice
    } else {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }
}

/// What intrinsic functions stand for, from the template's parameters and resources.
struct Context<'t> {
    template: &'t Value,
}

impl Context<'_> {
    /// A DefinitionString: a string, `Fn::Sub` (its variables become substitutions) or
    /// `Fn::Join` (its references become `${...}` placeholders).
    fn definition_string(
        &self,
        value: &Value,
        substitutions: &mut BTreeMap<String, String>,
    ) -> Result<String, String> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Object(map) if map.len() == 1 => {
                let Some((function, argument)) = map.iter().next() else {
                    return Err("The DefinitionString is empty.".into());
                };
                match (function.as_str(), argument) {
                    ("Fn::Sub", Value::String(s)) => {
                        self.implicit_substitutions(s, &Map::new(), substitutions);
                        Ok(s.clone())
                    }
                    ("Fn::Sub", Value::Array(parts)) => {
                        let text = parts
                            .first()
                            .and_then(Value::as_str)
                            .ok_or("Fn::Sub needs a string first.")?;
                        let vars = parts
                            .get(1)
                            .and_then(Value::as_object)
                            .cloned()
                            .unwrap_or_default();
                        for (name, value) in &vars {
                            substitutions.insert(name.clone(), self.value_of(value));
                        }
                        self.implicit_substitutions(text, &vars, substitutions);
                        Ok(text.to_owned())
                    }
                    ("Fn::Join", Value::Array(parts)) => {
                        let separator = parts.first().and_then(Value::as_str).unwrap_or("");
                        let items = parts
                            .get(1)
                            .and_then(Value::as_array)
                            .ok_or("Fn::Join needs a list.")?;
                        let mut pieces = Vec::new();
                        for item in items {
                            match item {
                                Value::String(s) => pieces.push(s.clone()),
                                other => {
                                    let name = placeholder_name(other);
                                    substitutions.insert(name.clone(), self.value_of(other));
                                    pieces.push(format!("${{{name}}}"));
                                }
                            }
                        }
                        Ok(pieces.join(separator))
                    }
                    _ => Err(format!(
                        "A DefinitionString made with {function} cannot be read here."
                    )),
                }
            }
            _ => Err("The DefinitionString is not a string.".into()),
        }
    }

    /// `${Name}` in an `Fn::Sub` string that its variables do not give: parameters,
    /// resources and pseudo parameters.
    fn implicit_substitutions(
        &self,
        text: &str,
        vars: &Map<String, Value>,
        out: &mut BTreeMap<String, String>,
    ) {
        for name in crate::substitution::placeholders(text) {
            if vars.contains_key(&name) || out.contains_key(&name) {
                continue;
            }
            let value = match name.split_once('.') {
                Some((resource, attribute)) => self.attribute(resource, attribute),
                None => self.reference(&name),
            };
            out.insert(name, value);
        }
    }

    /// A DefinitionSubstitutions value: text as it is, an intrinsic function as what it
    /// gives on AWS (a value of the right shape to run locally, and to edit).
    fn value_of(&self, value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            Value::Object(map) if map.len() == 1 => {
                let Some((function, argument)) = map.iter().next() else {
                    return value.to_string();
                };
                match (function.as_str(), argument) {
                    ("Ref", Value::String(name)) => self.reference(name),
                    ("Fn::GetAtt", Value::Array(parts)) => self.attribute(
                        parts.first().and_then(Value::as_str).unwrap_or(""),
                        parts.get(1).and_then(Value::as_str).unwrap_or(""),
                    ),
                    ("Fn::GetAtt", Value::String(both)) => {
                        let (resource, attribute) = both.split_once('.').unwrap_or((both, ""));
                        self.attribute(resource, attribute)
                    }
                    ("Fn::Sub", Value::String(s)) => s.clone(),
                    _ => value.to_string(),
                }
            }
            other => other.to_string(),
        }
    }

    fn resource_type(&self, name: &str) -> Option<&str> {
        self.template
            .get("Resources")?
            .get(name)?
            .get("Type")?
            .as_str()
    }

    /// What `Ref name` gives: a parameter's default, a pseudo parameter's local value, or
    /// what the resource type's Ref returns.
    fn reference(&self, name: &str) -> String {
        if let Some(default) = self
            .template
            .get("Parameters")
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("Default"))
        {
            return default
                .as_str()
                .map_or_else(|| default.to_string(), str::to_owned);
        }
        let pseudo = match name {
            "AWS::Region" => Some("us-east-1"),
            "AWS::AccountId" => Some("123456789012"),
            "AWS::Partition" => Some("aws"),
            "AWS::URLSuffix" => Some("amazonaws.com"),
            "AWS::StackName" => Some("stack"),
            _ => None,
        };
        if let Some(value) = pseudo {
            return value.to_owned();
        }
        match self.resource_type(name) {
            Some("AWS::SNS::Topic") => format!("arn:aws:sns:us-east-1:123456789012:{name}"),
            Some("AWS::SQS::Queue") => {
                format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}")
            }
            Some("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine") => {
                format!("arn:aws:states:us-east-1:123456789012:stateMachine:{name}")
            }
            Some("AWS::S3::Bucket") => name.to_lowercase(),
            _ => name.to_owned(),
        }
    }

    /// What `Fn::GetAtt resource.attribute` gives.
    fn attribute(&self, resource: &str, attribute: &str) -> String {
        let kind = self.resource_type(resource).unwrap_or("");
        match (kind, attribute) {
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                format!("arn:aws:lambda:us-east-1:123456789012:function:{resource}")
            }
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:us-east-1:123456789012:{resource}"),
            ("AWS::SQS::Queue", "QueueName") => resource.to_owned(),
            ("AWS::SNS::Topic", "TopicArn") => {
                format!("arn:aws:sns:us-east-1:123456789012:{resource}")
            }
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "Arn") => {
                format!("arn:aws:dynamodb:us-east-1:123456789012:table/{resource}")
            }
            ("AWS::Events::EventBus", "Arn") => {
                format!("arn:aws:events:us-east-1:123456789012:event-bus/{resource}")
            }
            ("AWS::Events::EventBus", "Name") => resource.to_owned(),
            _ => format!("{resource}.{attribute}"),
        }
    }
}

/// A `${...}` name for an intrinsic inside `Fn::Join`.
fn placeholder_name(value: &Value) -> String {
    if let Some(name) = value.get("Ref").and_then(Value::as_str) {
        return name.to_owned();
    }
    match value.get("Fn::GetAtt") {
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("."),
        Some(Value::String(s)) => s.clone(),
        _ => "Value".to_owned(),
    }
}

/// What the template gets wrong for deploying this state machine.
fn findings(
    template: &Value,
    id: &str,
    machine: &Value,
    properties: &Map<String, Value>,
    definition: &str,
    machine_type: MachineType,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let sam = machine.get("Type").and_then(Value::as_str) == Some("AWS::Serverless::StateMachine");
    let versioned = properties.contains_key("AutoPublishAlias")
        || template
            .get("Resources")
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.values().any(|res| {
                    res.get("Type").and_then(Value::as_str)
                        == Some("AWS::StepFunctions::StateMachineVersion")
                        && res
                            .pointer("/Properties/StateMachineArn/Ref")
                            .and_then(Value::as_str)
                            == Some(id)
                })
            });
    if !versioned {
        out.push((
            "TPL001",
            format!(
                "\"{id}\" is not versioned: every deployment replaces what runs. {}",
                if sam {
                    "Add AutoPublishAlias."
                } else {
                    "Add an AWS::StepFunctions::StateMachineVersion and a StateMachineAlias."
                }
            ),
        ));
    }
    let logging = properties.get(if sam {
        "Logging"
    } else {
        "LoggingConfiguration"
    });
    match logging {
        None => out.push(("TPL002", format!("\"{id}\" has no logging: failed executions leave no trace in CloudWatch Logs."))),
        Some(config) if config.get("Level").and_then(Value::as_str) == Some("OFF") => {
            out.push(("TPL002", format!("\"{id}\" has logging OFF.")))
        }
        Some(config) if config.get("IncludeExecutionData") != Some(&Value::Bool(true)) => {
            out.push(("TPL002", format!("\"{id}\" logs without execution data (IncludeExecutionData is not true): the logs will not show inputs and outputs.")))
        }
        _ => {}
    }
    let (parsed, _) = crate::parse_text(definition, &mut Sink::default());
    if machine_type == MachineType::Express {
        let mut patterns = Vec::new();
        resources_in(parsed.as_ref(), &mut patterns);
        if let Some(resource) = patterns
            .iter()
            .find(|r| r.contains(".sync") || r.ends_with(".waitForTaskToken"))
        {
            out.push(("TPL003", format!("\"{id}\" is EXPRESS but calls {resource}: AWS rejects .sync and .waitForTaskToken in EXPRESS state machines.")));
        }
    }
    let mut arns = Vec::new();
    hard_coded_arns(properties.get("DefinitionSubstitutions"), &mut arns);
    hard_coded_arns(properties.get("DefinitionString"), &mut arns);
    hard_coded_arns(parsed.as_ref(), &mut arns);
    for arn in arns {
        out.push(("TPL004", format!("\"{id}\" hard-codes {arn}: use !GetAtt or !Ref (or a parameter), so the template deploys to any account and region.")));
    }
    out
}

fn resources_in(value: Option<&Value>, out: &mut Vec<String>) {
    match value {
        Some(Value::Object(map)) => {
            if let Some(Value::String(r)) = map.get("Resource") {
                out.push(r.clone());
            }
            map.values().for_each(|v| resources_in(Some(v), out));
        }
        Some(Value::Array(items)) => items.iter().for_each(|v| resources_in(Some(v), out)),
        _ => {}
    }
}

/// ARNs with an account id in them (service integration ARNs like `arn:aws:states:::...`
/// have none and are fine).
fn hard_coded_arns(value: Option<&Value>, out: &mut Vec<String>) {
    match value {
        Some(Value::String(s)) if s.starts_with("arn:") && has_account(s) && !out.contains(s) => {
            out.push(s.clone());
        }
        Some(Value::Object(map)) => map.values().for_each(|v| hard_coded_arns(Some(v), out)),
        Some(Value::Array(items)) => items.iter().for_each(|v| hard_coded_arns(Some(v), out)),
        _ => {}
    }
}

/// Does this ARN name a 12-digit account?
pub(crate) fn has_account(arn: &str) -> bool {
    arn.split(':')
        .nth(4)
        .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(path: &str) -> Result<String, String> {
        Err(format!("no file {path}"))
    }

    const SAM: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  Validate:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler, Runtime: python3.12, CodeUri: src/}
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Check
        States:
          Check:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: ${ValidateArn}
              Payload.$: $
            End: true
      DefinitionSubstitutions:
        ValidateArn: !GetAtt Validate.Arn
        Stage: !Ref Stage
";

    #[test]
    fn an_inline_yaml_definition_comes_out_as_the_template_wrote_it() {
        let imported = import(SAM, None, &no_files).unwrap();
        assert_eq!(imported.resource, "Orders");
        assert_eq!(imported.machine_type, MachineType::Express);
        assert!(
            imported
                .definition
                .starts_with("        StartAt: Check\n        States:"),
            "{}",
            imported.definition
        );
        let machine = crate::load(&imported.definition, &Default::default())
            .machine
            .expect("it loads");
        assert_eq!(machine.states.states[0].name, "Check");
        assert_eq!(
            imported.substitutions["ValidateArn"],
            "arn:aws:lambda:us-east-1:123456789012:function:Validate"
        );
        assert_eq!(imported.substitutions["Stage"], "prod");
        let codes: Vec<&str> = imported.findings.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, ["TPL001", "TPL002"]);
    }

    #[test]
    fn definition_strings_with_sub_and_join_and_files_are_read() {
        let sub = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": {"Fn::Sub": ["{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"${Fn}\",\"End\":true}}}", {"Fn": "arn:aws:lambda:us-east-1:111122223333:function:f"}]},
            "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": true}}},
            "V": {"Type": "AWS::StepFunctions::StateMachineVersion", "Properties": {"StateMachineArn": {"Ref": "M"}}}}}"#;
        let imported = import(sub, None, &no_files).unwrap();
        assert_eq!(
            imported.substitutions["Fn"],
            "arn:aws:lambda:us-east-1:111122223333:function:f"
        );
        assert_eq!(imported.findings, [("TPL004", "\"M\" hard-codes arn:aws:lambda:us-east-1:111122223333:function:f: use !GetAtt or !Ref (or a parameter), so the template deploys to any account and region.".to_owned())]);
        let join = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Join ['', ['{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"', !GetAtt F.Arn, '\",\"End\":true}}}']]\n  F:\n    Type: AWS::Lambda::Function\n";
        let imported = import(join, None, &no_files).unwrap();
        assert!(
            imported.definition.contains("\"Resource\":\"${F.Arn}\""),
            "{}",
            imported.definition
        );
        assert_eq!(
            imported.substitutions["F.Arn"],
            "arn:aws:lambda:us-east-1:123456789012:function:F"
        );
        let uri = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/m.asl.json\n";
        let imported = import(uri, None, &|path| Ok(format!("read {path}"))).unwrap();
        assert_eq!(imported.definition, "read statemachine/m.asl.json");
    }

    #[test]
    fn the_state_machine_to_read_is_named_when_there_are_several_or_none() {
        let two = "Resources:\n  A: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {}}}\n  B: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {}}}\n";
        assert_eq!(
            import(two, None, &no_files).unwrap_err(),
            "The template has several state machines: A, B. Choose one with --resource."
        );
        assert_eq!(
            import(two, Some("C"), &no_files).unwrap_err(),
            "The template has no state machine \"C\"; it has: A, B."
        );
        assert!(import(two, Some("B"), &no_files).is_ok());
        assert!(is_template(two) && !is_template("StartAt: A\nStates: {}\n"));
    }
}
