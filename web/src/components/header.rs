//! Title, example gallery, validity, Share.

use leptos::prelude::*;

use crate::app::use_playground;
use crate::examples::EXAMPLES;
use crate::workspace::Workspace;

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let pg = use_playground();
    let share_note = RwSignal::new(String::new());
    let share = move |_| {
        let workspace = pg.workspace_untracked();
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let _ = location.set_hash(&workspace.to_fragment()[1..]);
            share_note.set("Link in the address bar".into());
        }
    };
    let verdict = move || {
        pg.analysis.with(|a| match a.error_count() {
            0 => ("verdict valid", "valid".to_owned()),
            n => ("verdict invalid", format!("{n} error(s)")),
        })
    };
    view! {
        <header class="topbar">
            <h1>"Stepwise"</h1>
            <label class="gallery">
                "Example "
                <select
                    aria-label="Examples"
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            pg.load(Workspace::from_example(&EXAMPLES[i]));
                        }
                    }
                >
                    <option value="" selected>"Choose an example…"</option>
                    {EXAMPLES.iter().enumerate().map(|(i, e)| view! { <option value=i.to_string()>{e.name}</option> }).collect_view()}
                </select>
            </label>
            <span class=move || verdict().0>{move || verdict().1}</span>
            <span class="spacer"></span>
            <span class="share-note">{move || share_note.get()}</span>
            <button class="share" on:click=share>"Share"</button>
        </header>
    }
}
