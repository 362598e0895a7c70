//! The engine worker: runs executions off the page's thread and answers the page's
//! requests (see `stepwise_web::protocol`).

use std::cell::RefCell;

use stepwise_web::protocol::{Response, Session};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let session = RefCell::new(Session::default());
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data().as_string().unwrap_or_default();
        session.borrow_mut().handle_text(&request, &mut |answer| {
            let _ = replies.post_message(&JsValue::from_str(&answer));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it: so does its handler.
    on_message.forget();
    let ready = serde_json::to_string(&Response::Ready).unwrap_or_default();
    let _ = scope.post_message(&JsValue::from_str(&ready));
}
