//! Completion of state names where a definition names a state: inside the string value of
//! `"Next"`, `"Default"` or `"StartAt"`. It reads the text around the caret, not the model,
//! so it works while the definition is being typed and does not parse.

use serde_json::Value;

/// The keys whose values name a state.
const NAMING_KEYS: [&str; 3] = ["Next", "Default", "StartAt"];

/// The partial state name around the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the name starts (just after the opening quote).
    pub start: usize,
    /// Byte offset where the name ends (at the closing quote, or the caret when there is none).
    pub end: usize,
    /// Whether a closing quote follows the name.
    pub closed: bool,
    /// What was typed before the caret.
    pub typed: String,
}

/// What to complete at `caret` (a byte offset), if the caret is inside a state-naming value.
pub fn at(text: &str, caret: usize) -> Option<Completion> {
    let caret = floor_char_boundary(text, caret.min(text.len()));
    let line_start = text[..caret].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..caret];
    let open = before.rfind('"')?;
    let typed = &before[open + 1..];
    // `"Key" : "` before the opening quote.
    let head = before[..open].trim_end().strip_suffix(':')?.trim_end();
    let key = head.strip_suffix('"')?;
    let key = &key[key.rfind('"')? + 1..];
    if !NAMING_KEYS.contains(&key) {
        return None;
    }
    let rest = &text[caret..];
    let until = rest.find(['"', '\n']).unwrap_or(rest.len());
    Some(Completion {
        start: line_start + open + 1,
        end: caret + until,
        closed: rest[until..].starts_with('"'),
        typed: typed.to_owned(),
    })
}

/// Every state name in a definition's JSON, nested scopes included, in document order.
pub fn state_names(definition: &Value) -> Vec<String> {
    let mut names = Vec::new();
    collect(definition, &mut names);
    names
}

fn collect(scope: &Value, names: &mut Vec<String>) {
    let Some(states) = scope.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        names.push(name.clone());
        for branch in state
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect(branch, names);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                collect(processor, names);
            }
        }
    }
}

/// The names that fit what was typed: those starting with it first, then those containing it
/// (ignoring case), at most `limit`.
pub fn candidates<'a>(names: &'a [String], typed: &str, limit: usize) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let starting = (0..names.len()).filter(|&i| lower[i].starts_with(&typed));
    let containing =
        (0..names.len()).filter(|&i| !lower[i].starts_with(&typed) && lower[i].contains(&typed));
    let mut seen = std::collections::HashSet::new();
    starting
        .chain(containing)
        .map(|i| names[i].as_str())
        .filter(|name| seen.insert(*name))
        .take(limit)
        .collect()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caret_at(marked: &str) -> (String, usize) {
        let caret = marked.find('|').expect("a | marks the caret");
        (marked.replacen('|', "", 1), caret)
    }

    #[test]
    fn completes_inside_next_default_and_start_at_values() {
        for (marked, typed) in [
            (r#"{"StartAt": "Va|"#, "Va"),
            ("  \"Next\": \"Pro|cess\",", "Pro"),
            (r#"{"Default":"|"}"#, ""),
        ] {
            let (text, caret) = caret_at(marked);
            let found = at(&text, caret).unwrap_or_else(|| panic!("no completion in {marked}"));
            assert_eq!(found.typed, typed, "{marked}");
        }
        let (text, caret) = caret_at("\"Next\": \"Pro|cess\",");
        let found = at(&text, caret).unwrap();
        assert_eq!(&text[found.start..found.end], "Process");
        assert!(found.closed);
    }

    #[test]
    fn stays_quiet_elsewhere() {
        for marked in [
            r#""Type": "Ta|"#,
            r#""Next|": "A""#,
            r#""Next": "A", "Comment": "x|"#,
            r#""Next": 3|"#,
        ] {
            let (text, caret) = caret_at(marked);
            assert_eq!(at(&text, caret), None, "{marked}");
        }
    }

    #[test]
    fn names_come_from_every_scope_and_rank_prefixes_first() {
        let definition = serde_json::json!({ "StartAt": "Fan", "States": {
            "Fan": { "Type": "Parallel", "Branches": [{ "StartAt": "Pay", "States": { "Pay": {} } }] },
            "Each": { "Type": "Map", "ItemProcessor": { "StartAt": "Repay", "States": { "Repay": {} } } },
            "Done": {} } });
        let names = state_names(&definition);
        assert_eq!(names, ["Fan", "Pay", "Each", "Repay", "Done"]);
        assert_eq!(candidates(&names, "pa", 8), ["Pay", "Repay"]);
        assert_eq!(candidates(&names, "", 2), ["Fan", "Pay"]);
    }
}
