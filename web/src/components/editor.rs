//! The definition editor: a textarea over a coloured copy of its text, with line numbers,
//! diagnostic underlines and gutter markers, auto-indent, bracket pairing and Format.

use leptos::html;
use leptos::prelude::*;
use stepwise_asl::{Diagnostic, Severity};
use wasm_bindgen::JsCast;

use crate::app::use_playground;
use crate::highlight;

/// One coloured, possibly underlined run of the text.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Run {
    text: String,
    class: String,
    title: Option<String>,
}

/// Split the coloured pieces at diagnostic boundaries and mark the underlined runs.
/// Linear in the text plus the diagnostics' spans: the segments between boundaries each know
/// their worst covering diagnostic, and pieces find their segments by binary search.
fn decorate(text: &str, diagnostics: &[Diagnostic]) -> Vec<Run> {
    let spans: Vec<(usize, usize, &Diagnostic)> = diagnostics
        .iter()
        .map(|d| {
            let end = if d.span.end > d.span.start {
                d.span.end
            } else {
                (d.span.start + 1).min(text.len())
            };
            (d.span.start.min(text.len()), end.min(text.len()), d)
        })
        .collect();
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|&(s, e, _)| [s, e])
        .filter(|&c| text.is_char_boundary(c))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    // covering[i]: the worst diagnostic over the segment that starts at cuts[i].
    let mut covering: Vec<Option<&Diagnostic>> = vec![None; cuts.len()];
    for &(start, end, d) in &spans {
        let first = cuts.partition_point(|&c| c < start);
        for slot in covering
            .iter_mut()
            .take(cuts.partition_point(|&c| c < end))
            .skip(first)
        {
            if slot.is_none_or(|w| d.severity < w.severity) {
                *slot = Some(d);
            }
        }
    }
    let worst_at = |position: usize| -> Option<&Diagnostic> {
        let i = cuts.partition_point(|&c| c <= position);
        i.checked_sub(1).and_then(|i| covering[i])
    };
    let mut runs = Vec::new();
    for piece in highlight::pieces(text) {
        let end = piece.start + piece.text.len();
        let mut from = piece.start;
        let inner = cuts.partition_point(|&c| c <= piece.start)..cuts.partition_point(|&c| c < end);
        for &cut in cuts[inner].iter().chain(std::iter::once(&end)) {
            let hit = worst_at(from);
            let class = match hit {
                Some(d) if d.severity == Severity::Error => format!("{} diag-error", piece.class),
                Some(_) => format!("{} diag-warning", piece.class),
                None => piece.class.to_owned(),
            };
            runs.push(Run {
                text: text[from..cut].to_owned(),
                class,
                title: hit.map(|d| format!("{} {}", d.code, d.message)),
            });
            from = cut;
        }
    }
    runs
}

/// A line of coloured runs with a key that stays the same while the line does (its content
/// hash and how many identical lines came before it), so unchanged lines keep their DOM.
#[derive(Clone)]
struct Line {
    key: (u64, usize),
    runs: std::sync::Arc<[Run]>,
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

fn lines(runs: Vec<Run>) -> Vec<Line> {
    use std::hash::{Hash, Hasher};
    let mut lines: Vec<Vec<Run>> = vec![Vec::new()];
    for run in runs {
        let mut parts = run.text.split('\n').peekable();
        while let Some(part) = parts.next() {
            if !part.is_empty() {
                lines.last_mut().expect("non-empty").push(Run {
                    text: part.to_owned(),
                    ..run.clone()
                });
            }
            if parts.peek().is_some() {
                lines.push(Vec::new());
            }
        }
    }
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    lines
        .into_iter()
        .map(|runs| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            runs.hash(&mut hasher);
            let hash = hasher.finish();
            let count = seen.entry(hash).or_default();
            *count += 1;
            Line {
                key: (hash, *count),
                runs: runs.into(),
            }
        })
        .collect()
}

/// UTF-16 offset (what textareas use) of a byte offset.
fn utf16_offset(text: &str, byte: usize) -> u32 {
    text[..byte.min(text.len())].encode_utf16().count() as u32
}

