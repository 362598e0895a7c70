//! What the page and the engine worker say to each other. Messages are JSON text; the
//! worker holds the one live execution and answers every request with its new state.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_engine::{ApiError, Execution, Options, RunRequest};

use crate::run::{RunView, StartError};

/// The page's requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Start a run (replacing the previous one).
    Start {
        /// Definition, input and mocks, as typed.
        run: RunRequest,
        /// Run as EXPRESS (else STANDARD).
        express: bool,
        /// The simulator's budget of state transitions.
        max_transitions: u64,
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
    /// The run as it stands after the request.
    Run(Box<RunView>),
    /// The run could not start.
    NotStarted(StartError),
    /// The callback API refused the request (AWS's error name), the run unchanged.
    Refused(String),
}

/// The worker's side: the live execution and how each request changes it.
#[derive(Default)]
pub struct Session {
    execution: Option<Execution>,
}

impl Session {
    /// Carry out `request`.
    pub fn handle(&mut self, request: Request) -> Response {
        if let Request::Start {
            run,
            express,
            max_transitions,
        } = request
        {
            let options = Options {
                machine_type: if express {
                    stepwise_asl::MachineType::Express
                } else {
                    stepwise_asl::MachineType::Standard
                },
                max_transitions,
                ..Options::default()
            };
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
            Request::Start { .. } => unreachable!("handled above"),
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

    /// Handle a request written as JSON text; the answer as JSON text.
    pub fn handle_text(&mut self, text: &str) -> String {
        let response = match serde_json::from_str::<Request>(text) {
            Ok(request) => self.handle(request),
            Err(e) => Response::Refused(format!("Malformed request: {e}")),
        };
        serde_json::to_string(&response).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        };
        let text = session.handle_text(&serde_json::to_string(&start).unwrap());
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
        assert!(matches!(session.handle_text("not json"), t if t.contains("Malformed request")));
    }
}
