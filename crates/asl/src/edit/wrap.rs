//! Wrapping states in a Parallel branch or a Map, and unwrapping one.

use serde_json::{json, Map, Value};

use super::doc::{fresh_name, parent_of, scope_of, separator, transitions, Doc, Edits};

/// What a state can be wrapped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// A Parallel state with one branch.
    Parallel,
    /// An inline Map over the input's `items`.
    Map,
}

/// Replace the member at `pointer` by `members` (key and value each), written in place.
fn replace_member(doc: &Doc, edits: &mut Edits, pointer: &str, members: &[(String, Value)]) {
    let indent = doc.member_indent(parent_of(pointer));
    let separator = separator(indent.as_deref());
    let text = members
        .iter()
        .map(|(key, value)| doc.member_text(key, value, indent.as_deref()))
        .collect::<Vec<_>>()
        .join(&separator);
    edits.replace(doc.member_span(pointer), text);
}

/// Wrap the state `name` in a Parallel branch or a Map (see [`wrap_states`]).
pub fn wrap_state(text: &str, name: &str, wrapper: Wrapper) -> Result<(String, String), String> {
    wrap_states(text, &[name.to_owned()], wrapper)
}

/// Wrap the states `names` of one scope in a Parallel branch or a Map. They must be entered
/// at one state and left one way (every Next out of them going to one state, or the
/// machine's end): the wrapper takes their place in the flow, what went to the entry goes
/// to the wrapper, and inside, the states that left now end the branch. Returns the new
/// text and the wrapper's name.
pub fn wrap_states(
    text: &str,
    names: &[String],
    wrapper: Wrapper,
) -> Result<(String, String), String> {
    let doc = Doc::parse(text)?;
    let Some(first) = names.first() else {
        return Err("Select the states to wrap.".into());
    };
    let pointers = names
        .iter()
        .map(|name| doc.state(name))
        .collect::<Result<Vec<_>, _>>()?;
    let scope = scope_of(&pointers[0]).to_owned();
    if pointers.iter().any(|p| scope_of(p) != scope) {
        return Err("The states to wrap must be in the same scope.".into());
    }
    let states = doc
        .at(&format!("{scope}/States"))
        .and_then(Value::as_object)
        .ok_or("The states' scope has no States.")?;
    let inside = |name: &str| names.iter().any(|n| n == name);

    // Left one way: every transition out of the selection is a Next to the same state, or
    // the selection ends the scope.
    let mut exit: Option<Option<String>> = None;
    let mut leave = |how: Option<String>, from: &str| {
        match &exit {
        Some(before) if *before != how => Err(format!(
            "The states to wrap must be left one way, and \"{from}\" leaves them another: select the states of one path."
        )),
        _ => {
            exit = Some(how);
            Ok(())
        }
    }
    };
    for name in names {
        let state = &states[name.as_str()];
        for (at, to) in transitions(state) {
            if inside(&to) {
                continue;
            }
            if at != "/Next" {
                return Err(format!("\"{name}\" goes to \"{to}\" by a rule or a Catch: a branch cannot go to a state outside it."));
            }
            leave(Some(to), name)?;
        }
        let ends = state.get("End") == Some(&json!(true))
            || state.get("Type").and_then(Value::as_str) == Some("Succeed");
        if ends {
            leave(None, name)?;
        }
    }

    // Entered at one state: whatever else goes into the selection goes to it.
    let mut entry: Option<&String> = None;
    let mut entered = Vec::new();
    for name in names {
        for reference in doc.references(name) {
            let from_inside = pointers
                .iter()
                .any(|p| reference.starts_with(&format!("{p}/")));
            if from_inside {
                continue;
            }
            match entry {
                Some(e) if e != name => return Err(format!(
                    "Other states go to both \"{e}\" and \"{name}\": the states to wrap must be entered at one of them."
                )),
                _ => entry = Some(name),
            }
            entered.push(reference);
        }
    }
    let entry = entry.unwrap_or(first).clone();

    // The branch: the states in their order in the text, the exits turned into ends.
    let exit = exit.flatten();
    let mut inner = Map::new();
    for (key, state) in states.iter().filter(|(key, _)| inside(key)) {
        let mut state = state.as_object().cloned().unwrap_or_default();
        if state
            .get("Next")
            .and_then(Value::as_str)
            .is_some_and(|to| !inside(to))
        {
            state.remove("Next");
            state.insert("End".into(), json!(true));
        }
        inner.insert(key.clone(), Value::Object(state));
    }
    let group = fresh_name(&doc, &format!("{entry} group"));
    let branch = json!({ "StartAt": entry, "States": inner });
    let mut container = match wrapper {
        Wrapper::Parallel => json!({ "Type": "Parallel", "Branches": [branch] }),
        Wrapper::Map => {
            let mut processor = branch;
            processor["ProcessorConfig"] = json!({ "Mode": "INLINE" });
            // The Map takes the machine's query language: its items are read in it.
            let jsonata = doc.value.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
            let (field, items) = if jsonata {
                ("Items", "{% $states.input.items %}")
            } else {
                ("ItemsPath", "$.items")
            };
            json!({ "Type": "Map", field: items, "ItemProcessor": processor })
        }
    };
    match exit {
        Some(next) => container["Next"] = json!(next),
        None => container["End"] = json!(true),
    }

    // The wrapper goes where the first of the states was; the others go.
    let first_written = states
        .keys()
        .find(|key| inside(key))
        .cloned()
        .unwrap_or_else(|| entry.clone());
    let mut edits = Edits::default();
    for reference in &entered {
        edits.replace(doc.spans.value_span(reference), json!(group).to_string());
    }
    let written_at = doc.state(&first_written)?;
    replace_member(&doc, &mut edits, &written_at, &[(group.clone(), container)]);
    let mut text = edits.apply(text);
    // One removal per pass: the spans of neighbouring members' commas would overlap.
    for name in names.iter().filter(|n| **n != first_written) {
        let doc = Doc::parse(&text)?;
        let mut edits = Edits::default();
        doc.remove_member(
            &mut edits,
            &crate::json::child_pointer(&format!("{scope}/States"), name),
        );
        text = edits.apply(&text);
    }
    Ok((text, group))
}

