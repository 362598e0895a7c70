//! The definition text editor.

use leptos::prelude::*;

/// A text area bound to the definition signal.
#[component]
pub fn DefinitionEditor(text: RwSignal<String>) -> impl IntoView {
    view! {
        <section class="editor">
            <h2>"Definition"</h2>
            <textarea
                class="definition"
                spellcheck="false"
                aria-label="State machine definition"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
        </section>
    }
}
