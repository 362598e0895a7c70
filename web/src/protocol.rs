//! What the page and the engine worker say to each other. Messages are JSON text; the
//! worker holds the one live execution and answers every request with its new state.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_engine::chaos;
use stepwise_engine::faults::FaultProfile;
use stepwise_engine::inspect::Inspection;
use stepwise_engine::test_state::{
    load_definition, test_state, TestStateRequest, TestStateResponse,
};
use stepwise_engine::{ApiError, Execution, Options, RunRequest};

use crate::analysis::{Analysis, Subject};
use crate::run::{RunView, StartError};

/// The page's requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Load, validate and lay out a definition.
    Analyse(Subject),
    /// Start a run (replacing the previous one).
    Start {
        /// Definition, input and mocks, as typed.
        run: RunRequest,
        /// Run as EXPRESS (else STANDARD).
        express: bool,
        /// The simulator's budget of state transitions.
        max_transitions: u64,
        /// A run of the resilience lab to reproduce: its seed and fault profile (JSON).
        #[serde(default)]
        lab_run: Option<(u64, String)>,
    },
    /// Answer a waiting callback task.
    Answer {
        /// Its task token.
        token: String,
        /// What to send.
        reply: Reply,
    },
    /// Let virtual time pass while the run waits.
    Advance {
        /// How many seconds.
        seconds: u64,
    },
    /// StopExecution.
    Stop,
    /// Run every test case of the mock file in `run` (the live run is left as it is).
    TestAll {
        /// Definition, input and the mock file (its `test_case` is ignored).
        run: RunRequest,
        /// Run as EXPRESS (else STANDARD).
        express: bool,
        /// The simulator's budget of state transitions per test case.
        max_transitions: u64,
    },
    /// What one state visit of the live run did to its data.
    Inspect {
        /// The id of the visit's entered event.
        entered_event: u64,
    },
    /// Run the machine many times under a fault profile (the resilience lab); progress
    /// comes as it goes, then the report (the live run is left as it is).
    Chaos {
        /// Definition, input and mocks.
        run: RunRequest,
        /// Run as EXPRESS (else STANDARD).
        express: bool,
        /// The simulator's budget of state transitions per run.
        max_transitions: u64,
        /// The fault profile (JSON text).
        profile: String,
        /// How many runs.
        runs: u32,
    },
    /// Run one state alone, as TestState does (the live run is left as it is).
    TestState {
        /// The definition (a machine, or one state alone) and its substitutions.
        run: RunRequest,
        /// Run as EXPRESS (else STANDARD).
        express: bool,
        /// The state, its input, mock and configuration.
        test: Box<TestStateRequest>,
    },
}

/// How one test case of a mock file ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCaseRun {
    /// The test case.
    pub name: String,
    /// How its execution ended (`SUCCEEDED`, ...), or `NOT_STARTED`.
    pub status: String,
    /// Its error and cause, when it did not succeed.
    pub error: Option<(String, String)>,
}

/// How a callback task is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// SendTaskSuccess with this output.
    Success(Value),
    /// SendTaskFailure.
    Failure {
        /// The error name.
        error: String,
        /// The cause.
        cause: String,
    },
    /// SendTaskHeartbeat.
    Heartbeat,
}

/// The worker's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The worker is ready for requests.
    Ready,
    /// The analysis asked for (without its subject, which the page knows).
    Analysed(Box<Analysis>),
    /// The run as it stands after the request.
    Run(Box<RunView>),
    /// The run could not start.
    NotStarted(StartError),
    /// The callback API refused the request (AWS's error name), the run unchanged.
    Refused(String),
    /// Every test case of the mock file, in the file's order.
    TestCases(Vec<TestCaseRun>),
    /// The data flow of a state visit (none when the run has no such visit).
    Inspection {
        /// The id of the visit's entered event.
        entered_event: u64,
        /// Its stages.
        inspection: Option<Inspection>,
    },
    /// TestState's answer, or why the request cannot run.
    TestState(Result<Box<TestStateResponse>, String>),
    /// Runs of the resilience lab made so far, of how many.
    ChaosProgress(u32, u32),
    /// The resilience lab's report, or why it could not run.
    Chaos(Result<Box<chaos::Report>, String>),
}

/// The worker's side: the live execution and how each request changes it.
#[derive(Default)]
pub struct Session {
    execution: Option<Execution>,
}

/// Runs of the resilience lab between two progress messages.
const CHAOS_SLICE: u32 = 50;

impl Session {
    /// Carry out `request`, answering through `reply` (once, or with progress first).
    pub fn handle_streaming(&mut self, request: Request, reply: &mut dyn FnMut(Response)) {
        let Request::Chaos {
            run,
            express,
            max_transitions,
            profile,
            runs,
        } = request
        else {
            return reply(self.handle(request));
        };
        let options = Options {
            inspect: false,
            ..options(express, max_transitions)
        };
        let mut lab = match lab(&run, options, &profile, runs) {
            Ok(lab) => lab,
            Err(message) => return reply(Response::Chaos(Err(message))),
        };
        while !lab.advance(CHAOS_SLICE) {
            let (done, total) = lab.progress();
            reply(Response::ChaosProgress(done, total));
        }
        reply(Response::Chaos(Ok(Box::new(lab.report()))));
    }

