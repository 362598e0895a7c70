//! Edits of states, as the graph makes them: add a state (after another, or on an edge),
//! connect two states, add a Choice rule or a Catch, rename a state with every reference
//! to it, delete one (its predecessors reconnected to its successor), and set a field. Each
//! is a few replacements of spans of the JSON text; everything else stays as written.

use serde_json::{json, Map, Value};

use super::doc::{fresh_name, scope_of, separator, single_successor, transitions, Doc, Edits};
use crate::json::child_pointer;
use crate::source::Span;

/// Where a new state goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// After this state: it takes the state's place in the flow (its Next, or its End).
    After(String),
    /// Before this state, which starts its scope: the new state starts the scope instead.
    Before(String),
    /// At the end of the machine's own States, unconnected (or as its start when empty).
    Top,
}

/// Add the state `state` (a JSON object; its Next/End are set here) named `name` (made
/// unique). Returns the new text and the name used.
pub fn add_state(
    text: &str,
    name: &str,
    state: &Value,
    place: &Place,
) -> Result<(String, String), String> {
    let doc = Doc::parse(text)?;
    let name = fresh_name(&doc, name);
    let mut edits = Edits::default();
    let mut state = state
        .as_object()
        .cloned()
        .ok_or("A state is a JSON object.")?;
    state.remove("Next");
    state.remove("End");
    let terminal = matches!(
        state.get("Type").and_then(Value::as_str),
        Some("Choice" | "Succeed" | "Fail")
    );
    match place {
        Place::After(previous) => {
            let pointer = doc.state(previous)?;
            let before = doc.at(&pointer).cloned().unwrap_or_default();
            if before.get("Type").and_then(Value::as_str) == Some("Choice") {
                return Err(format!(
                    "\"{previous}\" is a Choice: add a rule to it instead."
                ));
            }
            let is_choice = state.get("Type").and_then(Value::as_str) == Some("Choice");
            match (single_successor(&before), terminal) {
                (Some(next), false) => {
                    state.insert("Next".into(), json!(next));
                }
                (None, false) => {
                    state.insert("End".into(), json!(true));
                }
                // A Choice goes where the state before it went, by its rules and by default.
                (Some(next), true) if is_choice => point_choice_at(&mut state, &next),
                (None, true) if is_choice => {
                    return Err(format!("A Choice needs a state to go to: \"{previous}\" ends the machine, so add the states after it first."))
                }
                _ => {}
            }
            if before.get("End").is_some() {
                doc.remove_member(&mut edits, &child_pointer(&pointer, "End"));
            }
            doc.set_member(&mut edits, &pointer, "Next", &json!(name));
            doc.insert_member_after(&mut edits, &pointer, &name, &Value::Object(state));
        }
        Place::Before(first) => {
            let pointer = doc.state(first)?;
            let start = format!("{}/StartAt", scope_of(&pointer));
            if doc.at(&start).and_then(Value::as_str) != Some(first) {
                return Err(format!("\"{first}\" does not start its scope."));
            }
            match state.get("Type").and_then(Value::as_str) {
                Some("Choice") => point_choice_at(&mut state, first),
                Some("Succeed" | "Fail") => {
                    return Err(
                        "A Succeed or Fail state ends the machine: it cannot come first.".into(),
                    )
                }
                _ => {
                    state.insert("Next".into(), json!(first));
                }
            }
            edits.replace(doc.spans.value_span(&start), json!(name).to_string());
            doc.insert_member_before(&mut edits, &pointer, &name, &Value::Object(state));
        }
        Place::Top => {
            if !terminal {
                state.insert("End".into(), json!(true));
            }
            let empty = doc
                .at("/States")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty);
            if doc.at("/States").is_none() {
                doc.append_member(
                    &mut edits,
                    "",
                    "States",
                    &json!({ name.clone(): Value::Object(state) }),
                );
            } else {
                doc.append_member(&mut edits, "/States", &name, &Value::Object(state));
            }
            if empty {
                doc.set_member(&mut edits, "", "StartAt", &json!(name));
            }
        }
    }
    Ok((edits.apply(text), name))
}

/// Send a new Choice's rules that have no Next, and its Default, to `next`.
fn point_choice_at(choice: &mut Map<String, Value>, next: &str) {
    if let Some(Value::Array(rules)) = choice.get_mut("Choices") {
        for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
            rule.entry("Next").or_insert_with(|| json!(next));
        }
    }
    choice.entry("Default").or_insert_with(|| json!(next));
}

