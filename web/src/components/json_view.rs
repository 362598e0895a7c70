//! A titled block of formatted JSON.

use leptos::prelude::*;
use serde_json::Value;

/// Pretty-printed JSON under a title; "—" when absent.
#[component]
pub fn JsonBlock(title: &'static str, value: Option<Value>) -> impl IntoView {
    let text = value.map_or_else(
        || "—".to_owned(),
        |v| serde_json::to_string_pretty(&v).unwrap_or_default(),
    );
    view! {
        <div class="json-block">
            <h4>{title}</h4>
            <pre>{text}</pre>
        </div>
    }
}
