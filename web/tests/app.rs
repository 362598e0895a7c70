//! Component tests: the real app mounted in headless Chromium, driven through its DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement,
};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn find(selector: &str) -> Element {
    document()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn texts(selector: &str) -> Vec<String> {
    let nodes = document().query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.text_content())
        .collect()
}

fn fire(element: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    element
        .dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// A click as a mouse makes it (the graph reads its modifier keys).
fn click(selector: &str) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    find(selector).dispatch_event(&event).unwrap();
}

fn class_of(selector: &str) -> String {
    find(selector).get_attribute("class").unwrap_or_default()
}

async fn settle() {
    gloo_timers::future::TimeoutFuture::new(20).await;
}

/// A fresh app with the default example (nothing restored from an earlier test).
async fn fresh_app() -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    // An app a failed test left behind would answer every selector twice.
    let stale = document().query_selector_all(".test-host").unwrap();
    for i in 0..stale.length() {
        if let Some(node) = stale.item(i) {
            node.parent_node().unwrap().remove_child(&node).unwrap();
        }
    }
    let host: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    host.set_class_name("test-host");
    document().body().unwrap().append_child(&host).unwrap();
    let app = stepwise_web::mount_in(host);
    settle().await;
    app
}

#[wasm_bindgen_test]
async fn the_editor_colours_json_and_marks_errors_while_keeping_the_last_graph() {
    let _app = fresh_app().await;
    assert_eq!(texts(".verdict"), ["valid"]);
    assert!(
        texts("pre.coloured .key")
            .iter()
            .any(|k| k == "\"StartAt\""),
        "keys are coloured"
    );
    assert!(document()
        .query_selector("g.node[data-id='ValidateOrder']")
        .unwrap()
        .is_some());

    let editor: HtmlTextAreaElement = find("textarea.definition").dyn_into().unwrap();
    editor.set_value("{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}\n  }\n}");
    fire(&editor, "input");
    settle().await;
    // The dangling Next, and (as AWS reports too) a machine that cannot end, at "States".
    assert_eq!(texts(".verdict"), ["2 error(s)"]);
    assert_eq!(texts(".problems li.error .where"), ["3:3", "4:35"]);
    assert!(
        !texts("pre.coloured .diag-error").is_empty(),
        "the error is underlined"
    );
    assert_eq!(
        document()
            .query_selector_all(".gutter .marker.error")
            .unwrap()
            .length(),
        2
    );
    assert!(
        document()
            .query_selector("g.node[data-id='ValidateOrder']")
            .unwrap()
            .is_some(),
        "the last good graph stays on screen"
    );

    click("button.reset");
    click(".toolbar button");
    settle().await;
}

#[wasm_bindgen_test]
async fn clicking_a_state_selects_it_and_opens_the_inspector() {
    let _app = fresh_app().await;
    click("g.node[data-id='CheckValidation']");
    settle().await;
    assert!(class_of("g.node[data-id='CheckValidation']").contains("selected"));
    assert_eq!(texts(".inspected"), ["CheckValidation"]);
    assert!(class_of(".tab.active").contains("active"));
    assert_eq!(texts(".tab.active"), ["Inspector"]);
}

#[wasm_bindgen_test]
async fn run_step_and_scrub_replay_the_recorded_history() {
    let _app = fresh_app().await;
    click("button.run");
    settle().await;
    // The example as commonly written fails in UpdateInventory.
    assert_eq!(texts(".run-status"), ["FAILED"]);
    let count = texts(".event-count")[0].clone();
    let total: usize = count.split('/').nth(1).unwrap().parse().unwrap();
    assert_eq!(count, format!("{total}/{total}"));
    assert!(class_of("g.node[data-id='UpdateInventory']").contains("status-failed"));
    assert!(class_of("g.node[data-id='ValidateOrder']").contains("status-succeeded"));

    let scrubber: HtmlInputElement = find("input.scrubber").dyn_into().unwrap();
    scrubber.set_value("2");
    fire(&scrubber, "input");
    settle().await;
    assert_eq!(texts(".event-count"), [format!("2/{total}")]);
    assert!(
        class_of("g.node[data-id='ValidateOrder']").contains("status-active"),
        "after TaskStateEntered the state is active"
    );
    assert!(
        !class_of("g.node[data-id='UpdateInventory']").contains("status-"),
        "later states are untouched"
    );

    click("button.step");
    settle().await;
    assert_eq!(texts(".event-count"), [format!("3/{total}")]);

    click(".tab:nth-child(3)");
    settle().await;
    assert_eq!(
        document()
            .query_selector_all("table.events tr.event")
            .unwrap()
            .length(),
        3
    );
}