    /// Carry out `request` (the resilience lab answers only through `handle_streaming`).
    pub fn handle(&mut self, request: Request) -> Response {
        if let Request::Analyse(subject) = request {
            return Response::Analysed(Box::new(Analysis::of(subject)));
        }
        if let Request::TestState { run, express, test } = request {
            return Response::TestState(test_one_state(&run, express, &test));
        }
        if let Request::Inspect { entered_event } = request {
            let inspection = self
                .execution
                .as_ref()
                .and_then(|e| e.inspection(entered_event).cloned());
            return Response::Inspection {
                entered_event,
                inspection,
            };
        }
        if let Request::TestAll {
            run,
            express,
            max_transitions,
        } = request
        {
            return Response::TestCases(test_all(&run, options(express, max_transitions)));
        }
        if let Request::Start {
            run,
            express,
            max_transitions,
            lab_run,
        } = request
        {
            let mut options = options(express, max_transitions);
            if let Some((seed, profile)) = lab_run {
                options.seed = seed;
                options.faults = FaultProfile::parse(&profile).ok();
            }
            return match stepwise_engine::start(&run, options) {
                Ok(execution) => {
                    let view = RunView::of(&execution);
                    self.execution = Some(execution);
                    Response::Run(Box::new(view))
                }
                Err(error) => {
                    self.execution = None;
                    Response::NotStarted(error)
                }
            };
        }
        let Some(execution) = self.execution.as_mut() else {
            return Response::Refused(ApiError::NotRunning.to_string());
        };
        let outcome = match request {
            Request::Start { .. }
            | Request::Analyse(_)
            | Request::TestAll { .. }
            | Request::TestState { .. }
            | Request::Inspect { .. } => unreachable!("handled above"),
            Request::Chaos { .. } => {
                return Response::Refused("The resilience lab streams its answers".into())
            }
            Request::Answer { token, reply } => match reply {
                Reply::Success(output) => execution.send_task_success(&token, output),
                Reply::Failure { error, cause } => {
                    execution.send_task_failure(&token, &error, &cause)
                }
                Reply::Heartbeat => execution.send_task_heartbeat(&token),
            },
            Request::Advance { seconds } => execution.advance(seconds),
            Request::Stop => execution.stop("Stopped", "Stopped from the playground"),
        };
        match outcome {
            Ok(()) => Response::Run(Box::new(RunView::of(execution))),
            Err(error) => Response::Refused(error.to_string()),
        }
    }

    /// Handle a request written as JSON text; each answer as JSON text.
    pub fn handle_text(&mut self, text: &str, reply: &mut dyn FnMut(String)) {
        let mut send =
            |response: Response| reply(serde_json::to_string(&response).unwrap_or_default());
        match serde_json::from_str::<Request>(text) {
            Ok(request) => self.handle_streaming(request, &mut send),
            Err(e) => send(Response::Refused(format!("Malformed request: {e}"))),
        }
    }
}

fn options(express: bool, max_transitions: u64) -> Options {
    Options {
        machine_type: crate::app::machine_type(express),
        max_transitions,
        inspect: true,
        ..Options::default()
    }
}

/// A resilience lab for the machine, input and mocks of `run`.
fn lab(run: &RunRequest, options: Options, profile: &str, runs: u32) -> Result<chaos::Lab, String> {
    let profile = FaultProfile::parse(profile)
        .map_err(|e| format!("The fault profile is not usable: {e}"))?;
    let (machine, input, options) =
        stepwise_engine::prepare(run, options).map_err(|e| match e {
            StartError::Definition(_) => "The definition has errors (see Problems).".to_owned(),
            StartError::Input(refused) => {
                format!("The run did not start: {}.", refused.explained())
            }
            StartError::Mocks(_) => "The mock file has problems (see the Mocks tab).".to_owned(),
        })?;
    Ok(chaos::Lab::new(
        std::rc::Rc::new(machine),
        input,
        options,
        profile,
        runs,
    ))
}

/// TestState on the definition of `run`.
fn test_one_state(
    run: &RunRequest,
    express: bool,
    test: &TestStateRequest,
) -> Result<Box<TestStateResponse>, String> {
    let machine_type = crate::app::machine_type(express);
    let machine = load_definition(run, machine_type).map_err(|error| match error {
        StartError::Definition(errors) => match errors.first() {
            Some(first) => format!(
                "The definition has errors (line {}: {})",
                first.start.line, first.message
            ),
            None => "The definition has errors".to_owned(),
        },
        other => format!("{other:?}"),
    })?;
    let options = Options {
        machine_type,
        ..Options::default()
    };
    test_state(&machine, test, &options)
        .map(Box::new)
        .map_err(|e| e.to_string())
}

