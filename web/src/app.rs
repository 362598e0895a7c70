//! The top-level component: owns the workspace signals; everything else is derived.

use leptos::prelude::*;

use crate::analysis::{Analysis, Subject};
use crate::components::graph_parts::set_if_changed;
use crate::components::{
    controls::RunControls,
    design::DesignBar,
    editor::Editor,
    graph_view::GraphView,
    header::Header,
    palette::Palette,
    panels::{EventsTab, InspectorTab, Panels},
    problems::Problems,
};
use crate::engine::{Engine, Host};
use crate::examples::EXAMPLES;
use crate::protocol::{Request, Response};
use crate::run::{RunView, StartError};
use crate::workspace::Workspace;
use stepwise_engine::inspect::Inspection;
use stepwise_engine::test_state::TestStateResponse;

/// The bottom panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The execution input.
    Input,
    /// The mock config.
    Mocks,
    /// The history table.
    Events,
    /// The selected state's data.
    Inspector,
    /// Pending task tokens.
    Callbacks,
    /// What the run would cost on AWS.
    Cost,
    /// The resilience lab.
    Resilience,
}

/// Where the resilience lab stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Lab {
    /// Nothing run yet.
    Idle,
    /// Runs made so far, of how many.
    Running(u32, u32),
    /// The report.
    Done(Box<stepwise_engine::chaos::Report>),
    /// Why it could not run.
    Failed(String),
}

/// The state every component reads and writes, provided through context.
#[derive(Clone, Copy)]
pub struct Playground {
    /// The definition text.
    pub definition: RwSignal<String>,
    /// The input text.
    pub input: RwSignal<String>,
    /// The mock config text.
    pub mocks: RwSignal<String>,
    /// The selected test case.
    pub test_case: RwSignal<String>,
    /// Values for the definition's `${Name}` placeholders.
    pub substitutions: RwSignal<std::collections::BTreeMap<String, String>>,
    /// Run and lint as EXPRESS (else STANDARD).
    pub express: RwSignal<bool>,
    /// The simulator's budget of state transitions per run.
    pub max_transitions: RwSignal<u64>,
    /// Diagnostics, drawing and states of the definition: of the text as it is, or as it
    /// was a moment ago while the analyst works on the latest change.
    pub analysis: RwSignal<Analysis>,
    /// Where definitions are analysed (a Web Worker of its own, so a run never delays it).
    pub analyst: StoredValue<Option<Engine>, LocalStorage>,
    /// The subject the analyst is working on.
    pub analysing: StoredValue<Option<Subject>, LocalStorage>,
    /// Is the analysis behind the text (an analysis under way)?
    pub analysis_behind: RwSignal<bool>,
    /// The last valid drawing (kept while the text is broken).
    pub drawing: Memo<Option<stepwise_graph::Layout>>,
    /// The state names of the last text that was JSON (offered as completions).
    pub state_names: Memo<Vec<String>>,
    /// The latest run.
    pub run: RwSignal<Option<RunView>>,
    /// Why the latest run could not start.
    pub run_error: RwSignal<Option<StartError>>,
    /// How many events of the run are shown.
    pub cursor: RwSignal<usize>,
    /// Is the trace playing?
    pub playing: RwSignal<bool>,
    /// Events per second while playing.
    pub speed: RwSignal<f64>,
    /// The selected state.
    pub selected: RwSignal<Option<String>>,
    /// The open tab.
    pub tab: RwSignal<Tab>,
    /// A position to move the editor's caret to (byte offset).
    pub jump_to: RwSignal<Option<usize>>,
    /// Where runs and analyses are computed.
    pub host: Host,
    /// Where runs are computed (a Web Worker).
    pub engine: StoredValue<Option<Engine>, LocalStorage>,
    /// Is the engine computing a request?
    pub running: RwSignal<bool>,
    /// While a new run is being computed: show all of it (Run) or start at its first event
    /// (Step, Play)?
    pub starting: RwSignal<Option<bool>>,
    /// How each test case of the mock file ended, when they were all run.
    pub test_cases: RwSignal<Option<Vec<crate::protocol::TestCaseRun>>>,
    /// What the page says about the share link it was opened with.
    pub link_notice: RwSignal<Option<crate::workspace::LinkNotice>>,
    /// What the engine last refused or reported (a callback the API rejects, a stopped run).
    pub notice: RwSignal<Option<String>>,
    /// The data flow of the state visit the inspector shows: its entered event, and what
    /// the engine recorded of it.
    pub inspection: RwSignal<Option<(u64, Option<Inspection>)>>,
    /// TestState's last answer in the "Test this state" panel, or why it could not run.
    pub test_answer: RwSignal<Option<Result<Box<TestStateResponse>, String>>>,
    /// The resilience lab's fault profile (JSON text).
    pub fault_profile: RwSignal<String>,
    /// How many runs the lab makes.
    pub lab_runs: RwSignal<u32>,
    /// Where the lab stands.
    pub lab: RwSignal<Lab>,
    /// The transition the graph has selected (from, to), where a new state can go.
    pub selected_edge: RwSignal<Option<(String, String)>>,
    /// The definition's earlier and undone texts, for undo and redo.
    pub history: StoredValue<History, LocalStorage>,
    /// A rename of the selected state is being typed.
    pub renaming: RwSignal<bool>,
    /// States picked together (Shift- or Ctrl-click), to wrap as one.
    pub group: RwSignal<Vec<String>>,
    /// The error a new Catch takes.
    pub catch_error: RwSignal<String>,
    /// The next drawing is of a machine loaded whole (an example, a file, a restore): it is
    /// fitted to the pane, however many states it shares with the last.
    pub fit_next_drawing: StoredValue<bool>,
    /// The palette entry being dragged onto the graph.
    pub dragging: RwSignal<Option<usize>>,
}

