//! The definition editor: a textarea over a coloured copy of its text, with line numbers,
//! diagnostic underlines and gutter markers, auto-indent, bracket pairing and Format.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use stepwise_asl::complete::{self, Completion};
use stepwise_asl::{Diagnostic, Span};
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

/// A diagnostic's stretch of one line: byte range within the line, severity, tooltip.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Mark {
    start: usize,
    end: usize,
    error: bool,
    title: String,
}

/// Lines drawn beyond those in view, above and below, so a scroll shows no gap before the
/// next frame.
const OVERSCAN: usize = 60;
/// The least height to draw lines for (before the text area has a size).
const MIN_VIEW_HEIGHT: f64 = 1200.0;

/// A line of coloured runs with a key that stays the same while the line does (the hash of
/// its content and of the line before it, and how many lines alike came before it), so
/// unchanged lines keep their DOM. The line before makes most keys unique: a count alone
/// would change for every repeated line (`},`) after an edit that adds or removes one.
#[derive(Clone)]
struct Line {
    key: (u64, usize),
    runs: Arc<[Run]>,
}

impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// A line's text and its marks: what its colouring depends on.
type LineKey = (String, Vec<Mark>);

thread_local! {
    // Most lines are unchanged between keystrokes: colour each distinct line once.
    static COLOURED: RefCell<HashMap<LineKey, Arc<[Run]>>> = RefCell::new(HashMap::new());
}

/// The coloured lines of `text`, with diagnostics underlined.
fn lines(text: &str, diagnostics: &[Diagnostic]) -> Vec<Line> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let mut marks: Vec<Vec<Mark>> = vec![Vec::new(); starts.len()];
    for d in diagnostics {
        let (start, end) = (
            d.span.start.min(text.len()),
            d.span.end.max(d.span.start + 1).min(text.len()),
        );
        let first = starts.partition_point(|&s| s <= start) - 1;
        for (line, &line_start) in starts.iter().enumerate().skip(first) {
            let line_end = starts.get(line + 1).map_or(text.len(), |&next| next - 1);
            if line_start > end || (line_start == end && end > start) {
                break;
            }
            let mark = Mark {
                start: start.max(line_start) - line_start,
                end: end.min(line_end) - line_start,
                error: d.is_error(),
                title: format!("{} {}", d.code, d.message),
            };
            marks[line].push(mark);
        }
    }
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut previous = 0u64;
    COLOURED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() > 20_000 {
            cache.clear();
        }
        starts
            .iter()
            .enumerate()
            .map(|(line, &line_start)| {
                let line_end = starts.get(line + 1).map_or(text.len(), |&next| next - 1);
                let key = (
                    text[line_start..line_end].to_owned(),
                    std::mem::take(&mut marks[line]),
                );
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                key.hash(&mut hasher);
                let own = hasher.finish();
                let hash = own ^ previous.rotate_left(1);
                previous = own;
                let runs = cache
                    .entry(key)
                    .or_insert_with_key(|(line, marks)| colour_line(line, marks))
                    .clone();
                let count = seen.entry(hash).or_default();
                *count += 1;
                Line {
                    key: (hash, *count),
                    runs,
                }
            })
            .collect()
    })
}

/// `diagnostics` of the text `before`, placed in the text `after`: those after the changed
/// part move with the text, those before it stay, those around it grow or shrink with it,
/// and those that cut into it are dropped.
fn followed<'d>(before: &str, after: &str, diagnostics: &'d [Diagnostic]) -> Cow<'d, [Diagnostic]> {
    if before == after {
        return Cow::Borrowed(diagnostics);
    }
    let (old, new) = (before.as_bytes(), after.as_bytes());
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    while !before.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(old.len() - suffix) {
        suffix -= 1;
    }
    let changed_end = old.len() - suffix;
    let moved_by = new.len() as isize - old.len() as isize;
    let shift = |at: usize| (at as isize + moved_by) as usize;
    Cow::Owned(
        diagnostics
            .iter()
            .filter_map(|d| {
                let Span { start, end } = d.span;
                let span = if end <= prefix {
                    d.span
                } else if start >= changed_end {
                    Span::new(shift(start), shift(end))
                } else if start <= prefix && end >= changed_end {
                    Span::new(start, shift(end))
                } else {
                    return None;
                };
                Some(Diagnostic { span, ..d.clone() })
            })
            .collect(),
    )
}

