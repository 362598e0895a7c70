//! Choice rules: one comparison operator per rule, or And/Or/Not, or a JSONata Condition.

use serde_json::Value;

use super::fields::{type_name, Obj};
use super::state::{jsonata_condition, path_of, target_in, StateCtx};
use super::Loader;
use crate::model::*;

/// Operators and the JSON type their literal operand must have.
const OPERATORS: &[(&str, CompareOp, &str)] = &[
    ("StringEquals", CompareOp::StringEquals, "string"),
    ("StringLessThan", CompareOp::StringLessThan, "string"),
    ("StringGreaterThan", CompareOp::StringGreaterThan, "string"),
    (
        "StringLessThanEquals",
        CompareOp::StringLessThanEquals,
        "string",
    ),
    (
        "StringGreaterThanEquals",
        CompareOp::StringGreaterThanEquals,
        "string",
    ),
    ("StringMatches", CompareOp::StringMatches, "string"),
    ("NumericEquals", CompareOp::NumericEquals, "number"),
    ("NumericLessThan", CompareOp::NumericLessThan, "number"),
    (
        "NumericGreaterThan",
        CompareOp::NumericGreaterThan,
        "number",
    ),
    (
        "NumericLessThanEquals",
        CompareOp::NumericLessThanEquals,
        "number",
    ),
    (
        "NumericGreaterThanEquals",
        CompareOp::NumericGreaterThanEquals,
        "number",
    ),
    ("BooleanEquals", CompareOp::BooleanEquals, "boolean"),
    ("TimestampEquals", CompareOp::TimestampEquals, "timestamp"),
    (
        "TimestampLessThan",
        CompareOp::TimestampLessThan,
        "timestamp",
    ),
    (
        "TimestampGreaterThan",
        CompareOp::TimestampGreaterThan,
        "timestamp",
    ),
    (
        "TimestampLessThanEquals",
        CompareOp::TimestampLessThanEquals,
        "timestamp",
    ),
    (
        "TimestampGreaterThanEquals",
        CompareOp::TimestampGreaterThanEquals,
        "timestamp",
    ),
    ("IsNull", CompareOp::IsNull, "boolean"),
    ("IsPresent", CompareOp::IsPresent, "boolean"),
    ("IsNumeric", CompareOp::IsNumeric, "boolean"),
    ("IsString", CompareOp::IsString, "boolean"),
    ("IsBoolean", CompareOp::IsBoolean, "boolean"),
    ("IsTimestamp", CompareOp::IsTimestamp, "boolean"),
];

/// Is `key` an operator, possibly in its `...Path` form (Is* tests have none)?
fn operator(key: &str) -> Option<(CompareOp, &'static str, bool)> {
    let (base, is_path) = match key.strip_suffix("Path") {
        Some(base) if !base.starts_with("Is") => (base, true),
        _ => (key, false),
    };
    OPERATORS
        .iter()
        .find(|(name, ..)| *name == base)
        .map(|&(_, op, ty)| (op, ty, is_path))
}

