//! The problems list: every diagnostic; a click puts the caret on it.

use std::collections::HashMap;

use leptos::prelude::*;
use stepwise_asl::{Diagnostic, Severity};

use super::files::TemplateBanner;
use crate::app::use_playground;

/// What a code means, and the code AWS gives the same finding (from the one table of codes).
fn code_title(code: &str) -> String {
    match stepwise_asl::codes::lookup(code) {
        Some(c) => match c.aws {
            Some(aws) => format!("{}; AWS reports it as {aws}", c.title),
            None => format!("{} (a Stepwise lint; AWS does not report it)", c.title),
        },
        None => String::new(),
    }
}

/// The key a diagnostic's row is kept under: what it says and of what, not where (an edit
/// above it moves it without drawing it anew), and how many alike came before.
fn keyed(diagnostics: &[Diagnostic]) -> Vec<(String, Diagnostic)> {
    let mut seen = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let key = format!("{}|{}|{}", d.code, d.pointer, d.message);
            let count = seen.entry(key.clone()).or_insert(0);
            *count += 1;
            (format!("{key}|{count}"), d.clone())
        })
        .collect()
}

/// Diagnostics under the editor.
#[component]
pub fn Problems() -> impl IntoView {
    let pg = use_playground();
    let rows = Memo::new(move |_| pg.analysis.with(|a| keyed(&a.diagnostics)));
    let placed = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .map(|(key, d)| (key.clone(), (d.span.start, d.start.line, d.start.column)))
                .collect::<HashMap<_, _>>()
        })
    });
    view! {
        <div class="problems">
            <TemplateBanner />
            <h3>"Problems"</h3>
            <ul class="diagnostics">
                <For
                    each=move || rows.get()
                    key=|(key, _)| key.clone()
                    children=move |(key, d)| {
                        let class = if d.severity == Severity::Error { "error" } else { "warning" };
                        let at = Memo::new(move |_| placed.with(|p| p.get(&key).copied()).unwrap_or((d.span.start, d.start.line, d.start.column)));
                        view! {
                            <li class=class on:click=move |_| pg.jump_to.set(Some(at.get_untracked().0))>
                                <span class="where">{move || { let (_, line, column) = at.get(); format!("{line}:{column}") }}</span>
                                <span class="message">{d.message.clone()}</span>
                                <span class="code" title=code_title(d.code)>{d.code}</span>
                                {d.hint.clone().map(|h| view! { <span class="hint">{h}</span> })}
                            </li>
                        }
                    }
                />
            </ul>
        </div>
    }
}
