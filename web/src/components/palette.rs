//! The palette beside the graph: the state types and service tasks a machine is built from.
//! Click an entry (or press Enter on it) to add it at the selection; drag it onto a
//! transition to insert it there, onto a state to add it after that state, or onto the
//! empty graph to add it unconnected.

use leptos::prelude::*;
use stepwise_asl::edit::palette::{PALETTE, STATE_TYPES};

use super::design::{add_from_palette, palette_target, Target};
use crate::app::use_playground;

/// The palette column.
#[component]
pub fn Palette() -> impl IntoView {
    let pg = use_playground();
    let entry = move |index: usize| {
        let label = PALETTE[index].label;
        view! {
            <button class="palette-entry" draggable="true" data-index=index
                title=move || format!("{} (drag onto a transition or a state)", palette_target(pg))
                on:click=move |_| add_from_palette(pg, index, Target::Selection)
                on:dragstart=move |ev: web_sys::DragEvent| {
                    if let Some(data) = ev.data_transfer() {
                        // A type of its own: dropped on a text field, it inserts nothing.
                        let _ = data.set_data("application/x-stepwise-state", &index.to_string());
                        data.set_effect_allowed("copy");
                    }
                    pg.dragging.set(Some(index));
                }
                on:dragend=move |_| pg.dragging.set(None)>
                {label}
            </button>
        }
    };
    view! {
        <nav class="palette" aria-label="Add a state">
            <p class="palette-where">{move || palette_target(pg)}</p>
            <h5>"States"</h5>
            {(0..STATE_TYPES).map(entry).collect_view()}
            <h5>"Services"</h5>
            {(STATE_TYPES..PALETTE.len()).map(entry).collect_view()}
        </nav>
    }
}

/// What a drop of the dragged palette entry on `target` does: the handlers for a drop
/// target's dragover (accept and mark) and drop (add there).
pub fn drop_handlers(
    target: impl Fn() -> Target + 'static,
    marked: RwSignal<bool>,
) -> (
    impl Fn(web_sys::DragEvent) + Copy + 'static,
    impl Fn(web_sys::DragEvent) + 'static,
) {
    let pg = use_playground();
    let over = move |ev: web_sys::DragEvent| {
        if pg.dragging.get_untracked().is_some() {
            ev.prevent_default();
            ev.stop_propagation();
            if !marked.get_untracked() {
                marked.set(true);
            }
        }
    };
    let dropped = move |ev: web_sys::DragEvent| {
        marked.set(false);
        if let Some(index) = pg.dragging.get_untracked() {
            ev.prevent_default();
            ev.stop_propagation();
            pg.dragging.set(None);
            add_from_palette(pg, index, target());
        }
    };
    (over, dropped)
}