/// Undo and redo over the definition: graph edits, form edits and typing alike.
#[derive(Debug, Default)]
pub struct History {
    past: Vec<String>,
    future: Vec<String>,
    /// When typing last changed the text (ms): a pause starts a new undo step.
    last_typing: f64,
}

/// How long a pause in typing ends one undo step.
const TYPING_STEP_MS: f64 = 1000.0;

impl Playground {
    /// Start a run from the current workspace; its trace shows all of it (`show_all`) or
    /// starts at its first event.
    pub fn start_run(&self, show_all: bool) {
        if self.analysis.with_untracked(|a| !a.valid) {
            return;
        }
        let test_case = self.test_case.get_untracked();
        let run = self.run_request((!test_case.is_empty()).then_some(test_case));
        self.starting.set(Some(show_all));
        self.send(Request::Start {
            run,
            express: self.express.get_untracked(),
            max_transitions: self.max_transitions.get_untracked(),
            lab_run: None,
        });
    }

    /// Replace the definition by an edit (from the graph or the form): one undo step.
    pub fn edit(&self, text: String) {
        let before = self.definition.get_untracked();
        if before == text {
            return;
        }
        self.history.update_value(|h| {
            h.past.push(before);
            h.future.clear();
            h.last_typing = 0.0;
        });
        self.definition.set(text);
    }

    /// Typing is about to change the definition: the text before a burst of typing is
    /// one undo step.
    pub fn before_typing(&self) {
        let now = js_sys::Date::now();
        let before = self.definition.get_untracked();
        self.history.update_value(|h| {
            if now - h.last_typing > TYPING_STEP_MS {
                h.past.push(before);
                h.future.clear();
            }
            h.last_typing = now;
        });
    }

    /// Undo the last edit.
    pub fn undo(&self) {
        self.travel(true);
    }

    /// Redo the last undone edit.
    pub fn redo(&self) {
        self.travel(false);
    }

