//! SAM and CloudFormation templates: finding a state machine in one (its definition, inline,
//! as a string or in a file beside it, and its DefinitionSubstitutions), and writing one for
//! a definition so it deploys to AWS Step Functions unchanged.

mod export;
mod import;

pub use export::{export, logical_id, Export, Flavour};
pub use import::{import, is_template, state_machines, Imported};

/// The resource types that are state machines.
pub const STATE_MACHINE_TYPES: [&str; 2] = [
    "AWS::Serverless::StateMachine",
    "AWS::StepFunctions::StateMachine",
];
