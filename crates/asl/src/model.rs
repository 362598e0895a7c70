//! The typed model of a state machine, as the engine and the graph consume it.
//! Only definitions without errors are turned into this model, so its invariants hold:
//! every transition target exists in its scope and every path and expression parsed.

use std::collections::HashMap;

use serde_json::Value;

use crate::intrinsic::Call;
use crate::path::Path;

/// `JSONPath` (the default) or `JSONata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    /// Classic JSONPath processing (InputPath, Parameters, ResultPath ...).
    #[default]
    JsonPath,
    /// JSONata processing (Arguments, Output, `{% %}` expressions).
    Jsonata,
}

impl QueryLanguage {
    /// The spelling in ASL.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// A whole state machine.
#[derive(Debug, Clone)]
pub struct StateMachine {
    /// Top-level `Comment`.
    pub comment: Option<String>,
    /// `Version`.
    pub version: Option<String>,
    /// Top-level `TimeoutSeconds`.
    pub timeout_seconds: Option<u64>,
    /// Top-level `QueryLanguage`.
    pub query_language: QueryLanguage,
    /// The top-level states.
    pub states: Scope,
}

impl StateMachine {
    /// The state called `name`, in whichever scope it is (names are unique machine-wide).
    pub fn state_named(&self, name: &str) -> Option<&State> {
        fn find<'s>(scope: &'s Scope, name: &str) -> Option<&'s State> {
            if let Some(state) = scope.get(name) {
                return Some(state);
            }
            scope.states.iter().find_map(|state| match &state.kind {
                Kind::Parallel { branches } => branches.iter().find_map(|b| find(b, name)),
                Kind::Map(map) => find(&map.processor, name),
                _ => None,
            })
        }
        find(&self.states, name)
    }
}

/// A set of states with a start: the machine itself, a Parallel branch or a Map processor.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `StartAt`, resolved.
    pub start: usize,
    /// The states in definition order.
    pub states: Vec<State>,
    /// JSON pointer of the object holding `StartAt` and `States`.
    pub pointer: String,
    by_name: HashMap<String, usize>,
}

impl Scope {
    pub(crate) fn new(start: usize, states: Vec<State>, pointer: String) -> Self {
        let by_name = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        Scope {
            start,
            states,
            pointer,
            by_name,
        }
    }

    /// The index of the state called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The state called `name`.
    pub fn get(&self, name: &str) -> Option<&State> {
        self.index_of(name).map(|i| &self.states[i])
    }

    /// The state names, in definition order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.states.iter().map(|s| s.name.as_str())
    }

    /// The start state.
    pub fn start_state(&self) -> &State {
        &self.states[self.start]
    }

    /// The Task states of this scope and every scope nested in it, in definition order.
    pub fn task_states(&self) -> Vec<&State> {
        let mut tasks = Vec::new();
        for state in &self.states {
            match &state.kind {
                Kind::Task(_) => tasks.push(state),
                Kind::Parallel { branches } => {
                    tasks.extend(branches.iter().flat_map(Scope::task_states))
                }
                Kind::Map(map) => tasks.extend(map.processor.task_states()),
                _ => {}
            }
        }
        tasks
    }
}

/// A transition: to another state of the same scope, or the end of the scope.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// `Next`: the target's name and index in the scope.
    Next(String, usize),
    /// `End: true`.
    End,
}

/// `InputPath` / `OutputPath`: absent means `$`, `null` discards.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Selector {
    /// Absent or `$`: the whole value.
    #[default]
    Whole,
    /// `null`: `{}`.
    Discard,
    /// A path.
    Path(Path),
}