/// Run every test case of `run`'s mock file: a test case passes when it succeeds.
fn test_all(run: &RunRequest, options: Options) -> Vec<TestCaseRun> {
    let Some(mocks) = &run.mocks else {
        return Vec::new();
    };
    stepwise_engine::mock::test_cases(&mocks.config, None)
        .into_iter()
        .map(|name| {
            let mut request = run.clone();
            if let Some(choice) = request.mocks.as_mut() {
                choice.test_case = name.clone();
            }
            match stepwise_engine::start(&request, options.clone()) {
                Ok(execution) => TestCaseRun {
                    name,
                    status: execution.status().as_str().to_owned(),
                    error: execution
                        .failure()
                        .map(|f| (f.error.clone(), f.cause.clone())),
                },
                Err(error) => TestCaseRun {
                    name,
                    status: "NOT_STARTED".to_owned(),
                    error: Some(("NotStarted".to_owned(), format!("{error:?}"))),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every answer to a request written as JSON text.
    fn answers(session: &mut Session, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        session.handle_text(text, &mut |answer| out.push(answer));
        out
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_session_starts_answers_and_refuses_as_the_engine_does() {
        let mut session = Session::default();
        let run = RunRequest {
            definition: r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}"#.into(),
            input: "{}".into(),
            ..RunRequest::default()
        };
        let start = Request::Start {
            run,
            express: false,
            max_transitions: 1000,
            lab_run: None,
        };
        let text = answers(&mut session, &serde_json::to_string(&start).unwrap()).remove(0);
        let Response::Run(view) = serde_json::from_str(&text).unwrap() else {
            panic!("{text}")
        };
        assert_eq!(view.status, stepwise_engine::Status::Waiting);
        let token = view.pending[0].token.clone();
        let answer = Request::Answer {
            token,
            reply: Reply::Success(serde_json::json!({"ok": true})),
        };
        let Response::Run(done) = session.handle(answer) else {
            panic!("answered")
        };
        assert_eq!(done.output, Some(serde_json::json!({"ok": true})));
        assert_eq!(
            session.handle(Request::Advance { seconds: 1 }),
            Response::Refused("ExecutionDoesNotExist".into())
        );
        let malformed = answers(&mut session, "not json");
        assert!(malformed.len() == 1 && malformed[0].contains("Malformed request"));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_test_case_of_the_mock_file_runs_without_touching_the_live_run() {
        let mut session = Session::default();
        let run = RunRequest {
            definition: r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#.into(),
            input: "{}".into(),
            mocks: Some(stepwise_engine::MockChoice {
                config: r#"{"StateMachines": {"M": {"TestCases": {"Works": {"T": "Ok"}, "Breaks": {"T": "Boom"}}}},
                    "MockedResponses": {"Ok": {"0": {"Return": 1}}, "Boom": {"0": {"Throw": {"Error": "E", "Cause": "C"}}}}}"#.into(),
                state_machine: None,
                test_case: String::new(),
            }),
            ..RunRequest::default()
        };
        let Response::TestCases(runs) = session.handle(Request::TestAll {
            run,
            express: false,
            max_transitions: 100,
        }) else {
            panic!("test cases")
        };
        let summary: Vec<(&str, &str)> = runs
            .iter()
            .map(|r| (r.name.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(summary, [("Works", "SUCCEEDED"), ("Breaks", "FAILED")]);
        assert_eq!(runs[1].error, Some(("E".to_owned(), "C".to_owned())));
        assert_eq!(
            session.handle(Request::Stop),
            Response::Refused("ExecutionDoesNotExist".into())
        );
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn the_resilience_lab_reports_progress_then_its_report() {
        let mut session = Session::default();
        let run = RunRequest {
            definition: r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#.into(),
            input: "{}".into(),
            ..RunRequest::default()
        };
        let chaos = |profile: &str| Request::Chaos {
            run: run.clone(),
            express: false,
            max_transitions: 100,
            profile: profile.into(),
            runs: 120,
        };
        let mut replies = Vec::new();
        session.handle_streaming(
            chaos(r#"{"faults": {"*": {"transient": 0.5}}}"#),
            &mut |r| replies.push(r),
        );
        assert_eq!(
            replies[..2],
            [
                Response::ChaosProgress(50, 120),
                Response::ChaosProgress(100, 120)
            ]
        );
        let Some(Response::Chaos(Ok(report))) = replies.last() else {
            panic!("{replies:?}")
        };
        assert_eq!(report.runs, 120);
        // What the same lab counts natively (crates/engine/tests/chaos.rs): wasm draws the
        // same faults from the same seeds.
        let errors: Vec<(&str, u32)> = report
            .uncaught_errors
            .iter()
            .map(|(e, n)| (e.as_str(), *n))
            .collect();
        let expected = vec![
            ("Lambda.AWSLambdaException", 13),
            ("Lambda.SdkClientException", 15),
            ("Lambda.ServiceException", 12),
            ("Lambda.TooManyRequestsException", 21),
        ];
        assert_eq!((report.succeeded, errors), (59, expected));
        let mut refused = Vec::new();
        session.handle_streaming(chaos("{oops"), &mut |r| refused.push(r));
        assert!(
            matches!(&refused[..], [Response::Chaos(Err(m))] if m.starts_with("The fault profile is not usable: line 1, column 2")),
            "{refused:?}"
        );
    }
}
