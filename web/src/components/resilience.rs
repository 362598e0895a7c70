//! The Resilience tab: a fault profile, the lab's runs (in the engine worker, with
//! progress), and its report: survival per state and the retry wait as SVG charts, the
//! suggested changes (a Retry can be applied to the text), and failed runs to open as traces.

use leptos::prelude::*;
use stepwise_engine::chaos::Report;
use stepwise_engine::faults::FaultProfile;

use crate::app::{use_playground, Lab};

/// Chart geometry, in SVG units.
const CHART_WIDTH: f64 = 360.0;
const LABEL_WIDTH: f64 = 130.0;
const BAR_HEIGHT: f64 = 16.0;
const BAR_GAP: f64 = 6.0;

/// The tab.
#[component]
pub fn ResilienceTab() -> impl IntoView {
    let pg = use_playground();
    let profile_error = move || {
        pg.fault_profile
            .with(|t| FaultProfile::parse(t).err())
            .map(|e| view! { <p class="field-error">{format!("The fault profile is not usable: {e}")}</p> })
    };
    let running = move || matches!(pg.lab.get(), Lab::Running(..));
    view! {
        <h3>"Resilience lab"</h3>
        <p class="hint">"Runs the machine many times, each with its own seed, while the fault profile injects the transient errors AWS services really throw (and, for EXPRESS, second deliveries). Every run can be reopened exactly by its seed."</p>
        <label class="field">"Fault profile"
            <textarea class="json-input small" spellcheck="false" aria-label="Fault profile"
                prop:value=move || pg.fault_profile.get() on:input=move |ev| pg.fault_profile.set(event_target_value(&ev))></textarea>
        </label>
        {profile_error}
        <div class="lab-controls">
            <label>"Runs "
                <input type="number" min="1" max="100000" aria-label="Runs" prop:value=move || pg.lab_runs.get().to_string()
                    on:input=move |ev| pg.lab_runs.set(event_target_value(&ev).parse::<u32>().unwrap_or(1).clamp(1, 100_000)) />
            </label>
            <button class="primary lab-run" disabled=running on:click=move |_| pg.run_lab()>
                {move || format!("Run {} times", pg.lab_runs.get())}
            </button>
            {move || match pg.lab.get() {
                Lab::Running(done, total) => Some(view! {
                    <progress class="lab-progress" max=total.to_string() value=done.to_string()></progress>
                    <span class="hint">{format!("{done} of {total}")}</span>
                }),
                _ => None,
            }}
        </div>
        {move || match pg.lab.get() {
            Lab::Done(report) => Some(view! { <LabReport report=*report /> }.into_any()),
            Lab::Failed(message) => Some(view! { <p class="field-error">{message}</p> }.into_any()),
            _ => None,
        }}
    }
}

