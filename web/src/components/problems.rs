//! The problems list: every diagnostic; a click puts the caret on it.

use leptos::prelude::*;
use stepwise_asl::Severity;

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

/// Diagnostics under the editor.
#[component]
pub fn Problems() -> impl IntoView {
    let pg = use_playground();
    view! {
        <div class="problems">
            <TemplateBanner />
            <h3>"Problems"</h3>
            <ul class="diagnostics">
                <For
                    each=move || pg.analysis.with(|a| a.diagnostics.clone())
                    key=|d| (d.code, d.span.start, d.span.end, d.message.clone())
                    children=move |d| {
                        let class = if d.severity == Severity::Error { "error" } else { "warning" };
                        let offset = d.span.start;
                        view! {
                            <li class=class on:click=move |_| pg.jump_to.set(Some(offset))>
                                <span class="where">{format!("{}:{}", d.start.line, d.start.column)}</span>
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