/// Colour one line and split it at its marks' boundaries.
fn colour_line(line: &str, marks: &[Mark]) -> Arc<[Run]> {
    let mut cuts: Vec<usize> = marks
        .iter()
        .flat_map(|m| [m.start, m.end])
        .filter(|&c| line.is_char_boundary(c))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut runs = Vec::new();
    for piece in highlight::pieces(line) {
        let end = piece.start + piece.text.len();
        let mut from = piece.start;
        for cut in cuts
            .iter()
            .copied()
            .filter(|&c| c > piece.start && c < end)
            .chain(std::iter::once(end))
        {
            let hit = marks
                .iter()
                .filter(|m| m.start <= from && from < m.end.max(m.start + 1))
                .min_by_key(|m| !m.error);
            let class = match hit {
                Some(m) if m.error => format!("{} diag-error", piece.class),
                Some(_) => format!("{} diag-warning", piece.class),
                None => piece.class.to_owned(),
            };
            runs.push(Run {
                text: line[from..cut].to_owned(),
                class,
                title: hit.map(|m| m.title.clone()),
            });
            from = cut;
        }
    }
    runs.into()
}

/// UTF-16 offset (what textareas use) of a byte offset.
fn utf16_offset(text: &str, byte: usize) -> u32 {
    text[..byte.min(text.len())].encode_utf16().count() as u32
}

/// Byte offset of a UTF-16 offset.
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 as usize {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// State names offered where the caret names a state.
#[derive(Debug, Clone, PartialEq)]
struct Suggestions {
    at: Completion,
    names: Vec<String>,
    chosen: usize,
    /// Where the list opens, in the text area's content coordinates (pixels).
    top: f64,
    left: f64,
}

/// Line height and character width of the editor's monospace font (12.5px/19px).
const LINE_HEIGHT: f64 = 19.0;
const CHAR_WIDTH: f64 = 7.53;
const PADDING: f64 = 8.0;

/// The completions at the text area's caret, if any fit.
fn suggestions_at(
    area: &web_sys::HtmlTextAreaElement,
    names: Memo<Vec<String>>,
) -> Option<Suggestions> {
    let text = area.value();
    let caret = byte_offset(&text, area.selection_start().ok()??);
    let at = complete::at(&text, caret)?;
    // Read only where a name is typed: the names come from the analysis of the text, which
    // would otherwise be made on every input event rather than once the events are handled.
    let names: Vec<String> = names.with_untracked(|names| {
        complete::candidates(names, &at.typed, 8)
            .into_iter()
            .map(str::to_owned)
            .collect()
    });
    // Nothing to offer, or exactly what is already there.
    if names.is_empty() || (names.len() == 1 && names[0] == text[at.start..at.end]) {
        return None;
    }
    let line = text[..at.start].matches('\n').count() as f64;
    let column = text[..at.start]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count()) as f64;
    Some(Suggestions {
        top: PADDING + (line + 1.0) * LINE_HEIGHT,
        left: PADDING + column * CHAR_WIDTH,
        at,
        names,
        chosen: 0,
    })
}

