//! A corpus of definitions: each invalid one must report its code where the offending text
//! starts, and each valid one must load without errors. The invalid ones are one state "A"
//! (plus a "Done" state to go to) unless they need a whole machine.

use stepwise_asl::{load, LineIndex, LoadOptions};

/// A machine whose state "A" is `state`, next to `"Done": {"Type": "Succeed"}`.
fn machine(state: &str) -> String {
    format!(r#"{{"StartAt": "A", "States": {{"A": {state}, "Done": {{"Type": "Succeed"}}}}}}"#)
}

/// The same, with JSONata as the machine's query language.
fn jsonata_machine(state: &str) -> String {
    format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {state}, "Done": {{"Type": "Succeed"}}}}}}"#
    )
}

/// Problems with a state as a whole are reported at its name.
const NAME: &str = "\"A\": {";

/// A distributed Map state "A" with `fields` added.
fn distributed(fields: &str) -> String {
    format!(
        r#"{{"Type": "Map", {fields}, "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED"}}, "StartAt": "X", "States": {{"X": {{"Type": "Succeed"}}}}}}, "End": true}}"#
    )
}

const TASK: &str = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke""#;

/// (code, state "A", marker where the diagnostic starts)
fn invalid_states() -> Vec<(&'static str, String, &'static str)> {
    let t = |rest: &str| format!("{{{TASK}, {rest}}}");
    vec![
        // Types and transitions.
        ("ASL016", r#"{"Type": "Lambda", "End": true}"#.into(), "\"Lambda\""),
        ("ASL011", r#"{"Type": 3, "End": true}"#.into(), "3,"),
        ("ASL010", r#"{"End": true}"#.into(), NAME),
        ("ASL011", r#"{"Type": "Pass", "End": "yes"}"#.into(), "\"yes\""),
        ("ASL011", r#"{"Type": "Pass", "Next": 7}"#.into(), "7}"),
        ("ASL021", r#"{"Type": "Pass", "Next": "Nowhere"}"#.into(), "\"Nowhere\""),
        ("ASL021", r#"{"Type": "Pass", "Next": "done"}"#.into(), "\"done\""),
        ("ASL022", r#"{"Type": "Pass", "Next": "Done", "End": true}"#.into(), "true"),
        ("ASL022", r#"{"Type": "Task", "Resource": "arn:aws:states:::sns:publish"}"#.into(), NAME),
        ("ASL022", r#"{"Type": "Wait", "Seconds": 1}"#.into(), NAME),
        ("ASL012", r#"{"Type": "Succeed", "End": true}"#.into(), "\"End\""),
        ("ASL012", r#"{"Type": "Fail", "Next": "Done"}"#.into(), "\"Next\""),
        ("ASL012", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Done"}], "End": true}"#.into(), "\"End\""),
        ("ASL012", r#"{"Type": "Pass", "Resource": "x", "End": true}"#.into(), "\"Resource\""),
        ("ASL012", r#"{"Type": "Wait", "Seconds": 1, "Retry": [], "End": true}"#.into(), "\"Retry\""),
        ("ASL012", r#"{"Type": "Pass", "Catch": [], "End": true}"#.into(), "\"Catch\""),
        ("ASL012", r#"{"Type": "Succeed", "ResultPath": "$.x"}"#.into(), "\"ResultPath\""),
        ("ASL012", r#"{"Type": "Fail", "InputPath": "$"}"#.into(), "\"InputPath\""),
        ("ASL012", r#"{"Type": "Pass", "Seconds": 3, "End": true}"#.into(), "\"Seconds\""),
        ("ASL012", r#"{"Type": "Pass", "Branches": [], "End": true}"#.into(), "\"Branches\""),
        ("ASL012", t(r#""Default": "Done", "End": true"#), "\"Default\""),
        ("ASL012", t(r#""Result": 1, "End": true"#), "\"Result\""),
        ("ASL012", r#"{"Type": "Pass", "TimeoutSeconds": 3, "End": true}"#.into(), "\"TimeoutSeconds\""),
        ("ASL012", r#"{"Type": "Pass", "ResultSelector": {}, "End": true}"#.into(), "\"ResultSelector\""),
        ("ASL012", r#"{"Type": "Wait", "Seconds": 1, "Parameters": {}, "End": true}"#.into(), "\"Parameters\""),
        ("ASL012", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Done"}], "ResultPath": "$.y"}"#.into(), "\"ResultPath\""),
        // Query languages.
        ("ASL013", jsonata_machine(r#"{"Type": "Pass", "Parameters": {}, "End": true}"#), "\"Parameters\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Pass", "OutputPath": "$", "End": true}"#), "\"OutputPath\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Pass", "ResultPath": "$.r", "End": true}"#), "\"ResultPath\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Pass", "Result": 1, "End": true}"#), "\"Result\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Wait", "SecondsPath": "$.s", "End": true}"#), "\"SecondsPath\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Fail", "ErrorPath": "$.e"}"#), "\"ErrorPath\""),
        ("ASL013", t(r#""Arguments": {}, "End": true"#), "\"Arguments\""),
        ("ASL013", r#"{"Type": "Pass", "Output": "x", "End": true}"#.into(), "\"Output\""),
        ("ASL013", r#"{"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "$", "End": true}"#.into(), "\"InputPath\""),
        ("ASL017", r#"{"Type": "Pass", "QueryLanguage": "jsonata", "End": true}"#.into(), "\"jsonata\""),
        ("ASL017", r#"{"Type": "Pass", "QueryLanguage": "XPath", "End": true}"#.into(), "\"XPath\""),
        // Paths.
        ("ASL030", r#"{"Type": "Pass", "InputPath": "x", "End": true}"#.into(), "\"x\""),
        ("ASL030", r#"{"Type": "Pass", "OutputPath": "$..[", "End": true}"#.into(), "\"$..[\""),
        ("ASL030", r#"{"Type": "Pass", "InputPath": "$.a[?(", "End": true}"#.into(), "\"$.a[?(\""),
        ("ASL031", r#"{"Type": "Pass", "ResultPath": "$..a", "End": true}"#.into(), "\"$..a\""),
        ("ASL031", r#"{"Type": "Pass", "ResultPath": "$.a[?(@.x)]", "End": true}"#.into(), "\"$.a[?(@.x)]\""),
        ("ASL031", t(r#""ResultPath": "$.a[1:2]", "End": true"#), "\"$.a[1:2]\""),
        ("ASL031", r#"{"Type": "Pass", "ResultPath": "$$.Execution", "End": true}"#.into(), "\"$$.Execution\""),
        ("ASL011", r#"{"Type": "Pass", "InputPath": 5, "End": true}"#.into(), "5,"),
        ("ASL011", r#"{"Type": "Pass", "ResultPath": ["$"], "End": true}"#.into(), "\"ResultPath\""),
        ("ASL031", r#"{"Type": "Wait", "SecondsPath": "secs", "End": true}"#.into(), "\"secs\""),
        ("ASL031", r#"{"Type": "Wait", "TimestampPath": "$.[", "End": true}"#.into(), "\"$.[\""),
        ("ASL031", t(r#""TimeoutSecondsPath": "nope", "End": true"#), "\"nope\""),
        // Templates and intrinsics.
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"x.$": "States.Format("}, "End": true}"#.into(), "\"States.Format(\""),
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"x.$": "States.Array(1,"}, "End": true}"#.into(), "\"States.Array(1,\""),
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"x.$": "States.Hash($.a)"}, "End": true}"#.into(), "\"States.Hash($.a)\""),
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"x.$": "States.UUID(1)"}, "End": true}"#.into(), "\"States.UUID(1)\""),
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"x.$": "States.MathAdd(1)"}, "End": true}"#.into(), "\"States.MathAdd(1)\""),
        ("ASL030", r#"{"Type": "Pass", "Parameters": {"x.$": "Math.Add(1, 2)"}, "End": true}"#.into(), "\"Math.Add(1, 2)\""),
        ("ASL032", r#"{"Type": "Pass", "Parameters": {"nested": {"x.$": "States.StringToJson()"}}, "End": true}"#.into(), "\"States.StringToJson()\""),
        ("ASL033", r#"{"Type": "Pass", "Parameters": {"x.$": true}, "End": true}"#.into(), "true}"),
        ("ASL033", r#"{"Type": "Pass", "Parameters": {"x.$": {"a": 1}}, "End": true}"#.into(), "\"x.$\""),
        ("ASL033", t(r#""ResultSelector": {"x.$": 1}, "End": true"#), "1}"),
        ("ASL030", t(r#""ResultSelector": {"x.$": "Payload"}, "End": true"#), "\"Payload\""),
        ("ASL032", r#"{"Type": "Pass", "Assign": {"v.$": "States.Nope()"}, "End": true}"#.into(), "\"States.Nope()\""),
        ("ASL015", r#"{"Type": "Pass", "Assign": {"my var": 1}, "End": true}"#.into(), "1}"),
        ("ASL015", r#"{"Type": "Pass", "Assign": {"1st": 2}, "End": true}"#.into(), "2}"),
        // JSONata expressions.
        ("ASL034", jsonata_machine(r#"{"Type": "Pass", "Output": "{% 1 + %}", "End": true}"#), "\"{% 1 + %}\""),
        ("ASL034", jsonata_machine(r#"{"Type": "Pass", "Output": {"a": "{% $x[ %}"}, "End": true}"#), "\"{% $x[ %}\""),
        ("ASL034", jsonata_machine(r#"{"Type": "Pass", "Assign": {"v": "{% ) %}"}, "End": true}"#), "\"{% ) %}\""),
        ("ASL034", jsonata_machine(r#"{"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x = %}", "Next": "Done"}]}"#), "\"{% $states"),
        ("ASL034", jsonata_machine(r#"{"Type": "Wait", "Seconds": "{% 'a' & %}", "End": true}"#), "\"{% 'a'"),
        ("ASL034", jsonata_machine(&t(r#""Arguments": {"p": "{% $states.input.( %}"}, "End": true"#)), "\"{% $states"),
        ("ASL034", jsonata_machine(r#"{"Type": "Fail", "Error": "{% $uppercase( %}"}"#), "\"{% $uppercase"),
        // Task fields.
        ("ASL010", r#"{"Type": "Task", "End": true}"#.into(), NAME),
        ("ASL011", r#"{"Type": "Task", "Resource": 42, "End": true}"#.into(), "42"),
        ("ASL015", t(r#""TimeoutSeconds": 0, "End": true"#), "0,"),
        ("ASL011", t(r#""TimeoutSeconds": -5, "End": true"#), "-5"),
        ("ASL015", t(r#""HeartbeatSeconds": 0, "End": true"#), "0,"),
        ("ASL011", t(r#""TimeoutSeconds": "60", "End": true"#), "\"60\""),
        ("ASL014", t(r#""TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true"#), "\"$.t\""),
        ("ASL014", t(r#""HeartbeatSeconds": 5, "HeartbeatSecondsPath": "$.h", "End": true"#), "\"$.h\""),
        ("ASL015", t(r#""TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": true"#), "10, \"End\""),
        // Retry.
        ("ASL011", t(r#""Retry": {}, "End": true"#), "\"Retry\""),
        ("ASL010", t(r#""Retry": [{"MaxAttempts": 2}], "End": true"#), "{\"MaxAttempts\""),
        ("ASL011", t(r#""Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}], "End": true"#), "-1"),
        ("ASL015", t(r#""Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}], "End": true"#), "0}"),
        ("ASL015", t(r#""Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.9}], "End": true"#), "0.9"),
        ("ASL015", t(r#""Retry": [{"ErrorEquals": ["X"], "MaxDelaySeconds": 0}], "End": true"#), "0}"),
        ("ASL017", t(r#""Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}], "End": true"#), "\"HALF\""),
        ("ASL012", t(r#""Retry": [{"ErrorEquals": ["X"], "Next": "Done"}], "End": true"#), "\"Next\""),
        ("ASL011", t(r#""Retry": [{"ErrorEquals": "X"}], "End": true"#), "\"X\"}"),
        ("ASL040", t(r#""Retry": [{"ErrorEquals": ["States.ALL", "X"]}], "End": true"#), "\"ErrorEquals\""),
        ("ASL040", t(r#""Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["States.Timeout"]}], "End": true"#), "\"ErrorEquals\": [\"States.ALL\"]"),
        ("ASL041", t(r#""Retry": [{"ErrorEquals": []}], "End": true"#), "\"ErrorEquals\": []"),
        // Catch.
        ("ASL010", t(r#""Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true"#), "{\"ErrorEquals\""),
        ("ASL021", t(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}], "End": true"#), "\"Recover\""),
        ("ASL040", t(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}, {"ErrorEquals": ["X"], "Next": "Done"}], "End": true"#), "\"ErrorEquals\": [\"States.ALL\"]"),
        ("ASL031", t(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.e[*]"}], "End": true"#), "\"$.e[*]\""),
        ("ASL012", t(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "MaxAttempts": 1}], "End": true"#), "\"MaxAttempts\""),
        ("ASL012", t(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "Output": {}}], "End": true"#), "\"Output\""),
        // Wait.
        ("ASL014", r#"{"Type": "Wait", "End": true}"#.into(), NAME),
        ("ASL014", r#"{"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}"#.into(), NAME),
        ("ASL014", r#"{"Type": "Wait", "TimestampPath": "$.t", "SecondsPath": "$.s", "End": true}"#.into(), NAME),
        ("ASL011", r#"{"Type": "Wait", "Seconds": -1, "End": true}"#.into(), "-1"),
        ("ASL011", r#"{"Type": "Wait", "Seconds": "10", "End": true}"#.into(), "\"10\""),
        ("ASL054", r#"{"Type": "Wait", "Timestamp": "2026-13-01T00:00:00Z", "End": true}"#.into(), "\"2026-13-01"),
        ("ASL054", r#"{"Type": "Wait", "Timestamp": "2026-01-01 00:00:00", "End": true}"#.into(), "\"2026-01-01 00"),
        ("ASL054", r#"{"Type": "Wait", "Timestamp": "2026-01-01T00:00:00", "End": true}"#.into(), "\"2026-01-01T00:00:00\""),
        // Fail.
        ("ASL014", r#"{"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}"#.into(), "\"$.e\""),
        ("ASL014", r#"{"Type": "Fail", "Cause": "C", "CausePath": "$.c"}"#.into(), "\"$.c\""),
        ("ASL011", r#"{"Type": "Fail", "Error": 500}"#.into(), "500"),
        ("ASL030", r#"{"Type": "Fail", "CausePath": "cause"}"#.into(), "\"cause\""),
        // Choice.
        ("ASL010", r#"{"Type": "Choice"}"#.into(), NAME),
        ("ASL053", r#"{"Type": "Choice", "Choices": [], "Default": "Done"}"#.into(), "\"Choices\": []"),
        ("ASL021", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Elsewhere"}]}"#.into(), "\"Elsewhere\""),
        ("ASL021", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Done"}], "Default": "Other"}"#.into(), "\"Other\""),
        ("ASL052", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true}]}"#.into(), "{\"Variable\""),
        ("ASL050", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "IsString": true, "Next": "Done"}]}"#.into(), "{\"Variable\""),
        ("ASL010", r#"{"Type": "Choice", "Choices": [{"StringEquals": "a", "Next": "Done"}]}"#.into(), "{\"StringEquals\""),
        ("ASL055", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": 1, "Next": "Done"}]}"#.into(), "1, \"Next\""),
        ("ASL055", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": "true", "Next": "Done"}]}"#.into(), "\"true\""),
        ("ASL055", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": 1, "Next": "Done"}]}"#.into(), "1, \"Next\""),
        ("ASL055", r#"{"Type": "Choice", "Choices": [{"Variable": "$.t", "TimestampEquals": "noon", "Next": "Done"}]}"#.into(), "\"noon\""),
        ("ASL030", r#"{"Type": "Choice", "Choices": [{"Variable": "x", "IsNull": true, "Next": "Done"}]}"#.into(), "\"x\""),
        ("ASL030", r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEqualsPath": "y", "Next": "Done"}]}"#.into(), "\"y\""),
        ("ASL051", r#"{"Type": "Choice", "Choices": [{"And": [{"Variable": "$.x", "IsNull": true, "Next": "Done"}], "Next": "Done"}]}"#.into(), "\"Done\"}], \"Next\""),
        ("ASL011", r#"{"Type": "Choice", "Choices": [{"And": {"Variable": "$.x", "IsNull": true}, "Next": "Done"}]}"#.into(), "\"And\""),
        ("ASL012", r#"{"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "Done"}]}"#.into(), "\"Condition\""),
        ("ASL012", jsonata_machine(r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Done"}]}"#), "\"Variable\""),
        // Parallel.
        ("ASL010", r#"{"Type": "Parallel", "End": true}"#.into(), NAME),
        ("ASL011", r#"{"Type": "Parallel", "Branches": {}, "End": true}"#.into(), "\"Branches\""),
        ("ASL020", r#"{"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"Y": {"Type": "Succeed"}}}], "End": true}"#.into(), "\"X\""),
        ("ASL021", r#"{"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Done"}}}], "End": true}"#.into(), "\"Done\"}}}"),
        ("ASL010", r#"{"Type": "Parallel", "Branches": [{"States": {"X": {"Type": "Succeed"}}}], "End": true}"#.into(), "{\"States\""),
        ("ASL016", r#"{"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Sleep", "End": true}}}], "End": true}"#.into(), "\"Sleep\""),
        // Map.
        ("ASL010", r#"{"Type": "Map", "End": true}"#.into(), NAME),
        ("ASL014", r#"{"Type": "Map", "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"Iterator\""),
        ("ASL011", r#"{"Type": "Map", "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "-1"),
        ("ASL015", r#"{"Type": "Map", "ToleratedFailurePercentage": 101, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "101"),
        ("ASL015", r#"{"Type": "Map", "Label": "has space", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"has space\""),
        ("ASL031", r#"{"Type": "Map", "ItemsPath": "$.a[*]", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"$.a[*]\""),
        ("ASL014", r#"{"Type": "Map", "QueryLanguage": "JSONata", "Items": [1], "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"ItemReader\""),
        ("ASL010", r#"{"Type": "Map", "ItemReader": {"ReaderConfig": {}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"ItemReader\""),
        ("ASL021", r#"{"Type": "Map", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "A"}}}, "End": true}"#.into(), "\"A\"}}}"),
        ("ASL017", distributed(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"}}"#), "\"XML\""),
        ("ASL017", distributed(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "DASH"}}"#), "\"DASH\""),
        ("ASL010", distributed(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}}"#), "\"ReaderConfig\""),
        ("ASL015", distributed(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItems": 100000001}}"#), "100000001}"),
        ("ASL012", distributed(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Bucket": "b"}"#), "\"Bucket\""),
        ("ASL015", distributed(r#""ItemBatcher": {"MaxItemsPerBatch": 0}"#), "0}"),
        ("ASL015", distributed(r#""ItemBatcher": {"MaxInputBytesPerBatch": 300000}"#), "300000"),
        ("ASL012", distributed(r#""ItemBatcher": {"BatchSize": 10}"#), "\"BatchSize\""),
        ("ASL031", distributed(r#""ItemBatcher": {"MaxItemsPerBatchPath": "$.n[*]"}"#), "\"$.n[*]\""),
        ("ASL020", r#"{"Type": "Map", "ItemProcessor": {"StartAt": "Y", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"Y\""),
        ("ASL013", jsonata_machine(r#"{"Type": "Map", "ItemsPath": "$.a", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#), "\"ItemsPath\""),
        ("ASL013", r#"{"Type": "Map", "Items": [1], "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#.into(), "\"Items\""),
    ]
}

/// Whole machines with a problem at the top level.
fn invalid_machines() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("ASL001", "{".into(), ""),
        ("ASL011", "[1, 2]".into(), "[1, 2]"),
        ("ASL001", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed",}}}"#.into(), ",}"),
        ("ASL001", "{\"StartAt\": 'A'}".into(), "'A'"),
        ("ASL001", "// comment\n{}".into(), "//"),
        ("ASL002", r#"{"StartAt": "A", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#.into(), "\"StartAt\": \"A\", \"States\""),
        ("ASL010", r#"{"StartAt": "A"}"#.into(), "{"),
        ("ASL011", r#"{"StartAt": "A", "States": []}"#.into(), "\"States\""),
        ("ASL011", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Comment": 5}"#.into(), "5}"),
        ("ASL011", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "TimeoutSeconds": "60"}"#.into(), "\"60\""),
        ("ASL015", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "TimeoutSeconds": 0}"#.into(), "0}"),
        ("ASL017", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Version": "2.0"}"#.into(), "\"2.0\""),
        ("ASL020", r#"{"StartAt": "", "States": {"A": {"Type": "Succeed"}}}"#.into(), "\"\""),
        ("ASL024", r#"{"StartAt": "", "States": {"": {"Type": "Succeed"}}}"#.into(), "\"\": {"),
        ("ASL011", r#"{"StartAt": "A", "States": {"A": "Succeed"}}"#.into(), "\"Succeed\""),
        (
            "ASL025",
            r#"{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}, "M": {"Type": "Map", "ItemProcessor": {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}, "End": true}}}"#.into(),
            "\"Done\": {\"Type\": \"Succeed\"}}}, \"End\"",
        ),
        ("ASL001", r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 0x10, "End": true}}}"#.into(), "x10"),
        ("ASL001", "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}\n{}".into(), "{}"),
        ("ASL021", "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"B\"\n    }\n  }\n}".into(), "\"B\""),
    ]
}

fn check(code: &str, text: &str, marker: &str, wrong: &mut Vec<String>) {
    let loaded = load(text, &LoadOptions::default());
    if loaded.machine.is_some() {
        wrong.push(format!("{code}: accepted although invalid: {text}"));
        return;
    }
    let Some(found) = loaded.errors().find(|d| d.code == code) else {
        let got: Vec<_> = loaded
            .errors()
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        wrong.push(format!("{code}: not reported for {text}; got {got:?}"));
        return;
    };
    let Some(offset) = text.find(marker) else {
        wrong.push(format!("{code}: marker {marker:?} is not in {text}"));
        return;
    };
    let expected = LineIndex::new(text).position(text, offset);
    if found.start != expected {
        wrong.push(format!(
            "{code} ({}) at {}:{}, expected {}:{} (at {marker:?}) in {text}",
            found.message, found.start.line, found.start.column, expected.line, expected.column
        ));
    }
}

#[test]
fn every_invalid_definition_reports_its_code_at_its_line_and_column() {
    let mut wrong = Vec::new();
    let mut count = 0;
    for (code, state, marker) in invalid_states() {
        let text = if state.starts_with("{\"QueryLanguage\"") {
            state
        } else {
            machine(&state)
        };
        check(code, &text, marker, &mut wrong);
        count += 1;
    }
    for (code, text, marker) in invalid_machines() {
        check(code, &text, marker, &mut wrong);
        count += 1;
    }
    assert!(count >= 150, "the corpus has {count} invalid definitions");
    assert!(
        wrong.is_empty(),
        "{} of {count} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_examples_and_conformance_definitions_are_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut checked = 0;
    for dir in ["public/examples", "tests/conformance/docs"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the folder exists") {
            let path = entry.expect("readable").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("readable");
            let definition = if name.ends_with(".asl.json") {
                text
            } else if dir.starts_with("tests") {
                let case: serde_json::Value = serde_json::from_str(&text).expect("a case is JSON");
                serde_json::to_string_pretty(&case["definition"]).unwrap()
            } else {
                continue;
            };
            let loaded = load(&definition, &LoadOptions::default());
            let errors: Vec<_> = loaded
                .errors()
                .map(|d| (d.code, d.message.clone()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} valid definitions found");
}
