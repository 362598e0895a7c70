//! One state: its common fields, its type's fields, Retry and Catch.

use serde_json::Value;

use super::fields::{parse_path, Obj};
use super::template::{self, jsonata_expression};
use super::{did_you_mean, Loader, MAX_STATE_NAME, MAX_VARIABLE_NAME};
use crate::model::*;

const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
    "Result",
    "Iterator",
];
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

/// Fields each state type accepts (in either query language; the language check is separate).
fn allowed_fields(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pass" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "Result",
            "ResultPath",
            "Assign",
            "Output",
        ],
        "Task" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "Resource",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Assign",
            "Arguments",
            "Output",
        ],
        "Choice" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Choices",
            "Default",
            "InputPath",
            "OutputPath",
            "Assign",
            "Output",
        ],
        "Wait" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
            "InputPath",
            "OutputPath",
            "Assign",
            "Output",
        ],
        "Succeed" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "Output",
        ],
        "Fail" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Error",
            "Cause",
            "ErrorPath",
            "CausePath",
        ],
        "Parallel" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "Branches",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Assign",
            "Arguments",
            "Output",
        ],
        "Map" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "Parameters",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
            "InputPath",
            "OutputPath",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Assign",
            "Output",
        ],
        _ => return None,
    })
}

const TYPES: &[&str] = &[
    "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

impl Loader<'_> {
    pub fn state(
        &mut self,
        name: &str,
        value: &Value,
        pointer: String,
        inherited: QueryLanguage,
        siblings: &[&str],
    ) -> Option<State> {
        self.check_name(name, &pointer);
        let obj = Obj::new(value, pointer, &format!("State \"{name}\""), self.sink)?;
        let type_name = obj.required_string("Type", self.sink)?;
        let Some(allowed) = allowed_fields(type_name) else {
            self.sink
                .error(
                    "ASL016",
                    obj.at("Type"),
                    format!("Unknown state type \"{type_name}\""),
                )
                .hint(format!("The state types are {}", TYPES.join(", ")));
            return None;
        };
        let language = self.query_language(&obj, inherited);
        let errors_before = self.sink.items.iter().filter(|d| d.is_error()).count();
        self.check_fields(&obj, type_name, allowed, language);

        let ctx = StateCtx {
            obj: &obj,
            language,
            siblings,
        };
        let transition = self.transition(&ctx, type_name);
        let mut state = State {
            name: name.to_owned(),
            pointer: obj.pointer.clone(),
            query_language: language,
            comment: obj.string("Comment", self.sink).map(str::to_owned),
            transition: transition.unwrap_or(Transition::End),
            input_path: self.selector(&obj, "InputPath"),
            output_path: self.selector(&obj, "OutputPath"),
            parameters: self.template(&ctx, "Parameters"),
            result_selector: self.template(&ctx, "ResultSelector"),
            result_path: self.result_path(&obj, "ResultPath"),
            arguments: self.template(&ctx, "Arguments"),
            output: self.template(&ctx, "Output"),
            assign: self.assign(&ctx, &obj),
            retry: self.retriers(&obj),
            catch: self.catchers(&ctx),
            kind: Kind::Succeed,
        };
        state.kind = match type_name {
            "Pass" => {
                if let Some(key) = obj.get("Result").and_then(template::first_dollar_key) {
                    self.sink.warning(
                        "ASL062",
                        obj.at("Result"),
                        format!("The value of '{key}' will not evaluate as a JSONPath or Intrinsic Function at runtime. Instead of 'Result', use 'Parameters' to evaluate it as a JSONPath or Intrinsic Function at runtime."),
                    );
                }
                Kind::Pass {
                    result: obj.get("Result").cloned(),
                }
            }
            "Task" => Kind::Task(self.task(&ctx)?),
            "Choice" => Kind::Choice(self.choice(&ctx)?),
            "Wait" => Kind::Wait(self.wait(&ctx)?),
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(self.fail(&ctx)),
            "Parallel" => Kind::Parallel {
                branches: self.branches(&ctx)?,
            },
            "Map" => Kind::Map(Box::new(self.map(&ctx, &mut state)?)),
            _ => unreachable!("type checked above"),
        };
        let errors_after = self.sink.items.iter().filter(|d| d.is_error()).count();
        (errors_after == errors_before).then_some(state)
    }

    fn check_name(&mut self, name: &str, pointer: &str) {
        if name.chars().count() > MAX_STATE_NAME {
            self.sink.error(
                "ASL024",
                pointer,
                format!("Invalid State name: State '{name}' exceeds the {MAX_STATE_NAME}-character limit allowed by the service"),
            );
        }
        if name.is_empty() {
            self.sink
                .error("ASL024", pointer, "State name must not be empty");
        }
        if let Some(first) = self.names.insert(name.to_owned(), pointer.to_owned()) {
            self.sink
                .error("ASL025", pointer, format!("Duplicate State name: {name}"))
                .hint(format!("It is already used at {first}; state names must be unique in the whole state machine, including branches and Map processors"));
        }
    }

    fn check_fields(
        &mut self,
        obj: &Obj,
        type_name: &str,
        allowed: &[&str],
        language: QueryLanguage,
    ) {
        for key in obj.map.keys() {
            let key = key.as_str();
            if !allowed.contains(&key) {
                self.sink.error(
                    "ASL012",
                    obj.at(key),
                    format!("Field \"{key}\" is not allowed in a {type_name} state"),
                );
            } else if language == QueryLanguage::Jsonata && JSONPATH_ONLY.contains(&key) {
                let hint = match key {
                    "Parameters" => "Use \"Arguments\"",
                    "InputPath" | "OutputPath" | "ResultPath" | "ResultSelector" | "Result" => {
                        "Use \"Output\" (and \"Assign\") with {% %} expressions"
                    }
                    "ItemsPath" => "Use \"Items\"",
                    "Iterator" => "Use \"ItemProcessor\"",
                    _ => "Use the field without \"Path\" and a {% %} expression",
                };
                self.sink
                    .error(
                        "ASL013",
                        obj.at(key),
                        format!("Field \"{key}\" is not allowed in a JSONata state"),
                    )
                    .hint(hint);
            } else if language == QueryLanguage::JsonPath && JSONATA_ONLY.contains(&key) {
                self.sink
                    .error(
                        "ASL013",
                        obj.at(key),
                        format!("Field \"{key}\" is only allowed in JSONata states"),
                    )
                    .hint("Set \"QueryLanguage\": \"JSONata\" on the state or the state machine");
            }
        }
    }

    fn transition(&mut self, ctx: &StateCtx, type_name: &str) -> Option<Transition> {
        let obj = ctx.obj;
        if matches!(type_name, "Choice" | "Succeed" | "Fail") {
            return Some(Transition::End);
        }
        let end = obj.bool("End", self.sink);
        match (obj.has("Next"), end) {
            (true, Some(true)) => {
                self.sink.error(
                    "ASL022",
                    obj.at("End"),
                    "A state cannot have both \"Next\" and \"End\": true",
                );
                None
            }
            (true, _) => self.target(ctx, "Next"),
            (false, Some(true)) => Some(Transition::End),
            (false, _) => {
                self.sink
                    .error(
                        "ASL022",
                        obj.pointer.clone(),
                        format!("A {type_name} state needs \"Next\" or \"End\": true"),
                    )
                    .hint("Add \"End\": true if this is the last state");
                None
            }
        }
    }

    /// Resolve the state name in `key` against the siblings of the current scope.
    fn target(&mut self, ctx: &StateCtx, key: &str) -> Option<Transition> {
        target_in(self, ctx.obj, key, ctx.siblings)
    }

    fn selector(&mut self, obj: &Obj, key: &str) -> Selector {
        match obj.get(key) {
            None => Selector::Whole,
            Some(Value::Null) => Selector::Discard,
            Some(_) => match obj.path(key, false, self.sink) {
                Some(path) if path.steps.is_empty() && path.root == crate::path::Root::Input => {
                    Selector::Whole
                }
                Some(path) => Selector::Path(path),
                None => Selector::Whole,
            },
        }
    }

    pub(crate) fn result_path(&mut self, obj: &Obj, key: &str) -> ResultPath {
        match obj.get(key) {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(_) => match obj.path(key, true, self.sink) {
                Some(path) if path.root != crate::path::Root::Input => {
                    self.sink.error(
                        "ASL031",
                        obj.at(key),
                        format!(
                            "\"{key}\" must start with \"$\": it points into the state's input"
                        ),
                    );
                    ResultPath::Replace
                }
                Some(path) if path.steps.is_empty() => ResultPath::Replace,
                Some(path) => ResultPath::Path(path),
                None => ResultPath::Replace,
            },
        }
    }

    fn template(&mut self, ctx: &StateCtx, key: &str) -> Option<Template> {
        let value = ctx.obj.get(key)?;
        Some(template::compile(
            value,
            &ctx.obj.at(key),
            ctx.language,
            self.sink,
        ))
    }

    /// `Assign` is an object of variable names in both query languages.
    pub(crate) fn assign(&mut self, ctx: &StateCtx, obj: &Obj) -> Option<Template> {
        let value = obj.get("Assign")?;
        let assign = Obj::new(value, obj.at("Assign"), "\"Assign\"", self.sink)?;
        for key in assign.map.keys() {
            let name = key.strip_suffix(".$").unwrap_or(key);
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !valid || name == "states" {
                self.sink.error("ASL015", assign.at(key), format!("\"{name}\" is not a valid variable name")).hint(
                    "Variable names start with a letter or '_', contain only letters, digits and '_', and \"states\" is reserved",
                );
            } else if name.chars().count() > MAX_VARIABLE_NAME {
                self.sink.error(
                    "ASL015",
                    assign.at(key),
                    format!("The variable name \"{name}\" is longer than {MAX_VARIABLE_NAME} characters"),
                );
            }
        }
        Some(template::compile(
            value,
            &assign.pointer,
            ctx.language,
            self.sink,
        ))
    }

    fn error_list(&mut self, obj: &Obj, what: &str) -> Vec<String> {
        let Some(items) = obj.array("ErrorEquals", self.sink) else {
            if !obj.has("ErrorEquals") {
                self.sink.error(
                    "ASL010",
                    obj.pointer.clone(),
                    format!("A {what} needs \"ErrorEquals\""),
                );
            }
            return Vec::new();
        };
        if items.is_empty() {
            self.sink.error(
                "ASL041",
                obj.at("ErrorEquals"),
                "\"ErrorEquals\" must name at least one error",
            );
        }
        let mut names = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(name) => names.push(name.to_owned()),
                None => {
                    self.sink.error(
                        "ASL011",
                        format!("{}/ErrorEquals/{i}", obj.pointer),
                        "Error names must be strings",
                    );
                }
            }
        }
        if names.iter().any(|n| n == "States.ALL") && names.len() > 1 {
            self.sink.error(
                "ASL040",
                obj.at("ErrorEquals"),
                "\"States.ALL\" must appear alone in \"ErrorEquals\"",
            );
        }
        names
    }

    fn handler_list<'a>(&mut self, obj: &'a Obj, key: &str) -> Vec<Obj<'a>> {
        let Some(items) = obj.array(key, self.sink) else {
            return Vec::new();
        };
        let list: Vec<Obj> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                Obj::new(
                    item,
                    format!("{}/{i}", obj.at(key)),
                    &format!("A {key} entry"),
                    self.sink,
                )
            })
            .collect();
        for (i, handler) in list.iter().enumerate() {
            let catches_all = handler
                .get("ErrorEquals")
                .and_then(Value::as_array)
                .is_some_and(|e| e.iter().any(|v| v == "States.ALL"));
            if catches_all && i + 1 != list.len() {
                self.sink.error(
                    "ASL040",
                    handler.at("ErrorEquals"),
                    format!("A {key} entry with \"States.ALL\" must be the last one"),
                );
            }
        }
        list
    }

    fn retriers(&mut self, obj: &Obj) -> Vec<Retrier> {
        let mut out = Vec::new();
        for retry in self.handler_list(obj, "Retry") {
            self.allow_only(
                &retry,
                &[
                    "ErrorEquals",
                    "IntervalSeconds",
                    "MaxAttempts",
                    "BackoffRate",
                    "MaxDelaySeconds",
                    "JitterStrategy",
                    "Comment",
                ],
                "a Retry entry",
            );
            let error_equals = self.error_list(&retry, "Retry entry");
            let backoff_rate = retry.number("BackoffRate", self.sink).unwrap_or(2.0);
            if backoff_rate < 1.0 {
                self.sink.error(
                    "ASL015",
                    retry.at("BackoffRate"),
                    "\"BackoffRate\" must be at least 1.0",
                );
            }
            let full_jitter = match retry.string("JitterStrategy", self.sink) {
                None | Some("NONE") => false,
                Some("FULL") => true,
                Some(other) => {
                    self.sink.error(
                        "ASL017",
                        retry.at("JitterStrategy"),
                        format!("\"JitterStrategy\" must be \"FULL\" or \"NONE\", not \"{other}\""),
                    );
                    false
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds: retry
                    .natural("IntervalSeconds", 1, 99_999_999, self.sink)
                    .unwrap_or(1) as f64,
                max_attempts: retry
                    .natural("MaxAttempts", 0, 99_999_999, self.sink)
                    .unwrap_or(3),
                backoff_rate,
                max_delay_seconds: retry
                    .natural("MaxDelaySeconds", 1, 31_622_400, self.sink)
                    .map(|n| n as f64),
                full_jitter,
            });
        }
        out
    }

    fn catchers(&mut self, ctx: &StateCtx) -> Vec<Catcher> {
        let mut out = Vec::new();
        for catch in self.handler_list(ctx.obj, "Catch") {
            let allowed: &[&str] = match ctx.language {
                QueryLanguage::JsonPath => {
                    &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"]
                }
                QueryLanguage::Jsonata => &["ErrorEquals", "Next", "Output", "Assign", "Comment"],
            };
            self.allow_only(
                &catch,
                allowed,
                &format!("a {} Catch entry", ctx.language.as_str()),
            );
            let error_equals = self.error_list(&catch, "Catch entry");
            let next = if catch.has("Next") {
                target_in(self, &catch, "Next", ctx.siblings)
            } else {
                self.sink.error(
                    "ASL010",
                    catch.pointer.clone(),
                    "A Catch entry needs \"Next\"",
                );
                None
            };
            let inner = StateCtx {
                obj: &catch,
                ..*ctx
            };
            out.push(Catcher {
                error_equals,
                next: next.unwrap_or(Transition::End),
                result_path: self.result_path(&catch, "ResultPath"),
                output: self.template(&inner, "Output"),
                assign: self.assign(&inner, &catch),
            });
        }
        out
    }

    /// `Credentials`: an object with exactly one of `RoleArn` and `RoleArn.$`.
    fn credentials(&mut self, value: &Value, pointer: &str, language: QueryLanguage) {
        let Some(obj) = Obj::new(value, pointer.to_owned(), "\"Credentials\"", self.sink) else {
            return;
        };
        let role_keys: &[&str] = match language {
            QueryLanguage::JsonPath => &["RoleArn", "RoleArn.$"],
            QueryLanguage::Jsonata => &["RoleArn"],
        };
        self.allow_only(&obj, role_keys, "\"Credentials\"");
        match (obj.get("RoleArn"), obj.get("RoleArn.$")) {
            (Some(_), Some(_)) => {
                self.sink.error(
                    "ASL019",
                    obj.at("RoleArn.$"),
                    "\"Credentials\" may set only one of \"RoleArn\" and \"RoleArn.$\"",
                );
            }
            (None, None) => {
                self.sink.error(
                    "ASL019",
                    pointer,
                    "\"Credentials\" must set \"RoleArn\" or \"RoleArn.$\"",
                );
            }
            (Some(role), None) => {
                if !role.is_string() {
                    self.sink
                        .error("ASL019", obj.at("RoleArn"), "\"RoleArn\" must be a string");
                } else {
                    template::compile(role, &obj.at("RoleArn"), language, self.sink);
                }
            }
            (None, Some(path)) => {
                template::dynamic(path, &obj.at("RoleArn.$"), "RoleArn.$", self.sink);
            }
        }
    }

    fn task(&mut self, ctx: &StateCtx) -> Option<Task> {
        let obj = ctx.obj;
        let resource = obj.required_string("Resource", self.sink)?;
        if let Some(problem) = crate::resource::problem(resource) {
            self.sink.error("ASL018", obj.at("Resource"), problem);
        }
        if let Some(credentials) = obj.get("Credentials") {
            self.credentials(credentials, &obj.at("Credentials"), ctx.language);
        }
        let timeout = self.amount(ctx, "TimeoutSeconds", "TimeoutSecondsPath", 1, 99_999_999);
        let heartbeat = self.amount(
            ctx,
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            1,
            99_999_999,
        );
        if let (Some(Amount::Fixed(t)), Some(Amount::Fixed(h))) = (&timeout, &heartbeat) {
            if h >= t {
                self.sink.error(
                    "ASL015",
                    obj.at("HeartbeatSeconds"),
                    format!(
                        "\"HeartbeatSeconds\" ({h}) must be smaller than \"TimeoutSeconds\" ({t})"
                    ),
                );
            }
        }
        Some(Task {
            resource: resource.to_owned(),
            credentials: obj.get("Credentials").cloned(),
            timeout,
            heartbeat,
        })
    }

    /// A whole number given as `key`, `key_path`, or a JSONata `key`; at most one of them.
    pub(crate) fn amount(
        &mut self,
        ctx: &StateCtx,
        key: &str,
        path_key: &str,
        min: u64,
        max: u64,
    ) -> Option<Amount> {
        self.amount_given(ctx, key, path_key, |obj, sink| {
            obj.natural(key, min, max, sink).map(|n| n as f64)
        })
    }

    /// Like [`Self::amount`], but a literal may have a fraction (AWS takes
    /// `"ToleratedFailurePercentage": 0.5`).
    pub(crate) fn fractional_amount(
        &mut self,
        ctx: &StateCtx,
        key: &str,
        path_key: &str,
        min: f64,
        max: f64,
    ) -> Option<Amount> {
        self.amount_given(ctx, key, path_key, |obj, sink| {
            obj.bounded_number(key, min, max, sink)
        })
    }

    /// `key_path` or a JSONata `key` read here; a literal `key` read by `literal`.
    fn amount_given(
        &mut self,
        ctx: &StateCtx,
        key: &str,
        path_key: &str,
        literal: impl FnOnce(&Obj, &mut crate::diagnostic::Sink) -> Option<f64>,
    ) -> Option<Amount> {
        let obj = ctx.obj;
        if obj.both(key, path_key, self.sink) {
            return None;
        }
        if obj.has(path_key) {
            return obj.path(path_key, true, self.sink).map(Amount::Path);
        }
        match obj.get(key)? {
            Value::String(s)
                if ctx.language == QueryLanguage::Jsonata && jsonata_expression(s).is_some() =>
            {
                let expr = jsonata_expression(s).expect("checked");
                crate::jsonata::check(expr, &obj.at(key), self.sink);
                Some(Amount::Jsonata(expr.to_owned()))
            }
            _ => literal(obj, self.sink).map(Amount::Fixed),
        }
    }

    fn wait(&mut self, ctx: &StateCtx) -> Option<Wait> {
        let obj = ctx.obj;
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.has(k))
            .collect();
        if present.len() != 1 {
            let message = if present.is_empty() {
                "A Wait state needs exactly one of \"Seconds\", \"Timestamp\", \"SecondsPath\" or \"TimestampPath\"".to_owned()
            } else {
                format!("A Wait state takes exactly one of {}", present.join(", "))
            };
            self.sink.error("ASL014", obj.pointer.clone(), message);
            return None;
        }
        Some(match present[0] {
            "Seconds" | "SecondsPath" => {
                Wait::Seconds(self.amount(ctx, "Seconds", "SecondsPath", 0, 99_999_999)?)
            }
            "TimestampPath" => Wait::TimestampPath(obj.path("TimestampPath", true, self.sink)?),
            _ => {
                let text = obj.string("Timestamp", self.sink)?;
                match jsonata_expression(text).filter(|_| ctx.language == QueryLanguage::Jsonata) {
                    Some(expr) => {
                        crate::jsonata::check(expr, &obj.at("Timestamp"), self.sink);
                        Wait::TimestampJsonata(expr.to_owned())
                    }
                    None => {
                        if !crate::timestamp::is_valid(text) {
                            self.sink
                                .error(
                                    "ASL054",
                                    obj.at("Timestamp"),
                                    format!("\"{text}\" is not an RFC 3339 timestamp"),
                                )
                                .hint("Use the form 2026-01-31T12:00:00Z");
                        }
                        Wait::Timestamp(text.to_owned())
                    }
                }
            }
        })
    }

    fn fail(&mut self, ctx: &StateCtx) -> Fail {
        Fail {
            error: self.fail_text(ctx, "Error", "ErrorPath"),
            cause: self.fail_text(ctx, "Cause", "CausePath"),
        }
    }

    fn fail_text(&mut self, ctx: &StateCtx, key: &str, path_key: &str) -> Option<Text> {
        let obj = ctx.obj;
        if obj.both(key, path_key, self.sink) {
            return None;
        }
        if let Some(value) = obj.get(path_key) {
            return Some(Text::Dynamic(template::dynamic(
                value,
                &obj.at(path_key),
                path_key,
                self.sink,
            )));
        }
        let text = obj.string(key, self.sink)?;
        match jsonata_expression(text).filter(|_| ctx.language == QueryLanguage::Jsonata) {
            Some(_) => Some(Text::Dynamic(template::compile(
                obj.get(key)?,
                &obj.at(key),
                ctx.language,
                self.sink,
            ))),
            None => {
                if ctx.language == QueryLanguage::JsonPath && template::looks_dynamic(text) {
                    self.sink.warning(
                        "ASL061",
                        obj.at(key),
                        format!("The value of '{key}' looks like a JSONPath. Instead of '{key}', use '{path_key}' to evaluate it as a JSONPath at runtime."),
                    );
                }
                Some(Text::Fixed(text.to_owned()))
            }
        }
    }

    fn branches(&mut self, ctx: &StateCtx) -> Option<Vec<Scope>> {
        let obj = ctx.obj;
        if !obj.has("Branches") {
            self.sink.error(
                "ASL010",
                obj.pointer.clone(),
                "A Parallel state needs \"Branches\"",
            );
            return None;
        }
        let items = obj.array("Branches", self.sink)?;
        if items.is_empty() {
            self.sink.error(
                "ASL010",
                obj.at("Branches"),
                "\"Branches\" must hold at least one branch",
            );
        }
        let mut branches = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let branch = Obj::new(
                item,
                format!("{}/{i}", obj.at("Branches")),
                "A branch",
                self.sink,
            )?;
            self.allow_only(
                &branch,
                &["StartAt", "States", "Comment", "QueryLanguage"],
                "a branch",
            );
            let language = self.query_language(&branch, ctx.language);
            branches.push(self.scope(&branch, language));
        }
        branches.into_iter().collect()
    }
}