/// The editor.
#[component]
pub fn Editor() -> impl IntoView {
    let pg = use_playground();
    let area: NodeRef<html::Textarea> = NodeRef::new();
    let coloured: NodeRef<html::Pre> = NodeRef::new();
    let gutter: NodeRef<html::Div> = NodeRef::new();
    // The text as typed, at once; its marks from the latest analysis, moved along with the
    // text after the change (the change's own analysis comes a moment later).
    let coloured_lines = Memo::new(move |_| {
        pg.definition.with(|text| {
            pg.analysis
                .with(|a| lines(text, &followed(&a.subject.text, text, &a.diagnostics)))
        })
    });
    // Gutter: one row per line, marked with the worst diagnostic starting there.
    let gutter_rows = Memo::new(move |_| {
        pg.analysis.with(|a| {
            let mut worst: HashMap<usize, &stepwise_asl::Diagnostic> = HashMap::new();
            for d in &a.diagnostics {
                let kept = worst.entry(d.start.line).or_insert(d);
                if d.severity < kept.severity {
                    *kept = d;
                }
            }
            let lines = pg.definition.with(|t| t.split('\n').count());
            (1..=lines)
                .map(|line| {
                    let marker = worst.get(&line).map(|d| {
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
    // Only the lines in view (and a margin) are drawn; spacers keep the full height, so the
    // overlay scrolls with the text area. A long text costs what a screenful does.
    let scrolled = RwSignal::new((0.0, 0.0));
    let shown = Memo::new(move |_| {
        let top = scrolled.get().0;
        let height = area
            .get()
            .map_or(0.0, |a| f64::from(a.client_height()))
            .max(MIN_VIEW_HEIGHT);
        let first = (top / LINE_HEIGHT) as usize;
        let last = first + (height / LINE_HEIGHT).ceil() as usize;
        (first.saturating_sub(OVERSCAN), last + OVERSCAN)
    });
    let window = move |count: usize| {
        let (first, last) = shown.get();
        let first = first.min(count);
        (first, last.clamp(first, count))
    };
    let spacers = move |count: usize| {
        let (first, last) = window(count);
        (
            format!("{}px", first as f64 * LINE_HEIGHT),
            format!("{}px", (count - last) as f64 * LINE_HEIGHT),
        )
    };
    let sync_scroll = move || {
        if let (Some(area), Some(pre), Some(gutter)) = (area.get(), coloured.get(), gutter.get()) {
            pre.set_scroll_top(area.scroll_top());
            pre.set_scroll_left(area.scroll_left());
            gutter.set_scroll_top(area.scroll_top());
        }
    };
    // The text area is written only when the text changed elsewhere (a graph edit, an
    // example, Format): writing it lays out the whole text again, and writing back what was
    // just typed would do that on every keystroke. What it holds is kept here, so knowing
    // costs no read of it.
    let has_caret = move || {
        area.get_untracked().is_some_and(|area| {
            document()
                .active_element()
                .is_some_and(|active| active == **area)
        })
    };
    let in_area = StoredValue::new_local(String::new());
    let write_area = move || {
        if let Some(area) = area.get_untracked() {
            pg.definition.with_untracked(|text| {
                if in_area.with_value(|held| held != text) {
                    area.set_value(text);
                    in_area.set_value(text.clone());
                }
            });
        }
    };
    // Its text is not what is seen (the lines drawn under it are): while the caret is
    // elsewhere, it is written once the frame that shows the change is drawn, so a graph
    // edit reaches the screen first. Focusing it or pressing in it writes it at once.
    let writing = StoredValue::new_local(false);
    Effect::new(move |_| {
        let behind = pg.analysis_behind.get();
        pg.definition.track();
        area.track();
        let focused = has_caret();
        // The first text is written at once: the page starts with it.
        if focused || in_area.with_value(String::is_empty) {
            write_area();
        } else if !behind && !writing.get_value() {
            writing.set_value(true);
            request_animation_frame(move || {
                gloo_timers::callback::Timeout::new(0, move || {
                    writing.set_value(false);
                    write_area();
                })
                .forget();
            });
        }
    });
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
    let suggestions = RwSignal::new(None::<Suggestions>);
    // The text area's scroll offsets (top, left): the list follows the text.
    let refresh_suggestions = move || {
        let found = area
            .get()
            .and_then(|area| suggestions_at(&area, pg.state_names));
        suggestions.set(found);
    };
    // The names come from the analysis, a moment after the keystroke: while the text area
    // has the caret, the offer follows them.
    Effect::new(move |_| {
        pg.state_names.track();
        if has_caret() {
            refresh_suggestions();
        }
    });
    // Replace the partial name with `name`, closing the string, and put the caret after it.
    let accept = move |name: String| {
        let (Some(area), Some(s)) = (area.get(), suggestions.get_untracked()) else {
            return;
        };
        let mut text = area.value();
        let quote = if s.at.closed { "" } else { "\"" };
        text.replace_range(s.at.start..s.at.end, &format!("{name}{quote}"));
        let caret = utf16_offset(&text, s.at.start + name.len()) + 1;
        area.set_value(&text);
        in_area.set_value(text.clone());
        let _ = area.set_selection_range(caret, caret);
        suggestions.set(None);
        pg.before_typing();
        pg.definition.set(text);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let Some(area) = area.get() else { return };
        // One undo history for typing and for graph and form edits.
        if let Some(undo) = undo_key(&ev) {
            ev.prevent_default();
            if undo {
                pg.undo();
            } else {
                pg.redo();
            }
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        // An open list takes the keys that move through it, pick, or close it.
        if let Some(open) = suggestions.get_untracked() {
            let count = open.names.len();
            let handled = match ev.key().as_str() {
                "ArrowDown" | "ArrowUp" => {
                    let step = if ev.key() == "ArrowDown" {
                        1
                    } else {
                        count - 1
                    };
                    suggestions.update(|s| {
                        if let Some(s) = s {
                            s.chosen = (s.chosen + step) % count;
                        }
                    });
                    true
                }
                "Enter" | "Tab" => {
                    accept(open.names[open.chosen].clone());
                    true
                }
                "Escape" => {
                    suggestions.set(None);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
                return;
            }
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
        in_area.set_value(text.clone());
        let at = (start + caret) as u32;
        let _ = area.set_selection_range(at, at);
        pg.before_typing();
        pg.definition.set(text);
        refresh_suggestions();
    };
    let format = move |_| {
        let formatted = pg.definition.with(|t| {
            serde_json::from_str::<serde_json::Value>(t)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
        });
        if let Some(text) = formatted {
            pg.edit(text);
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
                    <div style:height=move || spacers(gutter_rows.with(Vec::len)).0></div>
                    <For
                        each=move || gutter_rows.with(|rows| { let (first, last) = window(rows.len()); rows[first..last].to_vec() })
                        key=|row| row.clone()
                        children=|(line, marker)| {
                            let (class, title) = marker.unwrap_or(("", String::new()));
                            view! { <div class="line-number"><span class=class title=title></span>{line}</div> }
                        }
                    />
                    <div style:height=move || spacers(gutter_rows.with(Vec::len)).1></div>
                </div>
                <div class="surface">
                    <pre class="coloured" node_ref=coloured aria-hidden="true">
                        <div style:height=move || spacers(coloured_lines.with(Vec::len)).0></div>
                        <For
                            each=move || coloured_lines.with(|lines| { let (first, last) = window(lines.len()); lines[first..last].to_vec() })
                            key=|line| line.key
                            children=|line| view! {
                                <div class="line">{line.runs.iter().cloned().map(|r| view! { <span class=r.class title=r.title>{r.text}</span> }).collect_view()}</div>
                            }
                        />
                        <div style:height=move || spacers(coloured_lines.with(Vec::len)).1></div>
                    </pre>
                    <textarea
                        class="definition"
                        node_ref=area
                        spellcheck="false"
                        autocomplete="off"
                        aria-label="State machine definition"
                        on:input=move |ev| {
                            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
                            if let Some(t) = target {
                                pg.before_typing();
                                let text = t.value();
                                in_area.set_value(text.clone());
                                pg.definition.set(text);
                            }
                            refresh_suggestions();
                        }
                        on:keydown=on_keydown
                        on:focus=move |_| write_area()
                        on:mousedown=move |_| write_area()
                        on:click=move |_| refresh_suggestions()
                        on:blur=move |_| suggestions.set(None)
                        on:scroll=move |_| {
                            sync_scroll();
                            if let Some(a) = area.get() {
                                scrolled.set((f64::from(a.scroll_top()), f64::from(a.scroll_left())));
                            }
                        }
                    ></textarea>
                    {move || suggestions.get().map(|s| {
                        let (top, left) = scrolled.get();
                        let (top, left) = (s.top - top, s.left - left);
                        view! {
                            <ul class="completions" role="listbox" style=format!("top: {top}px; left: {left}px")>
                                {s.names.into_iter().enumerate().map(|(i, name)| {
                                    let chosen = i == s.chosen;
                                    let pick = name.clone();
                                    view! {
                                        <li role="option" class:chosen=chosen aria-selected=chosen.to_string()
                                            on:mousedown=move |ev| { ev.prevent_default(); accept(pick.clone()) }>{name}</li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                    })}
                </div>
            </div>
        </div>
    }
}

/// Ctrl+Z (or Cmd+Z) is undo: `Some(true)`; Ctrl+Shift+Z and Ctrl+Y are redo: `Some(false)`.
pub fn undo_key(ev: &web_sys::KeyboardEvent) -> Option<bool> {
    if !(ev.ctrl_key() || ev.meta_key()) || ev.alt_key() {
        return None;
    }
    match ev.key().as_str() {
        "z" | "Z" => Some(!ev.shift_key()),
        "y" | "Y" if !ev.shift_key() => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn marks_follow_the_text_until_its_own_analysis_comes() {
        let before = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
        let diagnostics = stepwise_asl::load(before, &Default::default()).diagnostics;
        let missing = diagnostics
            .iter()
            .find(|d| d.message.contains("Nowhere"))
            .expect("the missing target is reported");
        let at = |text: &str, d: &Diagnostic| text[d.span.start..d.span.end].to_owned();
        let marked = at(before, missing);

        // Typed before the mark: it moves with its text.
        let after = before.replacen("{\"StartAt", "{\"Comment\": \"x\", \"StartAt", 1);
        let moved = followed(before, &after, &diagnostics);
        let moved = moved.iter().find(|d| d.code == missing.code).unwrap();
        assert_eq!(at(&after, moved), marked);

        // Typed after it: it stays.
        let after = before.replacen("}}}", "}, \"B\": {\"Type\": \"Succeed\"}}}", 1);
        let kept = followed(before, &after, &diagnostics);
        assert_eq!(
            at(
                &after,
                kept.iter().find(|d| d.code == missing.code).unwrap()
            ),
            marked
        );

        // Typed inside a mark's span (here, one on the whole state): it grows with it.
        let state = before.find("{\"Type\"").unwrap();
        let mut around = missing.clone();
        around.span.start = state;
        around.span.end = before.rfind("}}}").unwrap() + 1;
        let after = before.replace("\"Pass\",", "\"Pass\", \"Comment\": \"x\",");
        let grown = followed(before, &after, std::slice::from_ref(&around));
        assert_eq!(
            at(&after, &grown[0]),
            r#"{"Type": "Pass", "Comment": "x", "Next": "Nowhere"}"#
        );

        // A change that cuts across its edge: it is gone until the text is analysed again.
        let after = before.replace(": \"Nowhere", "= \"Xowhere");
        assert!(followed(before, &after, &diagnostics)
            .iter()
            .all(|d| d.code != missing.code));
    }
}