/// The editor.
#[component]
pub fn Editor() -> impl IntoView {
    let pg = use_playground();
    let area: NodeRef<html::Textarea> = NodeRef::new();
    let coloured: NodeRef<html::Pre> = NodeRef::new();
    let gutter: NodeRef<html::Div> = NodeRef::new();
    let coloured_lines = Memo::new(move |_| {
        pg.analysis
            .with(|a| lines(decorate(&a.source, &a.diagnostics)))
    });
    // Gutter: one row per line, marked with the worst diagnostic starting there.
    let gutter_rows = Memo::new(move |_| {
        pg.analysis.with(|a| {
            let lines = a.source.split('\n').count();
            (1..=lines)
                .map(|line| {
                    let worst = a
                        .diagnostics
                        .iter()
                        .filter(|d| d.start.line == line)
                        .min_by_key(|d| d.severity);
                    let marker = worst.map(|d| {
                        (
                            if d.is_error() {
                                "marker error"
                            } else {
                                "marker warning"
                            },
                            format!("{} {}", d.code, d.message),
                        )
                    });
                    (line, marker)
                })
                .collect::<Vec<_>>()
        })
    });
    let sync_scroll = move || {
        if let (Some(area), Some(pre), Some(gutter)) = (area.get(), coloured.get(), gutter.get()) {
            pre.set_scroll_top(area.scroll_top());
            pre.set_scroll_left(area.scroll_left());
            gutter.set_scroll_top(area.scroll_top());
        }
    };
    // Jump requests from the problems list and the graph.
    Effect::new(move |_| {
        if let (Some(offset), Some(area)) = (pg.jump_to.get(), area.get()) {
            let at = pg.definition.with_untracked(|t| utf16_offset(t, offset));
            let _ = area.focus();
            let _ = area.set_selection_range(at, at);
            let line = pg
                .definition
                .with_untracked(|t| t[..offset.min(t.len())].matches('\n').count());
            area.set_scroll_top((line as i32 - 5).max(0) * 19);
            sync_scroll();
            pg.jump_to.set(None);
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let Some(area) = area.get() else { return };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let value: Vec<u16> = area.value().encode_utf16().collect();
        let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = area.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
        let (start, end) = (start.min(value.len()), end.min(value.len()));
        let before = if start > 0 { value[start - 1] } else { 0 };
        let after = value.get(end).copied().unwrap_or(0);
        let closer = |c: u16| c == b'}' as u16 || c == b']' as u16;
        let (insert, caret): (String, usize) = match ev.key().as_str() {
            "Enter" => {
                let line_start = value[..start]
                    .iter()
                    .rposition(|&c| c == b'\n' as u16)
                    .map_or(0, |i| i + 1);
                let indent: String = value[line_start..start]
                    .iter()
                    .take_while(|&&c| c == b' ' as u16)
                    .map(|_| ' ')
                    .collect();
                if before == b'{' as u16 || before == b'[' as u16 {
                    let inner = format!("\n{indent}  ");
                    let caret = inner.encode_utf16().count();
                    if closer(after) {
                        (format!("{inner}\n{indent}"), caret)
                    } else {
                        (inner, caret)
                    }
                } else {
                    let text = format!("\n{indent}");
                    let caret = text.encode_utf16().count();
                    (text, caret)
                }
            }
            "Tab" => ("  ".to_owned(), 2),
            "{" if start == end => ("{}".to_owned(), 1),
            "[" if start == end => ("[]".to_owned(), 1),
            "\"" if start == end && after == b'"' as u16 => (String::new(), 1),
            "\"" if start == end => ("\"\"".to_owned(), 1),
            "}" | "]" if start == end && after == ev.key().encode_utf16().next().unwrap_or(0) => {
                (String::new(), 1)
            }
            _ => return,
        };
        ev.prevent_default();
        let mut next: Vec<u16> = value[..start].to_vec();
        next.extend(insert.encode_utf16());
        let skip = if insert.is_empty() { 0 } else { end - start };
        next.extend_from_slice(&value[start + skip..]);
        let text = String::from_utf16_lossy(&next);
        area.set_value(&text);
        let at = (start + caret) as u32;
        let _ = area.set_selection_range(at, at);
        pg.definition.set(text);
    };
    let format = move |_| {
        let formatted = pg.definition.with(|t| {
            serde_json::from_str::<serde_json::Value>(t)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
        });
        if let Some(text) = formatted {
            pg.definition.set(text);
        }
    };
    view! {
        <div class="editor">
            <div class="toolbar">
                <h2>"Definition"</h2>
                <button on:click=format title="Re-indent the JSON">"Format"</button>
            </div>
            <div class="code-area">
                <div class="gutter" node_ref=gutter aria-hidden="true">
                    <For
                        each=move || gutter_rows.get()
                        key=|row| row.clone()
                        children=|(line, marker)| {
                            let (class, title) = marker.unwrap_or(("", String::new()));
                            view! { <div class="line-number"><span class=class title=title></span>{line}</div> }
                        }
                    />
                </div>
                <div class="surface">
                    <pre class="coloured" node_ref=coloured aria-hidden="true">
                        <For
                            each=move || coloured_lines.get()
                            key=|line| line.key
                            children=|line| view! {
                                <div class="line">{line.runs.iter().cloned().map(|r| view! { <span class=r.class title=r.title>{r.text}</span> }).collect_view()}</div>
                            }
                        />
                    </pre>
                    <textarea
                        class="definition"
                        node_ref=area
                        spellcheck="false"
                        autocomplete="off"
                        aria-label="State machine definition"
                        prop:value=move || pg.definition.get()
                        on:input=move |ev| {
                            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
                            if let Some(t) = target {
                                pg.definition.set(t.value());
                            }
                        }
                        on:keydown=on_keydown
                        on:scroll=move |_| sync_scroll()
                    ></textarea>
                </div>
            </div>
        </div>
    }
}