impl Loader<'_> {
    pub(crate) fn choice(&mut self, ctx: &StateCtx) -> Option<Choice> {
        let obj = ctx.obj;
        let Some(items) = obj.array("Choices", self.sink) else {
            if !obj.has("Choices") {
                self.sink.error(
                    "ASL010",
                    obj.pointer.clone(),
                    "A Choice state needs \"Choices\"",
                );
            }
            return None;
        };
        if items.is_empty() {
            self.sink.error(
                "ASL053",
                obj.at("Choices"),
                "\"Choices\" must hold at least one rule",
            );
        }
        let mut rules = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(rule) = Obj::new(
                item,
                format!("{}/{i}", obj.at("Choices")),
                "A Choice rule",
                self.sink,
            ) else {
                continue;
            };
            let next = if rule.has("Next") {
                target_in(self, &rule, "Next", ctx.siblings)
            } else {
                self.sink.error(
                    "ASL052",
                    rule.pointer.clone(),
                    "A top-level Choice rule needs \"Next\"",
                );
                None
            };
            let inner = StateCtx { obj: &rule, ..*ctx };
            let assign = self.assign(&inner, &rule);
            let output = rule
                .get("Output")
                .map(|v| super::template::compile(v, &rule.at("Output"), ctx.language, self.sink));
            if let Some(condition) = self.condition(&rule, ctx.language, true) {
                rules.push(ChoiceRule {
                    condition,
                    next: next.unwrap_or(Transition::End),
                    assign,
                    output,
                });
            }
        }
        let default = if obj.has("Default") {
            target_in(self, obj, "Default", ctx.siblings)
        } else {
            None
        };
        Some(Choice { rules, default })
    }

    fn condition(&mut self, rule: &Obj, language: QueryLanguage, top: bool) -> Option<Condition> {
        let outer: &[&str] = if top {
            &["Next", "Comment", "Assign", "Output"]
        } else {
            &["Comment"]
        };
        if language == QueryLanguage::Jsonata {
            let allowed: Vec<&str> = outer.iter().copied().chain(["Condition"]).collect();
            self.allow_only(rule, &allowed, "a JSONata Choice rule");
            if !rule.has("Condition") {
                self.sink.error(
                    "ASL050",
                    rule.pointer.clone(),
                    "A JSONata Choice rule needs \"Condition\"",
                );
                return None;
            }
            // AWS also takes a JSON boolean: the constant condition.
            if let Some(constant) = rule.get("Condition").and_then(|c| c.as_bool()) {
                return Some(Condition::Jsonata(constant.to_string()));
            }
            return jsonata_condition(self, rule, "Condition").map(Condition::Jsonata);
        }
        if !top && rule.has("Next") {
            self.sink.error(
                "ASL051",
                rule.at("Next"),
                "Only top-level Choice rules may have \"Next\"",
            );
        }
        let found: Vec<&String> = rule
            .map
            .keys()
            .filter(|k| matches!(k.as_str(), "And" | "Or" | "Not") || operator(k).is_some())
            .collect();
        for key in rule.map.keys() {
            if !found.contains(&key)
                && !outer.contains(&key.as_str())
                && key != "Variable"
                && key != "Next"
            {
                self.sink.error(
                    "ASL012",
                    rule.at(key),
                    format!("Field \"{key}\" is not allowed in a Choice rule"),
                );
            }
        }
        let [key] = found.as_slice() else {
            let message = if found.is_empty() {
                "A Choice rule needs one comparison operator (e.g. \"StringEquals\") or \"And\", \"Or\", \"Not\"".to_owned()
            } else {
                format!(
                    "A Choice rule takes exactly one operator, found {}",
                    found
                        .iter()
                        .map(|k| format!("\"{k}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            self.sink.error("ASL050", rule.pointer.clone(), message);
            return None;
        };
        match key.as_str() {
            "And" | "Or" => {
                let items = rule.array(key, self.sink)?;
                if items.is_empty() {
                    self.sink.error(
                        "ASL050",
                        rule.at(key),
                        format!("\"{key}\" needs at least one rule"),
                    );
                }
                let mut conditions = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let nested = Obj::new(
                        item,
                        format!("{}/{i}", rule.at(key)),
                        "A nested rule",
                        self.sink,
                    )?;
                    conditions.push(self.condition(&nested, language, false)?);
                }
                if rule.has("Variable") {
                    self.sink.error(
                        "ASL012",
                        rule.at("Variable"),
                        format!("\"Variable\" is not allowed beside \"{key}\""),
                    );
                }
                Some(if key.as_str() == "And" {
                    Condition::And(conditions)
                } else {
                    Condition::Or(conditions)
                })
            }
            "Not" => {
                let nested = Obj::new(rule.get("Not")?, rule.at("Not"), "\"Not\"", self.sink)?;
                Some(Condition::Not(Box::new(
                    self.condition(&nested, language, false)?,
                )))
            }
            _ => self.comparison(rule, key),
        }
    }

    fn comparison(&mut self, rule: &Obj, key: &str) -> Option<Condition> {
        let (op, expected, is_path) = operator(key).expect("filtered to operators");
        if !rule.has("Variable") {
            self.sink.error(
                "ASL010",
                rule.pointer.clone(),
                format!("A \"{key}\" rule needs \"Variable\""),
            );
            return None;
        }
        let variable = path_of(self, rule, "Variable")?;
        let value = rule.get(key)?;
        let operand = if is_path {
            Operand::Path(path_of(self, rule, key)?)
        } else {
            let fits = match expected {
                "string" => value.is_string(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => value.as_str().is_some_and(crate::timestamp::is_valid),
            };
            if !fits {
                let what = if expected == "timestamp" {
                    "an RFC 3339 timestamp string".to_owned()
                } else {
                    format!("a {expected}")
                };
                self.sink.error(
                    "ASL055",
                    rule.at(key),
                    format!("\"{key}\" must be {what}, not {}", describe(value)),
                );
                return None;
            }
            Operand::Value(value.clone())
        };
        Some(Condition::Compare {
            variable,
            op,
            operand,
        })
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => type_name(other).to_owned(),
    }
}