/// `ResultPath`: where a result goes in the input.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ResultPath {
    /// Absent or `$`: the result replaces the input.
    #[default]
    Replace,
    /// `null`: the result is discarded and the input passes through.
    Discard,
    /// A reference path into the input.
    Path(Path),
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Arguments, Output, Assign ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// Fixed JSON.
    Value(Value),
    /// An object with at least one dynamic member.
    Object(Vec<(String, Template)>),
    /// An array with at least one dynamic element.
    Array(Vec<Template>),
    /// `"key.$": "$.path"` (also `$$.` and `$var` paths).
    Path(Path),
    /// `"key.$": "States.Fn(...)"`.
    Call(Call),
    /// `"{% expression %}"`: the expression text between the delimiters.
    Jsonata(String),
}

/// A duration or count given directly, by a JSONPath, or by a JSONata expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A literal number.
    Fixed(f64),
    /// A `...Path` field.
    Path(Path),
    /// A `{% %}` expression.
    Jsonata(String),
}

/// A `Retry` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// Error names it matches.
    pub error_equals: Vec<String>,
    /// Seconds before the first retry (default 1).
    pub interval_seconds: f64,
    /// Retries allowed (default 3).
    pub max_attempts: u64,
    /// Interval multiplier (default 2.0).
    pub backoff_rate: f64,
    /// Cap on the interval.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// A `Catch` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// Error names it matches.
    pub error_equals: Vec<String>,
    /// Where to go.
    pub next: Transition,
    /// Where the error output goes (JSONPath).
    pub result_path: ResultPath,
    /// Output (JSONata).
    pub output: Option<Template>,
    /// Variables to assign.
    pub assign: Option<Template>,
}

/// One state.
#[derive(Debug, Clone)]
pub struct State {
    /// Its name.
    pub name: String,
    /// JSON pointer of its definition.
    pub pointer: String,
    /// The query language in force for it.
    pub query_language: QueryLanguage,
    /// `Comment`.
    pub comment: Option<String>,
    /// Where it goes next (Choice, Succeed and Fail: `End`).
    pub transition: Transition,
    /// `InputPath`.
    pub input_path: Selector,
    /// `OutputPath`.
    pub output_path: Selector,
    /// `Parameters` (or `ItemSelector` for Map).
    pub parameters: Option<Template>,
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath`.
    pub result_path: ResultPath,
    /// `Arguments` (JSONata).
    pub arguments: Option<Template>,
    /// `Output` (JSONata).
    pub output: Option<Template>,
    /// `Assign`.
    pub assign: Option<Template>,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
    /// What kind of state it is, with its own fields.
    pub kind: Kind,
}

/// The state type and its specific fields.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `Pass`, with its `Result`.
    Pass {
        /// `Result`.
        result: Option<Value>,
    },
    /// `Task`.
    Task(Task),
    /// `Choice`.
    Choice(Choice),
    /// `Wait`.
    Wait(Wait),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail(Fail),
    /// `Parallel`, with its branches.
    Parallel {
        /// `Branches`.
        branches: Vec<Scope>,
    },
    /// `Map`.
    Map(Box<Map>),
}

/// A state's ASL `Type` (serialised as ASL writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum StateType {
    /// `Pass`.
    Pass,
    /// `Task`.
    Task,
    /// `Choice`.
    Choice,
    /// `Wait`.
    Wait,
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail,
    /// `Parallel`.
    Parallel,
    /// `Map`.
    Map,
}

impl StateType {
    /// Every state type.
    pub const ALL: [StateType; 8] = [
        StateType::Pass,
        StateType::Task,
        StateType::Choice,
        StateType::Wait,
        StateType::Succeed,
        StateType::Fail,
        StateType::Parallel,
        StateType::Map,
    ];

    /// The name ASL writes in `Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }

    /// The type named `name` in `Type`, if it is one.
    pub fn from_name(name: &str) -> Option<StateType> {
        StateType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Parallel and Map hold scopes of their own.
    pub fn is_container(self) -> bool {
        matches!(self, StateType::Parallel | StateType::Map)
    }
}

