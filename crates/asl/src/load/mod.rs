//! Builds the typed model from a parsed definition, reporting everything AWS would reject.

mod choice;
pub(crate) mod fields;
mod map;
mod state;
pub(crate) mod template;

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::model::{QueryLanguage, Scope, StateMachine};
use fields::Obj;

/// AWS's limit on state name length.
pub const MAX_STATE_NAME: usize = 80;
/// AWS's limit on variable name length.
pub const MAX_VARIABLE_NAME: usize = 80;

pub(crate) struct Loader<'s> {
    pub sink: &'s mut Sink,
    /// Every state name seen so far, with its pointer: names are unique machine-wide.
    pub names: HashMap<String, String>,
}

impl Loader<'_> {
    pub fn machine(&mut self, root: &Value) -> Option<StateMachine> {
        let obj = Obj::new(root, String::new(), "A state machine definition", self.sink)?;
        self.allow_only(
            &obj,
            &[
                "StartAt",
                "States",
                "Comment",
                "Version",
                "TimeoutSeconds",
                "QueryLanguage",
            ],
            "the top level",
        );
        let comment = obj.string("Comment", self.sink).map(str::to_owned);
        let version = obj.string("Version", self.sink).map(str::to_owned);
        if let Some(v) = &version {
            if v != "1.0" {
                self.sink.error(
                    "ASL017",
                    obj.at("Version"),
                    format!("Unsupported Version \"{v}\": the only version is \"1.0\""),
                );
            }
        }
        let timeout_seconds = obj.natural("TimeoutSeconds", 1, 99_999_999, self.sink);
        let query_language = self.query_language(&obj, QueryLanguage::JsonPath);
        let states = self.scope(&obj, query_language);
        Some(StateMachine {
            comment,
            version,
            timeout_seconds,
            query_language,
            states: states?,
        })
    }

    pub fn query_language(&mut self, obj: &Obj, inherited: QueryLanguage) -> QueryLanguage {
        match obj.string("QueryLanguage", self.sink) {
            None => inherited,
            Some("JSONPath") if inherited == QueryLanguage::Jsonata => {
                self.sink
                    .error("ASL013", obj.pointer.clone(), "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
                    .hint("Set \"QueryLanguage\": \"JSONPath\" at the top level and \"JSONata\" on the states that use it");
                inherited
            }
            Some("JSONPath") => QueryLanguage::JsonPath,
            Some("JSONata") => QueryLanguage::Jsonata,
            Some(other) => {
                self.sink.error(
                    "ASL017",
                    obj.at("QueryLanguage"),
                    format!("QueryLanguage must be \"JSONPath\" or \"JSONata\", not \"{other}\""),
                );
                inherited
            }
        }
    }

    /// A `StartAt` + `States` pair: the machine, a Parallel branch or a Map processor.
    pub fn scope(&mut self, obj: &Obj, language: QueryLanguage) -> Option<Scope> {
        // AWS names both missing fields in one diagnostic.
        let missing: Vec<&str> = ["States", "StartAt"]
            .into_iter()
            .filter(|key| !obj.has(key))
            .collect();
        if !missing.is_empty() {
            self.sink.error(
                "ASL010",
                obj.pointer.clone(),
                format!("These fields are required: [{}]", missing.join(", ")),
            );
            return None;
        }
        let start_at = obj.required_string("StartAt", self.sink);
        let states_obj = Obj::new(
            obj.get("States")?,
            obj.at("States"),
            "\"States\"",
            self.sink,
        )?;
        if states_obj.map.is_empty() {
            self.sink.error(
                "ASL010",
                states_obj.pointer.clone(),
                "\"States\" must define at least one state",
            );
            return None;
        }
        let names: Vec<&str> = states_obj.map.keys().map(String::as_str).collect();
        let mut states = Vec::with_capacity(names.len());
        let mut complete = true;
        for (name, value) in states_obj.map {
            match self.state(name, value, states_obj.at(name), language, &names) {
                Some(state) => states.push(state),
                None => complete = false,
            }
        }
        let start_at = start_at?;
        let Some(start) = names.iter().position(|n| *n == start_at) else {
            self.sink
                .error(
                    "ASL020",
                    obj.at("StartAt"),
                    format!("Missing 'Next' target: {start_at}"),
                )
                .hint(format!(
                    "StartAt names no state of this scope. {}",
                    did_you_mean(start_at, &names)
                ));
            return None;
        };
        complete.then(|| Scope::new(start, states, obj.pointer.clone()))
    }

    pub fn allow_only(&mut self, obj: &Obj, allowed: &[&str], place: &str) {
        for key in obj.map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.sink.error(
                    "ASL012",
                    obj.at(key),
                    format!("Field \"{key}\" is not allowed in {place}"),
                );
            }
        }
    }
}

/// A hint naming the closest of `candidates` to `name`.
pub(crate) fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    let closest = candidates.iter().min_by_key(|c| edit_distance(name, c));
    match closest {
        Some(c) if edit_distance(name, c) <= name.len().max(3) / 2 => {
            format!("Did you mean \"{c}\"?")
        }
        _ => format!("Known states: {}", candidates.join(", ")),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