    /// Go one text back (undo) or forward (redo) in the history, keeping the current text
    /// on the other side.
    fn travel(&self, back: bool) {
        let current = self.definition.get_untracked();
        let text = self.history.try_update_value(|h| {
            let (from, to) = if back {
                (&mut h.past, &mut h.future)
            } else {
                (&mut h.future, &mut h.past)
            };
            let text = from.pop()?;
            to.push(current);
            h.last_typing = 0.0;
            Some(text)
        });
        if let Some(Some(text)) = text {
            self.definition.set(text);
        }
    }

    /// Run the resilience lab on the workspace (the trace keeps the current run).
    pub fn run_lab(&self) {
        if self.analysis.with_untracked(|a| !a.valid) {
            return;
        }
        let test_case = self.test_case.get_untracked();
        let runs = self.lab_runs.get_untracked();
        self.lab.set(Lab::Running(0, runs));
        self.ask(Request::Chaos {
            run: self.run_request((!test_case.is_empty()).then_some(test_case)),
            express: self.express.get_untracked(),
            max_transitions: self.max_transitions.get_untracked(),
            profile: self.fault_profile.get_untracked(),
            runs,
        });
    }

    /// Open one run of the lab, by its seed, as an ordinary trace.
    pub fn open_lab_run(&self, seed: u64) {
        let test_case = self.test_case.get_untracked();
        self.starting.set(Some(true));
        self.send(Request::Start {
            run: self.run_request((!test_case.is_empty()).then_some(test_case)),
            express: self.express.get_untracked(),
            max_transitions: self.max_transitions.get_untracked(),
            lab_run: Some((seed, self.fault_profile.get_untracked())),
        });
    }

    /// Run every test case of the mock file (the trace keeps the current run).
    pub fn run_test_cases(&self) {
        if self.analysis.with_untracked(|a| !a.valid) {
            return;
        }
        self.test_cases.set(None);
        self.send(Request::TestAll {
            run: self.run_request(Some(String::new())),
            express: self.express.get_untracked(),
            max_transitions: self.max_transitions.get_untracked(),
        });
    }

    /// The workspace as a run request, mocked by `test_case` of the mock file when given.
    pub fn run_request(&self, test_case: Option<String>) -> stepwise_engine::RunRequest {
        stepwise_engine::RunRequest {
            definition: self.definition.get_untracked(),
            substitutions: self.substitutions.get_untracked().into_iter().collect(),
            input: self.input.get_untracked(),
            mocks: test_case.map(|test_case| stepwise_engine::MockChoice {
                config: self.mocks.get_untracked(),
                state_machine: None,
                test_case,
            }),
        }
    }

    /// Send a request to the engine (a callback answer, say).
    pub fn send(&self, request: Request) {
        self.running.set(true);
        self.notice.set(None);
        self.engine.with_value(|engine| {
            if let Some(engine) = engine {
                engine.send(&request);
            }
        });
    }

    /// Ask the engine something about the run, or to test one state: the run, and whether
    /// one is being computed, stay as they are.
    pub fn ask(&self, request: Request) {
        self.engine.with_value(|engine| {
            if let Some(engine) = engine {
                engine.send(&request);
            }
        });
    }

    /// Stop whatever the engine computes: the worker is replaced, the run is gone.
    pub fn stop_engine(&self) {
        self.engine.with_value(|engine| {
            if let Some(engine) = engine {
                engine.restart();
            }
        });
        self.running.set(false);
        self.run.set(None);
        self.cursor.set(0);
        self.notice
            .set(Some("The run was stopped before it ended.".to_owned()));
    }