#[wasm_bindgen_test]
async fn the_mocks_form_picks_a_test_case_and_reports_broken_files() {
    let _app = fresh_app().await;
    click(".tab:nth-child(2)");
    settle().await;
    let picker: HtmlSelectElement = find("select[aria-label='Test case']").dyn_into().unwrap();
    picker.set_value("InvalidOrder");
    fire(&picker, "change");
    settle().await;
    click("button.run");
    settle().await;
    // As written, NotifyValidationFailure reads $.error, which only a Catch sets.
    assert_eq!(texts(".run-status"), ["FAILED"]);
    assert!(class_of("g.node[data-id='NotifyValidationFailure']").contains("status-failed"));

    let mocks: HtmlTextAreaElement = find("textarea.mocks").dyn_into().unwrap();
    mocks.set_value("{\"StateMachines\": {\"M\": {\"TestCases\": {\"InvalidOrder\": {\"ValidateOrder\": \"Missing\"}}}}, \"MockedResponses\": {}}");
    fire(&mocks, "input");
    settle().await;
    click("button.run");
    settle().await;
    let problem = texts(".tab-body ul.diagnostics li .message");
    assert!(
        problem.iter().any(|m| m.contains("\"Missing\"")),
        "the broken mock file is explained: {problem:?}"
    );
}

/// A machine whose one Task waits for a callback, with a 60-second heartbeat.
const CALLBACK_MACHINE: &str = r#"{"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 60,
  "ResultPath": "$.approval", "End": true}}}"#;

async fn waiting_on_a_callback(
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    let app = fresh_app().await;
    let editor: HtmlTextAreaElement = find("textarea.definition").dyn_into().unwrap();
    editor.set_value(CALLBACK_MACHINE);
    fire(&editor, "input");
    gloo_timers::future::TimeoutFuture::new(400).await;
    click("button.run");
    settle().await;
    assert_eq!(texts(".run-status"), ["WAITING"]);
    click(".tab:nth-child(5)");
    settle().await;
    app
}

#[wasm_bindgen_test]
async fn the_callbacks_tab_answers_a_waiting_task() {
    let _app = waiting_on_a_callback().await;
    click("button.heartbeat");
    settle().await;
    assert_eq!(
        texts(".run-status"),
        ["WAITING"],
        "a heartbeat keeps it waiting"
    );
    click("button.send-success");
    settle().await;
    assert_eq!(texts(".run-status"), ["SUCCEEDED"]);
    assert!(class_of("g.node[data-id='Approve']").contains("status-succeeded"));
}

#[wasm_bindgen_test]
async fn letting_time_pass_without_a_heartbeat_times_the_task_out() {
    let _app = waiting_on_a_callback().await;
    let seconds: HtmlInputElement = find("input.seconds").dyn_into().unwrap();
    seconds.set_value("61");
    fire(&seconds, "input");
    click("button.advance");
    settle().await;
    assert_eq!(texts(".run-status"), ["FAILED"]);
    // As AWS reports a missed heartbeat: a timeout (a Retry or Catch of
    // States.HeartbeatTimeout still matches it).
    assert_eq!(texts(".run-error"), ["States.Timeout"]);
}

