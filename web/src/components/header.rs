//! Title, example gallery, validity, Share.

use leptos::prelude::*;

use super::files::{DownloadTemplate, OpenFile};
use crate::app::use_playground;
use crate::examples::EXAMPLES;
use crate::workspace::{LinkNotice, Workspace};

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
    // An iframe that shows this machine's graph and run controls on another page.
    let embed_code = RwSignal::new(None::<String>);
    let embed = move |_| {
        let workspace = pg.workspace_untracked();
        embed_code.set(Some(format!(
            "<iframe src=\"{}?embed{}\" width=\"100%\" height=\"520\" style=\"border:0\" title=\"State machine\"></iframe>",
            crate::app::page_address(),
            workspace.to_fragment()
        )));
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
                    {EXAMPLES.iter().enumerate().map(|(i, e)| view! { <option value=i.to_string() data-file=e.file data-test-case=e.test_case>{e.name}</option> }).collect_view()}
                </select>
            </label>
            <label class="machine-type" title="EXPRESS runs at most five minutes, and some integrations are not allowed">
                "Type "
                <select aria-label="Workflow type" on:change=move |ev| { pg.express.set(event_target_value(&ev) == "EXPRESS"); pg.reset(); }>
                    <option value="STANDARD" selected=move || !pg.express.get()>"STANDARD"</option>
                    <option value="EXPRESS" selected=move || pg.express.get()>"EXPRESS"</option>
                </select>
            </label>
            <label class="max-transitions" title="The simulator stops a run after this many state transitions (a limit of Stepwise, not of AWS)">
                "Max transitions "
                <input type="number" min="1" step="1000" aria-label="Max transitions"
                    prop:value=move || pg.max_transitions.get().to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                            pg.max_transitions.set(n.max(1));
                        }
                    }
                />
            </label>
            <span class=move || verdict().0>{move || verdict().1}</span>
            <span class="spacer"></span>
            <span class="share-note">{move || share_note.get()}</span>
            {move || pg.link_notice.get().map(|notice| {
                let (class, text, can_restore) = match notice {
                    LinkNotice::Opened { can_restore } => ("link-notice", "You opened a shared workspace.".to_owned(), can_restore),
                    LinkNotice::Broken(why) => ("link-notice broken", format!("This share link cannot be opened: {why}. Your saved workspace is shown instead."), false),
                };
                view! {
                    <span class=class role="status">
                        {text}
                        {can_restore.then(|| view! {
                            <button class="restore-previous" on:click=move |_| {
                                if let Some(previous) = Workspace::previous() {
                                    pg.load(previous);
                                }
                                pg.link_notice.set(None);
                            }>"Restore my previous workspace"</button>
                        })}
                        <button class="dismiss" aria-label="Dismiss" on:click=move |_| pg.link_notice.set(None)>"×"</button>
                    </span>
                }
            })}
            {move || embed_code.get().map(|code| view! {
                <input class="embed-code" readonly aria-label="Embed code" prop:value=code
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
            })}
            <OpenFile />
            <DownloadTemplate />
            <button class="embed" on:click=embed title="HTML that shows this machine on another page">"Embed"</button>
            <button class="share" on:click=share>"Share"</button>
        </header>
    }
}