    /// What the engine answered.
    fn receive(&self, response: Response) {
        let response = match response {
            Response::Inspection {
                entered_event,
                inspection,
            } => return self.inspection.set(Some((entered_event, inspection))),
            Response::TestState(answer) => return self.test_answer.set(Some(answer)),
            Response::ChaosProgress(done, total) => return self.lab.set(Lab::Running(done, total)),
            Response::Chaos(report) => {
                return self.lab.set(match report {
                    Ok(report) => Lab::Done(report),
                    Err(message) => Lab::Failed(message),
                })
            }
            other => other,
        };
        self.running.set(false);
        match response {
            Response::Ready => {}
            Response::Run(view) => {
                let cursor = match self.starting.get_untracked() {
                    Some(false) => 1,
                    _ => view.events.len(),
                };
                self.starting.set(None);
                self.inspection.set(None);
                self.run.set(Some(*view));
                self.run_error.set(None);
                self.cursor.set(cursor);
            }
            Response::NotStarted(error) => {
                self.starting.set(None);
                self.tab.set(if matches!(error, StartError::Input(_)) {
                    Tab::Input
                } else {
                    Tab::Mocks
                });
                self.run_error.set(Some(error));
                self.run.set(None);
            }
            Response::Refused(message) => self.notice.set(Some(message)),
            Response::TestCases(runs) => self.test_cases.set(Some(runs)),
            Response::Inspection { .. }
            | Response::TestState(_)
            | Response::ChaosProgress(..)
            | Response::Chaos(_)
            | Response::Analysed(_) => {}
        }
    }

    /// What the definition is now, to be analysed (without subscribing).
    fn subject(&self) -> Subject {
        Subject {
            text: self.definition.get_untracked(),
            substitutions: self.substitutions.get_untracked(),
            machine_type: self.machine_type_untracked(),
        }
    }

    /// Have the definition as it is now analysed, unless an analysis is under way (its
    /// answer asks again): however fast the typing, the analyst has one subject at a time.
    fn analyse(&self) {
        if self.analysing.with_value(Option::is_some) {
            return;
        }
        let subject = self.subject();
        if self.analysis.with_untracked(|a| a.subject == subject) {
            return;
        }
        self.analysing.set_value(Some(subject.clone()));
        set_if_changed(self.analysis_behind, true);
        // Made at the first change, so that starting the page waits for one worker only.
        if self.analyst.with_value(Option::is_none) {
            let playground = *self;
            self.analyst
                .set_value(Some(Engine::new(self.host, move |response| {
                    playground.analysed(response)
                })));
        }
        self.analyst.with_value(|analyst| {
            if let Some(analyst) = analyst {
                analyst.send(&Request::Analyse(subject));
            }
        });
    }

    /// The analyst's answer.
    fn analysed(&self, response: Response) {
        let Some(subject) = self.analysing.try_update_value(Option::take).flatten() else {
            return;
        };
        let analysis = match response {
            Response::Analysed(mut analysis) => {
                analysis.subject = subject;
                *analysis
            }
            // The analyst stopped (out of memory, say): a fresh one takes the next subject,
            // and this one is analysed here.
            _ => {
                self.analyst
                    .with_value(|analyst| analyst.as_ref().map(Engine::restart));
                Analysis::of(subject)
            }
        };
        self.analysis.set(analysis);
        set_if_changed(self.analysis_behind, false);
        self.analyse();
    }

    /// Load a workspace (an example, say) and forget the previous run.
    pub fn load(&self, workspace: Workspace) {
        if self
            .definition
            .with_untracked(|text| *text != workspace.definition)
        {
            self.fit_next_drawing.set_value(true);
        }
        self.definition.set(workspace.definition);
        self.input.set(workspace.input);
        self.mocks.set(workspace.mocks);
        self.test_case.set(workspace.test_case);
        self.substitutions.set(workspace.substitutions);
        self.express.set(workspace.express);
        self.reset();
    }

    /// The workspace as it is now (tracked, for effects).
    pub fn workspace(&self) -> Workspace {
        Workspace {
            definition: self.definition.get(),
            input: self.input.get(),
            mocks: self.mocks.get(),
            test_case: self.test_case.get(),
            substitutions: self.substitutions.get(),
            express: self.express.get(),
        }
    }

    /// The workspace as it is now, without subscribing.
    pub fn workspace_untracked(&self) -> Workspace {
        untrack(|| self.workspace())
    }

