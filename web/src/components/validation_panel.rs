//! The validity verdict, the list of states, and the diagnostics.

use leptos::prelude::*;
use stepwise_asl::Severity;

use crate::app::LoadedView;

/// Shows "valid" and the states, or the diagnostics with line and column.
#[component]
pub fn ValidationPanel(loaded: Memo<LoadedView>) -> impl IntoView {
    let error_count =
        move || loaded.with(|l| l.diagnostics.iter().filter(|d| d.is_error()).count());
    view! {
        <section class="validation">
            <h2>"Validation"</h2>
            {move || match error_count() {
                0 => view! { <p class="status valid">"valid"</p> }.into_any(),
                n => view! { <p class="status invalid">{format!("{n} error(s)")}</p> }.into_any(),
            }}
            <ul class="diagnostics">
                <For
                    each=move || loaded.get().diagnostics
                    key=|d| (d.code, d.span.start, d.message.clone())
                    children=|d| {
                        let class = if d.severity == Severity::Error { "error" } else { "warning" };
                        view! {
                            <li class=class>
                                <span class="where">{format!("{}:{}", d.start.line, d.start.column)}</span>
                                <span class="message">{d.message.clone()}</span>
                                <span class="code">{d.code}</span>
                                {d.hint.clone().map(|h| view! { <span class="hint">{h}</span> })}
                            </li>
                        }
                    }
                />
            </ul>
            <ul class="states">
                <For
                    each=move || loaded.get().states
                    key=|(name, _)| name.clone()
                    children=|(name, kind)| view! {
                        <li><span class="name">{name}</span><span class="type">{kind}</span></li>
                    }
                />
            </ul>
        </section>
    }
}
