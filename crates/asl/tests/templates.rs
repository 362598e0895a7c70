//! Templates: a definition exported as SAM or CloudFormation and imported back (from the
//! YAML written, and from the same template as JSON) is the same definition, with no
//! account or region left in it.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};
use stepwise_asl::template::{export, import, Flavour};
use stepwise_asl::{load, parse_text, LoadOptions, MachineType};

fn definition() -> Value {
    json!({
        "Comment": "Orders",
        "StartAt": "Validate",
        "States": {
            "Validate": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:validate-order", "Next": "Notify"},
            "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": "arn:aws:sns:eu-west-1:111122223333:orders", "Message.$": "$.id"}, "Next": "Queue"},
            "Queue": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs", "MessageBody.$": "$"}, "Next": "Save"},
            "Save": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "Orders", "Item": {"id": {"S.$": "$.id"}}}, "End": true}
        }
    })
}

/// The definition a template gives, with its substitutions applied.
fn resolved(text: &str, substitutions: &BTreeMap<String, String>) -> Value {
    let options = LoadOptions {
        substitutions: substitutions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<HashMap<_, _>>(),
        ..LoadOptions::default()
    };
    let loaded = load(text, &options);
    assert!(loaded.errors().next().is_none(), "{:?}", loaded.diagnostics);
    loaded.json.expect("parsed")
}

fn as_json(yaml: &str) -> String {
    let (value, _) = parse_text(yaml, &mut Default::default());
    serde_json::to_string_pretty(&value.expect("the template reads")).unwrap()
}

#[test]
fn exported_templates_import_back_to_the_same_definition_in_yaml_and_json() {
    let text = serde_json::to_string_pretty(&definition()).unwrap();
    for flavour in [Flavour::Sam, Flavour::Cfn] {
        let exported = export(
            &text,
            flavour,
            MachineType::Standard,
            &BTreeMap::new(),
            None,
        )
        .expect("exports");
        for template in [exported.template.clone(), as_json(&exported.template)] {
            let imported = import(&template, None, &|p| Err(p.to_owned())).expect("imports");
            assert!(
                !imported.definition.contains("111122223333"),
                "{flavour:?}: an account id is left in {}",
                imported.definition
            );
            assert_eq!(
                resolved(&imported.definition, &imported.substitutions),
                definition(),
                "{flavour:?}"
            );
            assert_eq!(
                imported.findings,
                [],
                "{flavour:?}: the exported template has no findings"
            );
        }
    }
}

#[test]
fn a_definition_file_beside_the_template_reads_back_too() {
    let text = serde_json::to_string_pretty(&definition()).unwrap();
    for (flavour, key) in [
        (Flavour::Sam, "DefinitionUri"),
        (Flavour::Cfn, "DefinitionS3Location"),
    ] {
        let exported = export(
            &text,
            flavour,
            MachineType::Express,
            &BTreeMap::new(),
            Some("statemachine/orders.asl.json"),
        )
        .unwrap();
        assert!(
            exported
                .template
                .contains(&format!("{key}: statemachine/orders.asl.json")),
            "{}",
            exported.template
        );
        let (path, file) = exported.definition_file.clone().expect("a definition file");
        let imported = import(&exported.template, None, &|p| {
            if p == path {
                Ok(file.clone())
            } else {
                Err(p.to_owned())
            }
        })
        .expect("imports");
        assert_eq!(imported.machine_type, MachineType::Express);
        assert_eq!(
            resolved(&imported.definition, &imported.substitutions),
            definition()
        );
    }
}

#[test]
fn placeholders_already_in_the_definition_become_parameters_with_the_values_given() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "${ValidateOrderFunction}", "Payload.$": "$"}, "End": true}}}"#;
    let values = BTreeMap::from([(
        "ValidateOrderFunction".to_owned(),
        "arn:aws:lambda:us-east-1:123456789012:function:v".to_owned(),
    )]);
    let exported = export(text, Flavour::Sam, MachineType::Standard, &values, None).unwrap();
    let (template, _) = parse_text(&exported.template, &mut Default::default());
    let template = template.unwrap();
    assert_eq!(
        template["Parameters"]["ValidateOrderFunction"]["Default"],
        "arn:aws:lambda:us-east-1:123456789012:function:v"
    );
    let policies = &template["Resources"]["StateMachine"]["Properties"]["Policies"];
    assert_eq!(
        policies[0]["LambdaInvokePolicy"]["FunctionName"],
        json!({"Fn::Select": [6, {"Fn::Split": [":", {"Ref": "ValidateOrderFunction"}]}]})
    );
    assert_eq!(
        template["Resources"]["StateMachine"]["Properties"]["AutoPublishAlias"],
        "live"
    );
    assert_eq!(
        template["Resources"]["StateMachine"]["Properties"]["Logging"]["Level"],
        "ALL"
    );
    let broken = export(
        "{",
        Flavour::Sam,
        MachineType::Standard,
        &BTreeMap::new(),
        None,
    )
    .unwrap_err();
    assert!(broken.contains("has errors"), "{broken}");
}

#[test]
fn placeholders_in_keys_export_and_read_back_as_the_same_machine() {
    let text = r#"{"StartAt": "Process${Env}", "States": {
        "Process${Env}": {"Type": "Pass", "Parameters": {"${Field}.$": "$.id"}, "Next": "Done${Env}"},
        "Done${Env}": {"Type": "Succeed"}}}"#;
    let values = BTreeMap::from([
        ("Env".to_owned(), "prod".to_owned()),
        ("Field".to_owned(), "orderId".to_owned()),
    ]);
    let expected = json!({"StartAt": "Processprod", "States": {
        "Processprod": {"Type": "Pass", "Parameters": {"orderId.$": "$.id"}, "Next": "Doneprod"},
        "Doneprod": {"Type": "Succeed"}}});
    assert_eq!(resolved(text, &values), expected);
    for flavour in [Flavour::Sam, Flavour::Cfn] {
        let exported = export(text, flavour, MachineType::Standard, &values, None).unwrap();
        for template in [exported.template.clone(), as_json(&exported.template)] {
            let imported = import(&template, None, &|p| Err(p.to_owned())).expect("imports");
            assert_eq!(imported.substitutions, values, "{flavour:?}");
            assert_eq!(
                resolved(&imported.definition, &imported.substitutions),
                expected,
                "{flavour:?}"
            );
        }
    }
}