    /// STANDARD or EXPRESS, as chosen (without subscribing).
    pub fn machine_type_untracked(&self) -> stepwise_asl::MachineType {
        machine_type(self.express.get_untracked())
    }

    /// How the definition is loaded now (substitutions and type), for edits to check with.
    pub fn load_options_untracked(&self) -> stepwise_asl::LoadOptions {
        crate::analysis::load_options(
            &self.substitutions.get_untracked(),
            self.machine_type_untracked(),
        )
    }

    /// Forget the run.
    pub fn reset(&self) {
        self.playing.set(false);
        self.run.set(None);
        self.run_error.set(None);
        self.cursor.set(0);
        self.notice.set(None);
    }
}

/// The playground.
#[component]
pub fn App() -> impl IntoView {
    let embedded = is_embedded();
    let (initial, link_notice) = Workspace::restore(&EXAMPLES[0], embedded);
    let definition = RwSignal::new(initial.definition);
    let substitutions = RwSignal::new(initial.substitutions);
    let express = RwSignal::new(initial.express);
    // The first analysis is made here, so the first drawing waits for no worker.
    let analysis = RwSignal::new(Analysis::of(Subject {
        text: definition.get_untracked(),
        substitutions: substitutions.get_untracked(),
        machine_type: machine_type(express.get_untracked()),
    }));
    // Keep the last good drawing on screen while the text is broken.
    let drawing = Memo::new(move |previous: Option<&Option<stepwise_graph::Layout>>| {
        analysis
            .with(|a| a.drawing.clone())
            .or_else(|| previous.cloned().flatten())
    });
    let state_names = Memo::new(move |previous: Option<&Vec<String>>| {
        let names = analysis.with(|a| a.state_names.clone());
        match previous {
            Some(previous) if names.is_empty() => previous.clone(),
            _ => names,
        }
    });
    let host = use_context::<Host>().unwrap_or(Host::Worker);
    let playground = Playground {
        definition,
        state_names,
        input: RwSignal::new(initial.input),
        mocks: RwSignal::new(initial.mocks),
        test_case: RwSignal::new(initial.test_case),
        substitutions,
        express,
        max_transitions: RwSignal::new(stepwise_engine::DEFAULT_MAX_TRANSITIONS),
        analysis,
        analyst: StoredValue::new_local(None),
        analysing: StoredValue::new_local(None),
        analysis_behind: RwSignal::new(false),
        host,
        drawing,
        run: RwSignal::new(None),
        run_error: RwSignal::new(None),
        cursor: RwSignal::new(0),
        playing: RwSignal::new(false),
        speed: RwSignal::new(4.0),
        selected: RwSignal::new(None),
        tab: RwSignal::new(Tab::Input),
        jump_to: RwSignal::new(None),
        engine: StoredValue::new_local(None),
        running: RwSignal::new(false),
        starting: RwSignal::new(None),
        notice: RwSignal::new(None),
        inspection: RwSignal::new(None),
        test_answer: RwSignal::new(None),
        fault_profile: RwSignal::new(
            serde_json::to_string_pretty(&stepwise_engine::faults::FaultProfile::standard())
                .unwrap_or_default(),
        ),
        lab_runs: RwSignal::new(stepwise_engine::chaos::DEFAULT_RUNS),
        lab: RwSignal::new(Lab::Idle),
        selected_edge: RwSignal::new(None),
        history: StoredValue::new_local(History::default()),
        renaming: RwSignal::new(false),
        group: RwSignal::new(Vec::new()),
        catch_error: RwSignal::new("States.ALL".to_owned()),
        dragging: RwSignal::new(None),
        fit_next_drawing: StoredValue::new(false),
        link_notice: RwSignal::new(link_notice),
        test_cases: RwSignal::new(None),
    };
    playground
        .engine
        .set_value(Some(Engine::new(host, move |response| {
            playground.receive(response)
        })));
    Effect::new(move |_| {
        definition.track();
        substitutions.track();
        express.track();
        playground.analyse();
    });
    provide_context(playground);
    // Nothing typed is ever lost: every change is saved a moment after typing pauses, and at
    // once when the page goes away (a reload, a closed tab).
    let pending_save: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage> =
        StoredValue::new_local(None);
    // An embedded copy shows someone else's machine: it never overwrites the reader's own
    // workspace.
    if !embedded {
        Effect::new(move |_| {
            let workspace = playground.workspace();
            pending_save.set_value(Some(gloo_timers::callback::Timeout::new(250, move || {
                workspace.save()
            })));
        });
        save_when_leaving(playground);
    }
    if embedded {
        let view = embed_view();
        report_size_to_host();
        return view! {
            <main class=format!("playground embedded view-{view}")>
                {(view == "editor").then(|| view! {
                    <section class="pane editor-pane">
                        <Editor />
                        <Problems />
                    </section>
                })}
                <section class="pane graph-pane">
                    <RunControls />
                    <GraphView />
                    <a class="open-full" href=full_page_url() target="_blank" rel="noopener">"Open in Stepwise ↗"</a>
                </section>
                {(view != "graph").then(|| view! {
                    <section class="pane trace-pane" aria-label="Trace">
                        {move || if playground.selected.with(Option::is_some) {
                            view! { <InspectorTab /> }.into_any()
                        } else {
                            view! { <EventsTab /> }.into_any()
                        }}
                    </section>
                })}
            </main>
        }
        .into_any();
    }
    view! {
        <Header />
        <main class="playground">
            <section class="pane editor-pane">
                <Editor />
                <Problems />
            </section>
            <section class="pane graph-pane">
                <RunControls />
                <DesignBar />
                <div class="design-area">
                    <Palette />
                    <GraphView />
                </div>
            </section>
            <section class="pane side-pane">
                <Panels />
            </section>
        </main>
    }
    .into_any()
}

