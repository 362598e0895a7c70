//! Run, Step, Play/Pause, Reset, speed, and the timeline scrubber over the recorded events.
//! The animation replays the recorded history; nothing is re-run.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::app::use_playground;

/// The run controls above the graph.
#[component]
pub fn RunControls() -> impl IntoView {
    let pg = use_playground();
    let timer: StoredValue<Option<Interval>, LocalStorage> = StoredValue::new_local(None);
    let length = move || pg.run.with(|r| r.as_ref().map_or(0, |r| r.events.len()));
    // While playing, advance the cursor at the chosen speed; stop at the end.
    Effect::new(move |_| {
        let playing = pg.playing.get();
        let every = (1000.0 / pg.speed.get().max(0.5)) as u32;
        timer.set_value(None);
        if playing {
            timer.set_value(Some(Interval::new(every, move || {
                // A run still being computed has nothing to play yet.
                if pg.running.get_untracked() {
                    return;
                }
                let end = length();
                if pg.cursor.get_untracked() >= end {
                    pg.playing.set(false);
                } else {
                    pg.cursor.update(|c| *c += 1);
                }
            })));
        }
    });
    let run = move |_| {
        pg.start_run(true);
        pg.playing.set(false);
    };
    let play = move |_| {
        if pg.run.with_untracked(Option::is_none) {
            pg.start_run(false);
        } else if pg.cursor.get_untracked() >= length() {
            pg.cursor.set(1);
        }
        pg.playing.update(|p| *p = !*p);
    };
    let step = move |_| {
        if pg.run.with_untracked(Option::is_none) {
            pg.start_run(false);
        } else {
            pg.cursor.update(|c| *c = (*c + 1).min(length()));
        }
    };
    let can_run = move || pg.analysis.with(|a| a.valid);
    let status = move || {
        pg.run.with(|r| match r {
            _ if pg.running.get() => ("run-status running", "Running…".to_owned()),
            None => ("run-status idle", "Not run yet".to_owned()),
            Some(r) if pg.cursor.get() < r.events.len() => {
                ("run-status running", "Replaying…".to_owned())
            }
            Some(r) => (
                match r.status_text().as_str() {
                    "SUCCEEDED" => "run-status succeeded",
                    "WAITING" => "run-status waiting",
                    _ => "run-status failed",
                },
                r.status_text(),
            ),
        })
    };
    // The error of a failed run, once the replay has reached its end.
    let error = move || {
        pg.run.with(|r| {
            r.as_ref()
                .filter(|r| pg.cursor.get() >= r.events.len())
                .and_then(|r| r.failure.as_ref())
                .map(|f| (f.error.clone(), f.cause.clone()))
        })
    };
    let clock = move || {
        pg.run.with(|r| {
            r.as_ref()
                .and_then(|r| {
                    r.events
                        .get(pg.cursor.get().saturating_sub(1))
                        .map(|e| e.timestamp().replace('T', " ").replace(".000Z", " UTC"))
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="controls">
            <button class="run primary" on:click=run disabled=move || !can_run()>"Run"</button>
            <button class="step" on:click=step disabled=move || !can_run()>"Step"</button>
            <button class="play" on:click=play disabled=move || !can_run()>{move || if pg.playing.get() { "Pause" } else { "Play" }}</button>
            <button class="reset" on:click=move |_| pg.reset()>"Reset"</button>
            {move || pg.running.get().then(|| view! {
                <button class="stop" title="Stop the run (the engine is restarted)" on:click=move |_| pg.stop_engine()>"Stop"</button>
            })}
            <label class="speed">
                "Speed "
                <select on:change=move |ev| pg.speed.set(event_target_value(&ev).parse().unwrap_or(4.0))>
                    <option value="1">"1×"</option>
                    <option value="4" selected>"4×"</option>
                    <option value="16">"16×"</option>
                    <option value="64">"64×"</option>
                </select>
            </label>
            <input
                class="scrubber"
                type="range"
                aria-label="Timeline"
                min="0"
                prop:max=move || length().to_string()
                prop:value=move || pg.cursor.get().to_string()
                on:input=move |ev| {
                    pg.playing.set(false);
                    pg.cursor.set(event_target_value(&ev).parse().unwrap_or(0));
                }
            />
            <span class="event-count">{move || format!("{}/{}", pg.cursor.get(), length())}</span>
            <span class=move || status().0>{move || status().1}</span>
            {move || error().map(|(error, cause)| {
                // The simulator's own limits say what to do about them: show that at once.
                let advice = error.starts_with("Stepwise.").then(|| cause.clone());
                view! {
                    <span class="run-error" title=cause>{error}</span>
                    {advice.map(|advice| view! { <span class="run-advice">{advice}</span> })}
                }
            })}
            {move || pg.notice.get().map(|notice| view! { <span class="engine-notice">{notice}</span> })}
            <span class="clock" title="Virtual time of the current event">{clock}</span>
        </div>
    }
}