/// What the fields of one state are read against.
#[derive(Clone, Copy)]
pub(crate) struct StateCtx<'a, 'o> {
    pub obj: &'a Obj<'o>,
    pub language: QueryLanguage,
    pub siblings: &'a [&'a str],
}

pub(crate) fn target_in(
    loader: &mut Loader,
    obj: &Obj,
    key: &str,
    siblings: &[&str],
) -> Option<Transition> {
    let name = obj.string(key, loader.sink)?;
    match siblings.iter().position(|s| *s == name) {
        Some(index) => Some(Transition::Next(name.to_owned(), index)),
        None => {
            loader
                .sink
                .error(
                    "ASL021",
                    obj.at(key),
                    format!("Missing 'Next' target: {name}"),
                )
                .hint(format!(
                    "No state of this scope is called \"{name}\". {}",
                    did_you_mean(name, siblings)
                ));
            None
        }
    }
}

pub(crate) fn jsonata_condition(loader: &mut Loader, obj: &Obj, key: &str) -> Option<String> {
    let text = obj.string(key, loader.sink)?;
    match jsonata_expression(text) {
        Some(expr) => {
            crate::jsonata::check(expr, &obj.at(key), loader.sink);
            Some(expr.to_owned())
        }
        None => {
            loader.sink.error(
                "ASL034",
                obj.at(key),
                format!("\"{key}\" must be a {{% %}} JSONata expression"),
            );
            None
        }
    }
}

pub(crate) fn path_of(loader: &mut Loader, obj: &Obj, key: &str) -> Option<crate::path::Path> {
    let text = obj.string(key, loader.sink)?;
    parse_path(text, false, obj.at(key), key, loader.sink)
}