/// Unwrap a Parallel with one branch, or a Map: its states take its place in its scope,
/// the states that ended the branch go where it went, and what went to it goes to the
/// branch's start.
pub fn unwrap_state(text: &str, name: &str) -> Result<String, String> {
    let doc = Doc::parse(text)?;
    let pointer = doc.state(name)?;
    let container = doc.at(&pointer).cloned().unwrap_or_default();
    let scope = match container.get("Type").and_then(Value::as_str) {
        Some("Parallel") => match container
            .get("Branches")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.clone(),
            _ => {
                return Err(format!(
                    "\"{name}\" has several branches: only a Parallel with one can be unwrapped."
                ))
            }
        },
        Some("Map") => container
            .get("ItemProcessor")
            .or_else(|| container.get("Iterator"))
            .cloned()
            .ok_or("The Map has no ItemProcessor.")?,
        _ => return Err(format!("\"{name}\" is not a Parallel or a Map.")),
    };
    let start = scope
        .get("StartAt")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let next = container.get("Next").cloned();
    let mut members = Vec::new();
    for (key, state) in scope
        .get("States")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut state = state.as_object().cloned().unwrap_or_default();
        if state.get("End") == Some(&json!(true)) {
            if let Some(next) = &next {
                state.remove("End");
                state.insert("Next".into(), next.clone());
            }
        }
        members.push((key.clone(), Value::Object(state)));
    }
    let mut edits = Edits::default();
    for reference in doc.references(name) {
        if !reference.starts_with(&format!("{pointer}/")) {
            edits.replace(doc.spans.value_span(&reference), json!(start).to_string());
        }
    }
    replace_member(&doc, &mut edits, &pointer, &members);
    Ok(edits.apply(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::edit::fixture::{valid, MACHINE};

    #[test]
    fn a_state_wraps_in_a_parallel_or_a_map_and_unwraps_back() {
        for wrapper in [Wrapper::Parallel, Wrapper::Map] {
            let (wrapped, group) = wrap_state(MACHINE, "A", wrapper).unwrap();
            valid(&wrapped);
            let value: Value = serde_json::from_str(&wrapped).unwrap();
            assert_eq!(value["StartAt"], group);
            assert_eq!(value["States"][&group]["Next"], "B");
            assert_eq!(value["States"]["B"]["Default"], group.as_str());
            let unwrapped = unwrap_state(&wrapped, &group).unwrap();
            valid(&unwrapped);
            let back: Value = serde_json::from_str(&unwrapped).unwrap();
            assert_eq!(
                back,
                serde_json::from_str::<Value>(MACHINE).unwrap(),
                "{wrapper:?}"
            );
        }
        assert!(wrap_state(MACHINE, "B", Wrapper::Parallel)
            .unwrap_err()
            .contains("by a rule or a Catch"));
        assert!(unwrap_state(MACHINE, "A")
            .unwrap_err()
            .contains("not a Parallel or a Map"));
    }

    const CHAIN: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Next": "B" },
    "B": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "C",
           "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }] },
    "Failed": { "Type": "Fail", "Error": "Oops" },
    "C": { "Type": "Pass", "Next": "D" },
    "D": { "Type": "Succeed" }
  }
}"#;

    #[test]
    fn a_path_of_states_wraps_as_one_branch() {
        let names = ["B", "Failed", "C"].map(String::from);
        let (wrapped, group) = wrap_states(CHAIN, &names, Wrapper::Parallel).unwrap();
        valid(&wrapped);
        assert_eq!(group, "B group");
        let value: Value = serde_json::from_str(&wrapped).unwrap();
        assert_eq!(value["States"]["A"]["Next"], "B group");
        let wrapper = &value["States"]["B group"];
        assert_eq!(wrapper["Next"], "D");
        let branch = &wrapper["Branches"][0];
        assert_eq!(branch["StartAt"], "B");
        assert_eq!(branch["States"]["C"], json!({"Type": "Pass", "End": true}));
        assert_eq!(branch["States"]["B"]["Catch"][0]["Next"], "Failed");
        let order: Vec<&String> = value["States"].as_object().unwrap().keys().collect();
        assert_eq!(order, ["A", "B group", "D"]);
        // The text outside the wrapped states is as written.
        assert!(wrapped.starts_with("{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": { \"Type\": \"Pass\", \"Next\": \"B group\" },\n"), "{wrapped}");
        assert!(
            wrapped.ends_with("    \"D\": { \"Type\": \"Succeed\" }\n  }\n}"),
            "{wrapped}"
        );
        let back: Value = serde_json::from_str(&unwrap_state(&wrapped, &group).unwrap()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(CHAIN).unwrap());
        // States in a branch wrap inside it; the Map reads its items.
        let (nested, inner) = wrap_states(&wrapped, &["C".into()], Wrapper::Map).unwrap();
        valid(&nested);
        let value: Value = serde_json::from_str(&nested).unwrap();
        assert_eq!(
            value["States"]["B group"]["Branches"][0]["States"][&inner]["End"],
            true
        );
    }

    #[test]
    fn states_entered_or_left_several_ways_do_not_wrap() {
        let wrap = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            wrap_states(CHAIN, &names, Wrapper::Parallel).unwrap_err()
        };
        assert!(
            wrap(&["B", "C"]).contains("by a rule or a Catch"),
            "{}",
            wrap(&["B", "C"])
        );
        assert!(
            wrap(&["A", "C"]).contains("left one way"),
            "{}",
            wrap(&["A", "C"])
        );
        assert!(
            wrap(&["C", "Failed"]).contains("entered at one"),
            "{}",
            wrap(&["C", "Failed"])
        );
        let err = wrap_states(MACHINE, &["A".into(), "Inner".into()], Wrapper::Map).unwrap_err();
        assert_eq!(err, "The states to wrap must be in the same scope.");
    }
}
