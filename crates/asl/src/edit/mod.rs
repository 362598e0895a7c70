//! Edits of a definition as edits of its text: the smallest change at the place the loader's
//! spans give, written in the text's own indentation, so the rest of the text stays as the
//! user wrote it. Every edit checks that the result still loads.

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::{json, load, LoadOptions};

mod doc;
pub mod palette;
mod states;
mod wrap;

pub use doc::state_pointer;
pub use states::{
    add_catch, add_choice_rule, add_state, connect, delete_state, insert_on_edge, rename_state,
    set_field, Place,
};
pub use wrap::{unwrap_state, wrap_state, wrap_states, Wrapper};

/// Add `retrier` (a Retry entry) to the state `state` of `text`: first in its `Retry`, or as
/// a new `Retry` member when it has none.
pub fn add_retrier(
    text: &str,
    state: &str,
    retrier: &Value,
    options: &LoadOptions,
) -> Result<String, String> {
    let loaded = load(text, options);
    let machine = loaded.machine.ok_or_else(|| {
        "The definition has errors: fix them before applying a change.".to_owned()
    })?;
    let pointer = machine
        .state_named(state)
        .map(|s| s.pointer.clone())
        .ok_or_else(|| format!("There is no state \"{state}\"."))?;
    let (parsed, spans) = json::parse(text, &mut Sink::default());
    let has_retry = parsed
        .as_ref()
        .and_then(|v| v.pointer(&pointer))
        .is_some_and(|s| s.get("Retry").is_some());
    let (open, existing) = if has_retry {
        (
            spans
                .value_span(&json::child_pointer(&pointer, "Retry"))
                .start,
            true,
        )
    } else {
        (spans.value_span(&pointer).start, false)
    };
    // The indentation of the line after the opening bracket, if the text breaks lines there.
    let after = &text[open + 1..];
    let gap = &after[..after.len() - after.trim_start().len()];
    let indent = gap.rfind('\n').map(|i| &gap[i + 1..]);
    let entry = match indent {
        Some(indent) => reindent(
            &serde_json::to_string_pretty(retrier).unwrap_or_default(),
            indent,
        ),
        None => retrier.to_string(),
    };
    let insertion = match (existing, indent) {
        (true, Some(indent)) => format!("\n{indent}{entry},"),
        (true, None) => format!("{entry},"),
        (false, Some(indent)) => format!(
            "\n{indent}\"Retry\": [\n{indent}  {}\n{indent}],",
            reindent(&entry, "  ")
        ),
        (false, None) => format!("\"Retry\":[{entry}],"),
    };
    let mut edited = String::with_capacity(text.len() + insertion.len());
    edited.push_str(&text[..=open]);
    edited.push_str(&insertion);
    edited.push_str(&text[open + 1..]);
    if load(&edited, options).machine.is_none() {
        return Err(format!(
            "Adding that Retry to \"{state}\" would make the definition invalid."
        ));
    }
    Ok(edited)
}

/// `text` with every line after the first indented by `indent` more.
fn reindent(text: &str, indent: &str) -> String {
    text.replace('\n', &format!("\n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn retrier() -> Value {
        json!({"ErrorEquals": ["Lambda.TooManyRequestsException"], "BackoffRate": 2, "JitterStrategy": "FULL"})
    }

    #[test]
    fn a_retry_member_is_added_in_the_texts_indentation() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Task\",\n      \"Resource\": \"arn:aws:states:::lambda:invoke\",\n      \"End\": true\n    }\n  }\n}";
        let edited = add_retrier(text, "A", &retrier(), &LoadOptions::default()).unwrap();
        let expected = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Retry\": [\n        {\n          \"ErrorEquals\": [\n            \"Lambda.TooManyRequestsException\"\n          ],\n          \"BackoffRate\": 2,\n          \"JitterStrategy\": \"FULL\"\n        }\n      ],\n      \"Type\": \"Task\",\n      \"Resource\": \"arn:aws:states:::lambda:invoke\",\n      \"End\": true\n    }\n  }\n}";
        assert_eq!(edited, expected);
    }

    #[test]
    fn an_existing_retry_gets_the_new_entry_first_and_compact_text_stays_compact() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.Timeout"]}],"End":true}}}"#;
        let edited = add_retrier(text, "A", &retrier(), &LoadOptions::default()).unwrap();
        assert_eq!(
            edited,
            r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"BackoffRate":2,"JitterStrategy":"FULL"},{"ErrorEquals":["States.Timeout"]}],"End":true}}}"#
        );
        let broken = add_retrier("{", "A", &retrier(), &LoadOptions::default()).unwrap_err();
        assert!(broken.contains("has errors"), "{broken}");
        let missing = add_retrier(text, "B", &retrier(), &LoadOptions::default()).unwrap_err();
        assert_eq!(missing, "There is no state \"B\".");
    }
}

/// A machine with every kind of transition, for the edits' tests.
#[cfg(test)]
mod fixture {
    pub const MACHINE: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Next": "B"
    },
    "B": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.x",
          "NumericEquals": 1,
          "Next": "C"
        }
      ],
      "Default": "A"
    },
    "C": {
      "Type": "Parallel",
      "Branches": [
        {
          "StartAt": "Inner",
          "States": {
            "Inner": {
              "Type": "Pass",
              "End": true
            }
          }
        }
      ],
      "Catch": [
        {
          "ErrorEquals": ["States.ALL"],
          "Next": "A"
        }
      ],
      "End": true
    }
  }
}"#;

    pub fn valid(text: &str) {
        let loaded = crate::load(text, &Default::default());
        assert!(
            loaded.errors().next().is_none(),
            "{text}\n{:?}",
            loaded.diagnostics
        );
    }
}