/// Put the state `state` named `name` on the transition from `from` to `to`.
pub fn insert_on_edge(
    text: &str,
    from: &str,
    to: &str,
    name: &str,
    state: &Value,
) -> Result<(String, String), String> {
    let doc = Doc::parse(text)?;
    let name = fresh_name(&doc, name);
    let pointer = doc.state(from)?;
    // The state's own transitions: a branch's StartAt inside it is not one.
    let own = transitions(doc.at(&pointer).unwrap_or(&Value::Null));
    let Some((relative, _)) = own.iter().find(|(_, target)| target == to) else {
        return Err(format!("\"{from}\" does not go to \"{to}\"."));
    };
    let reference = format!("{pointer}{relative}");
    let mut state = state
        .as_object()
        .cloned()
        .ok_or("A state is a JSON object.")?;
    state.remove("End");
    match state.get("Type").and_then(Value::as_str) {
        Some("Choice") => point_choice_at(&mut state, to),
        Some("Succeed" | "Fail") => {
            return Err("A Succeed or Fail state ends the machine: it cannot go on an edge.".into())
        }
        _ => {
            state.insert("Next".into(), json!(to));
        }
    }
    let mut edits = Edits::default();
    edits.replace(doc.spans.value_span(&reference), json!(name).to_string());
    doc.insert_member_after(&mut edits, &pointer, &name, &Value::Object(state));
    Ok((edits.apply(text), name))
}

/// Make `from` go to `to` (its Next; an End it had goes).
pub fn connect(text: &str, from: &str, to: &str) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(from)?;
    doc.state(to)?;
    let state = doc.at(&pointer).cloned().unwrap_or_default();
    match state.get("Type").and_then(Value::as_str) {
        Some("Choice") => return add_choice_rule(text, from, to, None),
        Some("Succeed" | "Fail") => {
            return Err(format!("\"{from}\" ends the machine: it cannot go on."))
        }
        _ => {}
    }
    let mut edits = Edits::default();
    if state.get("End").is_some() {
        doc.remove_member(&mut edits, &child_pointer(&pointer, "End"));
    }
    doc.set_member(&mut edits, &pointer, "Next", &json!(to));
    Ok(edits.apply(text))
}

/// Add a rule to the Choice `choice` that goes to `to` (with `condition`, or one to fill in).
pub fn add_choice_rule(
    text: &str,
    choice: &str,
    to: &str,
    condition: Option<&Value>,
) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(choice)?;
    let state = doc.at(&pointer).cloned().unwrap_or_default();
    let jsonata = state.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata")
        || doc.value.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    let rule = match condition {
        Some(Value::Object(c)) => {
            let mut rule = c.clone();
            rule.insert("Next".into(), json!(to));
            Value::Object(rule)
        }
        _ if jsonata => json!({ "Condition": "{% true %}", "Next": to }),
        _ => json!({ "Variable": "$.value", "IsPresent": true, "Next": to }),
    };
    let mut edits = Edits::default();
    append_to_array(&doc, &mut edits, &pointer, "Choices", rule);
    Ok(edits.apply(text))
}

/// Add a Catch to `state` that takes `error` (default `States.ALL`) to `to`.
pub fn add_catch(text: &str, state: &str, to: &str, error: Option<&str>) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(state)?;
    doc.state(to)?;
    let kind = doc
        .at(&pointer)
        .and_then(|s| s.get("Type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !matches!(kind, "Task" | "Parallel" | "Map") {
        return Err(format!(
            "A {kind} state cannot catch errors: only Task, Parallel and Map can."
        ));
    }
    let error = error.unwrap_or("States.ALL");
    let catcher = json!({ "ErrorEquals": [error], "Next": to });
    let mut edits = Edits::default();
    let catch = child_pointer(&pointer, "Catch");
    let existing = doc
        .at(&catch)
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    if existing && error != "States.ALL" {
        // States.ALL must stay last: a specific error goes first.
        let first = doc.spans.value_span(&format!("{catch}/0")).start;
        let indent = doc.member_indent(&catch);
        let separator = separator(indent.as_deref());
        let written = doc.written(&catcher, indent.as_deref());
        edits.replace(Span::new(first, first), format!("{written}{separator}"));
    } else {
        append_to_array(&doc, &mut edits, &pointer, "Catch", catcher);
    }
    Ok(edits.apply(text))
}

