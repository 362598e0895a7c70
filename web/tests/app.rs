//! Component tests: mount the real app in headless Chromium and read the rendered DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlTextAreaElement, InputEvent};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn texts(selector: &str) -> Vec<String> {
    let nodes = document().query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.text_content())
        .collect()
}

async fn next_tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
async fn shows_the_example_states_and_reports_broken_json_with_position() {
    let host: web_sys::HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let _app = stepwise_web::mount_in(host);
    next_tick().await;

    let names = texts("ul.states li .name");
    assert_eq!(names.first().map(String::as_str), Some("ValidateOrder"));
    assert!(
        names.contains(&"ParallelFulfillment".to_owned()),
        "states listed: {names:?}"
    );
    assert_eq!(texts(".status"), ["valid"]);

    let editor: HtmlTextAreaElement = document()
        .query_selector("textarea.definition")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    editor.set_value("{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"End\": true},\n  }\n}");
    editor
        .dispatch_event(&InputEvent::new("input").unwrap())
        .unwrap();
    next_tick().await;

    assert_eq!(texts(".status"), ["1 error(s)"]);
    assert!(texts("ul.states li").is_empty());
    let position = texts("ul.diagnostics li .where");
    assert_eq!(position, ["4:39"], "the error points at the trailing comma");
}
