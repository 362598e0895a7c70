//! The page's handle on the engine. Runs happen in a Web Worker, so a long or endless run
//! never blocks typing, scrolling or the Stop button; Stop ends a run that does not yield by
//! terminating the worker and starting a fresh one. Requests and answers are the
//! [`crate::protocol`] messages, as JSON text.
//!
//! Component tests mount the app inside the test page, where no worker script is served:
//! there the same [`Session`] answers on the page, one timer tick later, so the views see
//! the same asynchronous flow.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::protocol::{Request, Response, Session};

/// Where runs are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// In a Web Worker (`worker.js`, built beside the app).
    Worker,
    /// On the page itself (component tests).
    Page,
}

/// The worker Trunk builds from `src/bin/worker.rs`, beside `index.html`: its script and
/// its wasm, found relative to the page so the site works from any sub-path.
const WORKER_SCRIPT: &str = "worker.js";
const WORKER_WASM: &str = "worker_bg.wasm";

type Listener = Rc<dyn Fn(Response)>;

/// Sends requests to the engine; every answer goes to the listener given at creation.
pub struct Engine {
    host: Host,
    listener: Listener,
    backend: Rc<RefCell<Backend>>,
}

enum Backend {
    Worker(WorkerState),
    Page(Rc<RefCell<Session>>),
}

struct WorkerState {
    worker: Worker,
    /// Requests sent before the worker said it was ready (they would be lost).
    queue: Option<Vec<String>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Engine {
    /// An engine on `host`, answering to `listener`.
    pub fn new(host: Host, listener: impl Fn(Response) + 'static) -> Engine {
        let listener: Listener = Rc::new(listener);
        let backend = Rc::new(RefCell::new(Backend::Page(Rc::default())));
        let engine = Engine {
            host,
            listener,
            backend,
        };
        engine.restart();
        engine
    }

    /// Send a request; its answer comes to the listener.
    pub fn send(&self, request: &Request) {
        let text = serde_json::to_string(request).unwrap_or_default();
        match &mut *self.backend.borrow_mut() {
            Backend::Worker(state) => match &mut state.queue {
                Some(queue) => queue.push(text),
                None => {
                    let _ = state.worker.post_message(&JsValue::from_str(&text));
                }
            },
            Backend::Page(session) => {
                let session = session.clone();
                let listener = self.listener.clone();
                gloo_timers::callback::Timeout::new(0, move || {
                    session.borrow_mut().handle_text(&text, &mut |answer| {
                        if let Ok(response) = serde_json::from_str(&answer) {
                            listener(response);
                        }
                    });
                })
                .forget();
            }
        }
    }

    /// Drop the current run however busy the engine is: a fresh worker (or session) takes
    /// the place of the old one.
    pub fn restart(&self) {
        if let Backend::Worker(state) = &*self.backend.borrow() {
            state.worker.terminate();
        }
        let fresh = match self.host {
            Host::Worker => spawn_worker(self.listener.clone(), Rc::downgrade(&self.backend)),
            Host::Page => None,
        };
        *self.backend.borrow_mut() = match fresh {
            Some(state) => Backend::Worker(state),
            None => Backend::Page(Rc::default()),
        };
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Backend::Worker(state) = &*self.backend.borrow() {
            state.worker.terminate();
        }
    }
}

/// Start the worker; `None` (computing on the page instead) when the browser refuses.
fn spawn_worker(
    listener: Listener,
    backend: std::rc::Weak<RefCell<Backend>>,
) -> Option<WorkerState> {
    let worker = Worker::new(&loader_url()?).ok()?;
    let ready_backend = backend.clone();
    let on_message_listener = listener.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match serde_json::from_str::<Response>(&text) {
            Ok(Response::Ready) => flush_queue(&ready_backend),
            Ok(response) => on_message_listener(response),
            Err(e) => on_message_listener(Response::Refused(format!("Unreadable answer: {e}"))),
        }
    });
    // A worker that dies (out of memory, say) is reported; the next Run starts a new one.
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        listener(Response::Refused(format!(
            "The engine stopped: {}",
            event.message()
        )));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(WorkerState {
        worker,
        queue: Some(Vec::new()),
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// A script that loads the worker's glue and then its wasm. Trunk's worker glue does not
/// start itself, and inside a worker it cannot tell where its wasm is.
fn loader_url() -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    let resolve = |file: &str| {
        web_sys::Url::new_with_base(file, &base)
            .ok()
            .map(|u| u.href())
    };
    let (script, wasm) = (resolve(WORKER_SCRIPT)?, resolve(WORKER_WASM)?);
    let source = js_sys::Array::of1(&JsValue::from_str(&format!(
        "importScripts({script:?}); wasm_bindgen({wasm:?});"
    )));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The worker is ready: send what waited.
fn flush_queue(backend: &std::rc::Weak<RefCell<Backend>>) {
    let Some(backend) = backend.upgrade() else {
        return;
    };
    let mut backend = backend.borrow_mut();
    if let Backend::Worker(state) = &mut *backend {
        for text in state.queue.take().unwrap_or_default() {
            let _ = state.worker.post_message(&JsValue::from_str(&text));
        }
    }
}
