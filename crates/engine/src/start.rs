//! Starting an execution from what a user typed: the definition, input and mock file as
//! text. The CLI and the playground's worker both start runs here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_asl::model::StateMachine;
use stepwise_asl::{load, Diagnostic, LoadOptions};

use crate::execution_input::{self, InputError};
use crate::{mock, Execution, Options};

/// A run to start, all as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunRequest {
    /// The ASL definition.
    pub definition: String,
    /// Values for `${Name}` placeholders.
    pub substitutions: HashMap<String, String>,
    /// The execution input (JSON text).
    pub input: String,
    /// A MockConfigFile and the test case to use, when tasks are mocked.
    pub mocks: Option<MockChoice>,
}

/// Which test case of which MockConfigFile mocks the tasks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MockChoice {
    /// The MockConfigFile (JSON text).
    pub config: String,
    /// The state machine entry, when several have the test case.
    pub state_machine: Option<String>,
    /// The test case.
    pub test_case: String,
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StartError {
    /// The definition has errors.
    Definition(Vec<Diagnostic>),
    /// The input is refused: over StartExecution's size limit, or not JSON.
    Input(InputError),
    /// The mock file has problems.
    Mocks(Vec<Diagnostic>),
}

/// Load the definition, input and mocks of `request` and start the execution with `options`
/// (whose `mocks` the request's mock file replaces).
pub fn start(request: &RunRequest, options: Options) -> Result<Execution, StartError> {
    let (machine, input, options) = prepare(request, options)?;
    Ok(Execution::start(machine.into(), input, options))
}

/// What a run of `request` starts from: its machine, its input, and `options` with the
/// request's mocks (for callers that start many runs, like the resilience lab).
pub fn prepare(
    request: &RunRequest,
    mut options: Options,
) -> Result<(StateMachine, Value, Options), StartError> {
    let machine = load_machine(request, options.machine_type)?;
    let input = execution_input::read(&request.input).map_err(StartError::Input)?;
    if let Some(choice) = &request.mocks {
        let case = mock::load(
            &choice.config,
            choice.state_machine.as_deref(),
            &choice.test_case,
        )
        .map_err(StartError::Mocks)?;
        options.mocks = Some(case);
    }
    Ok((machine, input, options))
}

/// The definition of `request` (with its substitutions), or its errors.
pub fn load_machine(
    request: &RunRequest,
    machine_type: stepwise_asl::MachineType,
) -> Result<StateMachine, StartError> {
    let loaded = load(
        &request.definition,
        &LoadOptions {
            substitutions: request.substitutions.clone(),
            machine_type,
            skip_lints: true,
        },
    );
    let errors = loaded.errors().cloned().collect();
    loaded.machine.ok_or(StartError::Definition(errors))
}