impl std::fmt::Display for StateType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Kind {
    /// The state's `Type`.
    pub fn state_type(&self) -> StateType {
        match self {
            Kind::Pass { .. } => StateType::Pass,
            Kind::Task(_) => StateType::Task,
            Kind::Choice(_) => StateType::Choice,
            Kind::Wait(_) => StateType::Wait,
            Kind::Succeed => StateType::Succeed,
            Kind::Fail(_) => StateType::Fail,
            Kind::Parallel { .. } => StateType::Parallel,
            Kind::Map(_) => StateType::Map,
        }
    }
}

/// Task fields.
#[derive(Debug, Clone)]
pub struct Task {
    /// `Resource`.
    pub resource: String,
    /// `Credentials`.
    pub credentials: Option<Value>,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`.
    pub timeout: Option<Amount>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat: Option<Amount>,
}

/// Choice fields.
#[derive(Debug, Clone)]
pub struct Choice {
    /// `Choices`.
    pub rules: Vec<ChoiceRule>,
    /// `Default`.
    pub default: Option<Transition>,
}

/// A top-level Choice rule.
#[derive(Debug, Clone)]
pub struct ChoiceRule {
    /// The condition.
    pub condition: Condition,
    /// `Next`.
    pub next: Transition,
    /// `Assign` on the rule.
    pub assign: Option<Template>,
    /// `Output` on the rule (JSONata).
    pub output: Option<Template>,
}

/// A Choice condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `And`.
    And(Vec<Condition>),
    /// `Or`.
    Or(Vec<Condition>),
    /// `Not`.
    Not(Box<Condition>),
    /// `Variable` compared with an operator.
    Compare {
        /// `Variable`.
        variable: Path,
        /// The operator (e.g. `NumericGreaterThan`).
        op: CompareOp,
        /// The operand: a literal, or a path for the `...Path` forms.
        operand: Operand,
    },
    /// JSONata `Condition`.
    Jsonata(String),
}

/// A comparison operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal value.
    Value(Value),
    /// A path (the `...Path` operators).
    Path(Path),
}

/// Choice comparison operators (without their `Path` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CompareOp {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// Wait fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    /// `Seconds` or `SecondsPath` (or JSONata `Seconds`).
    Seconds(Amount),
    /// `Timestamp`.
    Timestamp(String),
    /// `TimestampPath`.
    TimestampPath(Path),
    /// JSONata `Timestamp`.
    TimestampJsonata(String),
}

/// A Fail field given directly, by path, or by expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// A literal string.
    Fixed(String),
    /// `ErrorPath` / `CausePath` (a path or an intrinsic).
    Dynamic(Template),
}

/// Fail fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fail {
    /// `Error` / `ErrorPath`.
    pub error: Option<Text>,
    /// `Cause` / `CausePath`.
    pub cause: Option<Text>,
}

/// Map processing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapMode {
    /// Iterations run inside the execution.
    #[default]
    Inline,
    /// Iterations run as child executions.
    Distributed,
}

/// Map fields.
#[derive(Debug, Clone)]
pub struct Map {
    /// `ItemProcessor` (or legacy `Iterator`).
    pub processor: Scope,
    /// `ProcessorConfig.Mode`.
    pub mode: MapMode,
    /// `ProcessorConfig.ExecutionType` (distributed).
    pub execution_type: Option<String>,
    /// `ItemsPath` (JSONPath).
    pub items_path: Option<Path>,
    /// `Items` (JSONata).
    pub items: Option<Template>,
    /// `ItemSelector` (or legacy `Parameters`).
    pub item_selector: Option<Template>,
    /// `MaxConcurrency` / `MaxConcurrencyPath`.
    pub max_concurrency: Option<Amount>,
    /// `ItemReader`, as written.
    pub item_reader: Option<Value>,
    /// `ItemBatcher`, as written.
    pub item_batcher: Option<Value>,
    /// `ResultWriter`, as written.
    pub result_writer: Option<Value>,
    /// `ToleratedFailurePercentage(Path)`.
    pub tolerated_failure_percentage: Option<Amount>,
    /// `ToleratedFailureCount(Path)`.
    pub tolerated_failure_count: Option<Amount>,
    /// `Label`.
    pub label: Option<String>,
}