/// Append `item` to the array member `key` of the object at `pointer` (made when absent).
fn append_to_array(doc: &Doc, edits: &mut Edits, pointer: &str, key: &str, item: Value) {
    let array = child_pointer(pointer, key);
    match doc.at(&array).and_then(Value::as_array) {
        Some(items) if !items.is_empty() => {
            let last = doc
                .spans
                .value_span(&format!("{array}/{}", items.len() - 1));
            let indent = doc.member_indent(&array);
            let separator = separator(indent.as_deref());
            edits.replace(
                Span::new(last.end, last.end),
                format!("{separator}{}", doc.written(&item, indent.as_deref())),
            );
        }
        Some(_) => doc.set_member(edits, pointer, key, &json!([item])),
        None => doc.append_member(edits, pointer, key, &json!([item])),
    }
}

/// Rename the state `old` to `new`, and every reference to it (StartAt, Next, Default,
/// Choice rules, Catchers, in every scope).
pub fn rename_state(text: &str, old: &str, new: &str) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let new = new.trim();
    if new.is_empty() || new.chars().count() > 80 {
        return Err("A state name has 1 to 80 characters.".into());
    }
    if old == new {
        return Ok(text.to_owned());
    }
    if doc.state(new).is_ok() {
        return Err(format!("There is already a state \"{new}\"."));
    }
    let pointer = doc.state(old)?;
    let mut edits = Edits::default();
    edits.replace(doc.spans.key_span(&pointer), json!(new).to_string());
    for reference in doc.references(old) {
        edits.replace(doc.spans.value_span(&reference), json!(new).to_string());
    }
    Ok(edits.apply(text))
}

/// Delete the state `name`. When it had exactly one successor, whatever went to it goes
/// there instead; otherwise its predecessors keep their now broken references (they show as
/// diagnostics to fix).
pub fn delete_state(text: &str, name: &str) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(name)?;
    let state = doc.at(&pointer).cloned().unwrap_or_default();
    let successor = single_successor(&state);
    let mut edits = Edits::default();
    doc.remove_member(&mut edits, &pointer);
    if let Some(successor) = &successor {
        for reference in doc.references(name) {
            if !reference.starts_with(&format!("{pointer}/")) {
                edits.replace(
                    doc.spans.value_span(&reference),
                    json!(successor).to_string(),
                );
            }
        }
    }
    Ok(edits.apply(text))
}

/// Set the field `field` of the state `name` to `value` (a JSON value), or remove it
/// (`None`). Fields that are transitions keep the machine's other states as they are.
pub fn set_field(
    text: &str,
    name: &str,
    field: &str,
    value: Option<&Value>,
) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(name)?;
    let mut edits = Edits::default();
    let member = child_pointer(&pointer, field);
    match value {
        Some(value) => doc.set_member(&mut edits, &pointer, field, value),
        None if doc.at(&member).is_some() => doc.remove_member(&mut edits, &member),
        None => return Ok(text.to_owned()),
    }
    Ok(edits.apply(text))
}
#[cfg(test)]
mod tests {
    use super::*;

    use crate::edit::fixture::{valid, MACHINE};

    #[test]
    fn renaming_follows_every_reference_in_every_scope() {
        let renamed = rename_state(MACHINE, "A", "Start here").unwrap();
        valid(&renamed);
        assert_eq!(renamed.matches("\"Start here\"").count(), 4, "{renamed}");
        assert!(!renamed.contains("\"A\""));
        let inner = rename_state(MACHINE, "Inner", "Deep").unwrap();
        assert!(
            inner.contains("\"StartAt\": \"Deep\"") && inner.contains("\"Deep\": {"),
            "{inner}"
        );
        valid(&inner);
        assert_eq!(
            rename_state(MACHINE, "A", "C").unwrap_err(),
            "There is already a state \"C\"."
        );
        // Only the names changed: the rest of the text is as written.
        assert_eq!(renamed.replace("\"Start here\"", "\"A\""), MACHINE);
    }

