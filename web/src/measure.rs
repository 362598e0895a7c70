//! Text widths measured by the browser (a canvas with the drawing's font), so node boxes fit
//! their labels; natively (tests) a fixed-width estimate.

#[cfg(target_arch = "wasm32")]
thread_local! {
    static CONTEXT: Option<web_sys::CanvasRenderingContext2d> = {
        use wasm_bindgen::JsCast;
        let canvas = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let context = canvas.and_then(|c| c.get_context("2d").ok().flatten()).and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        if let Some(context) = &context {
            context.set_font("12px Helvetica, Arial, sans-serif");
        }
        context
    };
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    // Labels repeat on every keystroke; asking the canvas again would cost a JS call each.
    static CACHE: std::cell::RefCell<std::collections::HashMap<String, f64>> = Default::default();
}

/// The width of `text` in the graph's font, in pixels.
pub fn text_width(text: &str) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(width) = CACHE.with(|c| c.borrow().get(text).copied()) {
            return width;
        }
        let measured = CONTEXT.with(|c| {
            c.as_ref()
                .and_then(|c| c.measure_text(text).ok())
                .map(|m| m.width())
        });
        if let Some(width) = measured {
            CACHE.with(|c| c.borrow_mut().insert(text.to_owned(), width));
            return width;
        }
    }
    stepwise_graph::estimate_text_width(text)
}
