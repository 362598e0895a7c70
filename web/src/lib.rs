//! The Stepwise playground: a Leptos app that renders what the engine crates compute.
//! Components only render engine state; every ASL rule lives in `crates/`.
#![forbid(unsafe_code)]

pub mod app;
pub mod components;
pub mod examples;

/// Mount the playground on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// Mount the playground inside `parent` (for embedding, and for tests). Keep the handle
/// alive for as long as the app should stay mounted.
pub fn mount_in(
    parent: web_sys::HtmlElement,
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to(parent, || leptos::prelude::IntoAny::into_any(app::App()))
}