    #[test]
    fn a_state_added_after_another_takes_its_place_in_the_flow() {
        let (text, name) = add_state(
            MACHINE,
            "Wait",
            &json!({"Type": "Wait", "Seconds": 5}),
            &Place::After("A".into()),
        )
        .unwrap();
        assert_eq!(name, "Wait");
        valid(&text);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["States"]["A"]["Next"], "Wait");
        assert_eq!(
            value["States"]["Wait"],
            json!({"Type": "Wait", "Seconds": 5, "Next": "B"})
        );
        assert!(text.contains("    \"Wait\": {\n      \"Type\": \"Wait\",\n      \"Seconds\": 5,\n      \"Next\": \"B\"\n    },\n    \"B\""), "{text}");
        // After a state that ended the machine, the new state ends it.
        let (text, _) = add_state(
            MACHINE,
            "After C",
            &json!({"Type": "Pass"}),
            &Place::After("C".into()),
        )
        .unwrap();
        valid(&text);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["States"]["C"].get("End"), None);
        assert_eq!(value["States"]["After C"]["End"], true);
    }

    #[test]
    fn states_go_on_edges_and_connect() {
        let (text, name) =
            insert_on_edge(MACHINE, "B", "C", "Check", &json!({"Type": "Pass"})).unwrap();
        valid(&text);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["States"]["B"]["Choices"][0]["Next"], name);
        assert_eq!(value["States"][&name]["Next"], "C");
        let connected = connect(MACHINE, "C", "A").unwrap();
        let value: Value = serde_json::from_str(&connected).unwrap();
        assert_eq!(
            (
                value["States"]["C"]["Next"].clone(),
                value["States"]["C"].get("End")
            ),
            (json!("A"), None)
        );
        let ruled = add_choice_rule(MACHINE, "B", "A", None).unwrap();
        valid(&ruled);
        let value: Value = serde_json::from_str(&ruled).unwrap();
        assert_eq!(value["States"]["B"]["Choices"][1]["Next"], "A");
        let caught = add_catch(MACHINE, "C", "B", Some("States.Timeout")).unwrap();
        valid(&caught);
        let value: Value = serde_json::from_str(&caught).unwrap();
        assert_eq!(
            value["States"]["C"]["Catch"][0],
            json!({"ErrorEquals": ["States.Timeout"], "Next": "B"})
        );
    }

    #[test]
    fn deleting_reconnects_predecessors_to_the_one_successor() {
        let text = delete_state(MACHINE, "A").unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["StartAt"], "B");
        assert_eq!(value["States"]["B"]["Default"], "B");
        assert_eq!(value["States"]["C"]["Catch"][0]["Next"], "B");
        assert!(value["States"].get("A").is_none());
        valid(&text);
        assert!(
            text.starts_with("{\n  \"StartAt\": \"B\",\n  \"States\": {\n    \"B\": {"),
            "{text}"
        );
        // A Choice has no one successor: what went to it is left to fix.
        let text = delete_state(MACHINE, "B").unwrap();
        let errors: Vec<String> = crate::load(&text, &Default::default())
            .errors()
            .map(|d| d.message.clone())
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("Missing 'Next' target: B")),
            "{errors:?}"
        );
    }

    #[test]
    fn fields_are_set_added_and_removed_in_place() {
        let text = set_field(MACHINE, "A", "Comment", Some(&json!("first"))).unwrap();
        valid(&text);
        assert!(
            text.contains("\"Next\": \"B\",\n      \"Comment\": \"first\"\n    },"),
            "{text}"
        );
        let text = set_field(&text, "A", "Comment", None).unwrap();
        assert_eq!(text, MACHINE);
        let empty = r#"{"StartAt": "", "States": {}}"#;
        let (text, _) = add_state(empty, "First", &json!({"Type": "Pass"}), &Place::Top).unwrap();
        assert_eq!(
            text,
            r#"{"StartAt": "First", "States": {"First": {"Type":"Pass","End":true}}}"#
        );
        valid(&text);
        assert!(
            add_state("StartAt: A\n", "B", &json!({"Type": "Pass"}), &Place::Top)
                .unwrap_err()
                .contains("YAML")
        );
    }

    #[test]
    fn a_state_added_before_a_scope_s_first_starts_the_scope() {
        let (text, name) = add_state(
            MACHINE,
            "Prepare",
            &json!({"Type": "Pass"}),
            &Place::Before("A".into()),
        )
        .unwrap();
        valid(&text);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["StartAt"], name.as_str());
        assert_eq!(value["States"][&name]["Next"], "A");
        assert!(
            text.contains("  \"States\": {\n    \"Prepare\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"A\"\n    },\n    \"A\": {"),
            "{text}"
        );
        let (nested, _) = add_state(
            MACHINE,
            "Setup",
            &json!({"Type": "Wait", "Seconds": 1}),
            &Place::Before("Inner".into()),
        )
        .unwrap();
        valid(&nested);
        let value: Value = serde_json::from_str(&nested).unwrap();
        assert_eq!(value["States"]["C"]["Branches"][0]["StartAt"], "Setup");
        assert_eq!(
            add_state(
                MACHINE,
                "X",
                &json!({"Type": "Pass"}),
                &Place::Before("B".into())
            )
            .unwrap_err(),
            "\"B\" does not start its scope."
        );
    }
}
