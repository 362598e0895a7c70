//! The Stepwise playground: a Leptos app that renders what the crates compute.
//! Components only render engine state; every ASL rule lives in `crates/`.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod app;
pub mod bench;
pub mod components;
pub mod engine;
pub mod examples;
pub mod highlight;
pub mod measure;
pub mod protocol;
pub mod run;
pub mod workspace;

use leptos::prelude::*;

/// Mount the playground on `<body>`.
pub fn mount() {
    install_panic_hook();
    leptos::mount::mount_to_body(app::App);
}

/// Mount the playground inside `parent` (for embedding, and for tests). Keep the handle
/// alive for as long as the app should stay mounted.
pub fn mount_in(
    parent: web_sys::HtmlElement,
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    install_panic_hook();
    leptos::mount::mount_to(parent, || {
        // No worker script is served beside a mounted copy: it computes runs on the page.
        provide_context(engine::Host::Page);
        app::App().into_any()
    })
}

/// A panic never leaves a blank page: the message goes to the console and onto the page,
/// and the work is still in localStorage for the reload.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let banner = body.owner_document().and_then(|d| d.create_element("div").ok());
            if let Some(banner) = banner {
                banner.set_class_name("crash");
                banner.set_text_content(Some(&format!("Something went wrong: {info}. Your work is saved; reload the page to continue.")));
                let _ = body.prepend_with_node_1(&banner);
            }
        }
    })));
}

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