/// STANDARD or EXPRESS, from the playground's choice.
pub(crate) fn machine_type(express: bool) -> stepwise_asl::MachineType {
    if express {
        stepwise_asl::MachineType::Express
    } else {
        stepwise_asl::MachineType::Standard
    }
}

/// Is the page embedded in another (`?embed` in its address)? Then it shows the graph and
/// the run controls only.
pub fn is_embedded() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|search| {
            search
                .trim_start_matches('?')
                .split('&')
                .any(|p| p == "embed")
        })
}

/// What an embedded playground shows besides the graph: `graph` (nothing), `trace` (the
/// events, or the selected state's data) or `editor` (also the definition).
fn embed_view() -> &'static str {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let asked = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("view="));
    match asked {
        Some("graph") => "graph",
        Some("editor") => "editor",
        _ => "trace",
    }
}

/// Tell the page that embeds this one how tall its content is, whenever that changes, so
/// the frame fits it. Only the height is sent; the host checks where it comes from.
fn report_size_to_host() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(host)) = window.parent() else {
        return;
    };
    let last = std::cell::Cell::new(0);
    gloo_timers::callback::Interval::new(250, move || {
        let height = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("main").ok().flatten())
            .map_or(0, |main| main.scroll_height());
        if height != last.get() {
            last.set(height);
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"stepwise:size".into());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            let _ = host.post_message(&message, "*");
        }
    })
    .forget();
}

/// This page's address without its query or fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

/// This page's address without `?embed`, to open the embedded machine in full.
fn full_page_url() -> String {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    format!("{}{hash}", page_address())
}

/// Save the workspace when the page is hidden or unloaded (the listener lives as long as the page).
fn save_when_leaving(playground: Playground) {
    use wasm_bindgen::JsCast;
    let save = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        playground.workspace_untracked().save()
    });
    if let Some(window) = web_sys::window() {
        for event in ["pagehide", "beforeunload"] {
            let _ = window.add_event_listener_with_callback(event, save.as_ref().unchecked_ref());
        }
    }
    save.forget();
}

/// The playground state, from context.
pub fn use_playground() -> Playground {
    expect_context::<Playground>()
}
