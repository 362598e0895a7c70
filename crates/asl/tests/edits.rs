//! Every graph edit on every state of every example: an edit either gives JSON text or says
//! why it cannot be made; it never panics, and the edits that keep a machine whole (rename,
//! insert on a transition, wrap and unwrap) give a definition that still loads.

use serde_json::{json, Value};
use stepwise_asl::edit::{self, palette::PALETTE, Place, Wrapper};
use stepwise_asl::{complete, load, LoadOptions};

fn examples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("public/examples exists") {
        let path = entry.expect("a readable directory entry").path();
        let name = path.display().to_string();
        if name.ends_with(".asl.json") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            out.push((name, text));
        }
    }
    assert!(out.len() > 5, "only {} examples in {dir}", out.len());
    out
}

fn loads(what: &str, text: &str) {
    let loaded = load(text, &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{text}");
}

fn json(what: &str, edited: &Result<String, String>) {
    if let Ok(text) = edited {
        serde_json::from_str::<Value>(text)
            .unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{text}"));
    }
}

#[test]
fn every_edit_of_every_state_of_the_examples_gives_json_or_a_reason() {
    let mut edits = 0;
    for (file, text) in examples() {
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let names = complete::state_names(&value);
        for name in &names {
            let what = |action: &str| format!("{file}: {action} {name}");
            // A rename (to a name with spaces and non-ASCII letters) follows every reference.
            let renamed = edit::rename_state(&text, name, "Zahlung prüfen ✓");
            loads(
                &what("rename"),
                renamed
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{}: {e}", what("rename"))),
            );
            for wrapper in [Wrapper::Parallel, Wrapper::Map] {
                if let Ok((wrapped, group)) = edit::wrap_state(&text, name, wrapper) {
                    loads(&what("wrap"), &wrapped);
                    let unwrapped = edit::unwrap_state(&wrapped, &group)
                        .unwrap_or_else(|e| panic!("{}: {e}", what("unwrap")));
                    let back: Value =
                        serde_json::from_str(&unwrapped).expect("unwrapped text is JSON");
                    assert_eq!(back, value, "{}", what("wrap and unwrap"));
                }
            }
            json(&what("delete"), &edit::delete_state(&text, name));
            json(
                &what("set Comment"),
                &edit::set_field(&text, name, "Comment", Some(&json!("ü \"quoted\""))),
            );
            json(
                &what("remove Comment"),
                &edit::set_field(&text, name, "Comment", None),
            );
            for entry in PALETTE {
                let state = entry.state(entry.name);
                if let Ok((added, _)) =
                    edit::add_state(&text, entry.name, &state, &Place::After(name.clone()))
                {
                    serde_json::from_str::<Value>(&added)
                        .unwrap_or_else(|e| panic!("{}: {e}", what(entry.label)));
                }
            }
            for to in &names {
                json(&what("connect"), &edit::connect(&text, name, to));
                json(
                    &what("catch"),
                    &edit::add_catch(&text, name, to, Some("States.Timeout")),
                );
                if let Ok((inserted, _)) =
                    edit::insert_on_edge(&text, name, to, "Between", &json!({"Type": "Pass"}))
                {
                    loads(&what("insert on the way to"), &inserted);
                }
            }
            edits += 1;
        }
    }
    assert!(edits > 50, "only {edits} states were edited");
}