#[component]
fn LabReport(report: Report) -> impl IntoView {
    let pg = use_playground();
    let apply_error = RwSignal::new(None::<String>);
    let verdict = format!(
        "{} of {} runs succeeded ({:.1}%)",
        report.succeeded,
        report.runs,
        report.success_rate * 100.0
    );
    let r = report.retry_latency;
    let figures = format!(
        "Retry wait per run: p50 {} ms, p95 {} ms, p99 {} ms · {:.2} transitions per run (without faults: {}) · {:.2} retries per run, {:+.2} USD per million STANDARD executions",
        r.p50, r.p95, r.p99, report.mean_transitions, report.baseline_transitions, report.mean_retries, report.cost_delta_per_million
    );
    let apply = move |state: String, retrier: serde_json::Value| {
        let options = pg.load_options_untracked();
        let text = pg.definition.get_untracked();
        match stepwise_asl::edit::add_retrier(&text, &state, &retrier, &options) {
            Ok(edited) => {
                apply_error.set(None);
                pg.edit(edited);
                pg.run_lab();
            }
            Err(message) => apply_error.set(Some(message)),
        }
    };
    view! {
        <p class=if report.success_rate < 1.0 { "lab-verdict weak" } else { "lab-verdict" }>{verdict}</p>
        <p class="hint">{figures}</p>
        {(!report.suggestions.is_empty()).then(|| view! {
            <h4>"Suggestions"</h4>
            <ul class="suggestions">
                {report.suggestions.iter().map(|s| {
                    let button = s.retrier.clone().map(|retrier| {
                        let state = s.state.clone();
                        view! { <button class="apply" on:click=move |_| apply(state.clone(), retrier.clone())>"Apply"</button> }
                    });
                    view! { <li><span>{s.text.clone()}</span>{button}</li> }
                }).collect_view()}
            </ul>
        })}
        {move || apply_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
        <h4>"Survival per state"</h4>
        {survival_chart(&report)}
        <h4>"Retry wait per run"</h4>
        {histogram_chart(&report)}
        {(!report.uncaught_errors.is_empty()).then(|| view! {
            <h4>"Uncaught errors"</h4>
            <ul class="plain">
                {report.uncaught_errors.iter().map(|(e, n)| view! { <li><code>{e.clone()}</code>{format!(": {n} runs")}</li> }).collect_view()}
            </ul>
        })}
        {(!report.failures.is_empty()).then(|| view! {
            <h4>"Failed runs"</h4>
            <p class="hint">"Open one to see it on the graph as an ordinary trace."</p>
            <div class="failed-runs">
                {report.failures.iter().take(12).cloned().map(|f| {
                    let label = format!("seed {}: {} · {}", f.seed, f.state.clone().unwrap_or_default(), f.error.clone().unwrap_or_default());
                    view! { <button class="failed-run" on:click=move |_| pg.open_lab_run(f.seed)>{label}</button> }
                }).collect_view()}
            </div>
        })}
    }
}

/// Horizontal bars: the share of runs each state that met faults did not end.
fn survival_chart(report: &Report) -> impl IntoView {
    let states: Vec<_> = report
        .states
        .iter()
        .filter(|s| s.faults > 0 || s.ended_runs > 0)
        .collect();
    if states.is_empty() {
        return view! { <p class="hint">"No state met a fault."</p> }.into_any();
    }
    let height = states.len() as f64 * (BAR_HEIGHT + BAR_GAP);
    let span = CHART_WIDTH - LABEL_WIDTH - 50.0;
    view! {
        <svg class="chart survival" role="img" aria-label="Survival per state" viewBox=format!("0 0 {CHART_WIDTH} {height}") width=CHART_WIDTH height=height>
            {states.iter().enumerate().map(|(i, s)| {
                let y = i as f64 * (BAR_HEIGHT + BAR_GAP);
                let class = if s.ended_runs == 0 { "bar ok" } else if s.survival >= 0.99 { "bar warn" } else { "bar bad" };
                view! {
                    <g>
                        <title>{format!("{}: {} faults, {} retries, ended {} runs", s.name, s.faults, s.retries, s.ended_runs)}</title>
                        <text class="label" x=LABEL_WIDTH - 6.0 y=y + BAR_HEIGHT - 4.0 text-anchor="end">{s.name.clone()}</text>
                        <rect class="track" x=LABEL_WIDTH y=y width=span height=BAR_HEIGHT rx="3"></rect>
                        <rect class=class x=LABEL_WIDTH y=y width=span * s.survival height=BAR_HEIGHT rx="3"></rect>
                        <text class="value" x=LABEL_WIDTH + span + 4.0 y=y + BAR_HEIGHT - 4.0>{format!("{:.1}%", s.survival * 100.0)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

/// Vertical bars: how many runs waited how long in retries.
fn histogram_chart(report: &Report) -> impl IntoView {
    let buckets = &report.retry_histogram;
    let most = buckets.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let plot_height = 80.0;
    let width = CHART_WIDTH / buckets.len().max(1) as f64;
    view! {
        <svg class="chart histogram" role="img" aria-label="Retry wait histogram" viewBox=format!("0 0 {CHART_WIDTH} {}", plot_height + 30.0) width=CHART_WIDTH height=plot_height + 30.0>
            {buckets.iter().enumerate().map(|(i, (bound, runs))| {
                let h = plot_height * f64::from(*runs) / f64::from(most);
                let x = i as f64 * width;
                let label = match *bound { 0 => "none".to_owned(), b => format!("≤{}s", b / 1000) };
                view! {
                    <g>
                        <title>{format!("{runs} runs")}</title>
                        <rect class="bar" x=x + 2.0 y=plot_height - h width=width - 4.0 height=h></rect>
                        <text class="value" x=x + width / 2.0 y=(plot_height - h - 3.0).max(10.0) text-anchor="middle">{runs.to_string()}</text>
                        <text class="label" x=x + width / 2.0 y=plot_height + 14.0 text-anchor="middle">{label}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}
