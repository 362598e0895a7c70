//! Getting machines in and out: open a file (a definition in JSON or YAML, or a SAM or
//! CloudFormation template), import a template pasted into the editor, and download the
//! machine as a template that deploys it (the asl crate reads and writes them).

use leptos::prelude::*;
use stepwise_asl::template::{self, Flavour};
use wasm_bindgen::JsCast;

use crate::app::{use_playground, Playground};

/// Put `text` in the workspace: a template's state machine `resource` (with its
/// substitutions and type), or the text itself.
fn open_text(pg: Playground, text: String, resource: Option<&str>) {
    if !template::is_template(&text) {
        pg.edit(text);
        pg.reset();
        return;
    }
    let no_files = |path: &str| {
        Err(format!(
            "its definition is in the file {path}, which a browser cannot read from here: open that file instead"
        ))
    };
    let resource = resource
        .map(str::to_owned)
        .or_else(|| template::state_machines(&text).into_iter().next());
    match template::import(&text, resource.as_deref(), &no_files) {
        Ok(imported) => {
            pg.edit(imported.definition);
            pg.substitutions.set(imported.substitutions);
            pg.express
                .set(imported.machine_type == stepwise_asl::MachineType::Express);
            pg.reset();
            let findings: Vec<String> = imported
                .findings
                .iter()
                .map(|(code, m)| format!("{code}: {m}"))
                .collect();
            let note = format!("Imported \"{}\" from the template.", imported.resource);
            pg.notice.set(Some(if findings.is_empty() {
                note
            } else {
                format!("{note} {}", findings.join(" "))
            }));
        }
        Err(message) => pg
            .notice
            .set(Some(format!("The template cannot be imported: {message}"))),
    }
}

/// "Open…": a file from the reader's disk.
#[component]
pub fn OpenFile() -> impl IntoView {
    let pg = use_playground();
    let on_change = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let Ok(reader) = web_sys::FileReader::new() else {
            return;
        };
        let loaded = reader.clone();
        let on_load = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Some(text) = loaded.result().ok().and_then(|r| r.as_string()) {
                open_text(pg, text, None);
            }
        });
        reader.set_onload(Some(on_load.unchecked_ref()));
        let _ = reader.read_as_text(&file);
        input.set_value("");
    };
    view! {
        <label class="open-file button" title="Open a definition (JSON or YAML) or a SAM or CloudFormation template">
            "Open…"
            <input type="file" accept=".json,.yaml,.yml,.template" aria-label="Open a file" on:change=on_change />
        </label>
    }
}

/// Download the machine as a SAM or CloudFormation template.
#[component]
pub fn DownloadTemplate() -> impl IntoView {
    let pg = use_playground();
    let download = move |flavour: Flavour| {
        let text = pg.definition.get_untracked();
        let machine_type = pg.machine_type_untracked();
        let values = pg.substitutions.get_untracked();
        match template::export(&text, flavour, machine_type, &values, None) {
            Ok(exported) => save_file("template.yaml", &exported.template),
            Err(message) => pg.notice.set(Some(message)),
        }
    };
    view! {
        <select class="download" aria-label="Download" on:change=move |ev| {
            match event_target_value(&ev).as_str() {
                "sam" => download(Flavour::Sam),
                "cfn" => download(Flavour::Cfn),
                _ => {}
            }
            if let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                select.set_value("");
            }
        }>
            <option value="" selected>"Download…"</option>
            <option value="sam">"SAM template"</option>
            <option value="cfn">"CloudFormation template"</option>
        </select>
    }
}

/// Offer the reader a file with `text` in it.
fn save_file(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Above the problems, when the editor holds a template rather than a definition: import
/// one of its state machines.
#[component]
pub fn TemplateBanner() -> impl IntoView {
    let pg = use_playground();
    let machines = Memo::new(move |_| {
        pg.definition.with(|text| {
            if template::is_template(text) {
                Some(template::state_machines(text))
            } else {
                None
            }
        })
    });
    move || {
        machines.get().map(|machines| {
            let chosen = RwSignal::new(machines.first().cloned());
            let many = machines.len() > 1;
            view! {
                <div class="template-banner" role="status">
                    <span>"This is a SAM or CloudFormation template, not a definition."</span>
                    {many.then(|| view! {
                        <select aria-label="State machine" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                            {machines.iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                        </select>
                    })}
                    <button class="import-template" on:click=move |_| {
                        let text = pg.definition.get_untracked();
                        open_text(pg, text, chosen.get_untracked().as_deref());
                    }>"Import its state machine"</button>
                </div>
            }
        })
    }
}