#[wasm_bindgen_test]
async fn typing_a_next_value_offers_the_state_names() {
    let _app = fresh_app().await;
    let editor: HtmlTextAreaElement = find("textarea.definition").dyn_into().unwrap();
    let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Fin\"}, \"Finish\": {\"Type\": \"Succeed\"}, \"Final\": {\"Type\": \"Pass\", \"Next\": \"Finish\"}}}";
    editor.focus().unwrap();
    editor.set_value(text);
    let caret = text.find("Fin\"").unwrap() as u32 + 3;
    editor.set_selection_range(caret, caret).unwrap();
    fire(&editor, "input");
    settle().await;
    assert_eq!(texts("ul.completions li"), ["Finish", "Final"]);

    // Down picks the second; Enter writes it into the string.
    for key in ["ArrowDown", "Enter"] {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        editor.dispatch_event(&event).unwrap();
        settle().await;
    }
    assert!(
        editor.value().contains("\"Next\": \"Final\"}"),
        "{}",
        editor.value()
    );
    assert!(texts("ul.completions li").is_empty(), "the list closes");
    assert_eq!(texts(".verdict"), ["valid"]);
}

#[wasm_bindgen_test]
async fn the_mock_form_writes_a_thrown_error_the_next_run_meets() {
    let _app = fresh_app().await;
    click(".tab:nth-child(2)");
    settle().await;
    let state: HtmlSelectElement = find("select[aria-label='State to mock']")
        .dyn_into()
        .unwrap();
    state.set_value("ValidateOrder");
    fire(&state, "change");
    // A real click, so the radio button's own behaviour (checking it) runs.
    find("input.throws")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    let error: HtmlInputElement = find(".failure-fields input[aria-label='Error']")
        .dyn_into()
        .unwrap();
    error.set_value("Lambda.Unknown");
    fire(&error, "input");
    click("button.add-mock");
    settle().await;
    let mocks: HtmlTextAreaElement = find("textarea.mocks").dyn_into().unwrap();
    assert!(
        mocks.value().contains("Lambda.Unknown"),
        "{}",
        mocks.value()
    );
    click("button.run");
    settle().await;
    // The Catch sends the failure to NotifyValidationFailure, whose States.Format writes the
    // error object at $.error as AWS does (`{Error=Lambda.Unknown, Cause=...}`), and the
    // run ends in ValidationFailed.
    assert!(class_of("g.node[data-id='ValidateOrder']").contains("status-caught"));
    assert!(class_of("g.node[data-id='NotifyValidationFailure']").contains("status-succeeded"));
    assert_eq!(texts(".run-error"), ["ValidationError"]);
}

#[wasm_bindgen_test]
async fn a_substitution_value_resolves_its_placeholder() {
    let _app = fresh_app().await;
    let unresolved = || {
        texts(".problems li .message")
            .iter()
            .filter(|m| m.contains("${ValidateOrderFunction}"))
            .count()
    };
    assert_eq!(unresolved(), 1);
    let value: HtmlInputElement = find("input[aria-label='Value of ValidateOrderFunction']")
        .dyn_into()
        .unwrap();
    value.set_value("arn:aws:lambda:us-east-1:123456789012:function:validate");
    fire(&value, "input");
    settle().await;
    assert_eq!(unresolved(), 0);
}

#[wasm_bindgen_test]
async fn choosing_express_lints_and_runs_as_express() {
    let _app = fresh_app().await;
    let codes = || texts(".problems li .code");
    assert!(!codes().iter().any(|c| c == "LINT007"));
    let kind: HtmlSelectElement = find("select[aria-label='Workflow type']")
        .dyn_into()
        .unwrap();
    kind.set_value("EXPRESS");
    fire(&kind, "change");
    settle().await;
    // The order workflow's .waitForTaskToken payment is not allowed in EXPRESS.
    assert!(codes().iter().any(|c| c == "LINT007"), "{:?}", codes());
}
