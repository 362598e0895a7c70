//! Whole-machine checks that need the finished model: every scope can end, and every state
//! can be reached.

use crate::diagnostic::Sink;
use crate::model::{Kind, Scope, StateMachine, Transition};

/// Run the model-level checks on `machine`.
pub fn check(machine: &StateMachine, sink: &mut Sink) {
    check_scope(&machine.states, sink);
}

fn check_scope(scope: &Scope, sink: &mut Sink) {
    // As AWS does: a scope that cannot end is reported once, and then its unreachable
    // states are not.
    if !scope.states.iter().any(is_terminal) {
        sink.error(
            "ASL026",
            scope.pointer.clone(),
            "Workflow has no terminal state",
        )
        .hint("Give the last state \"End\": true, or add a Succeed or Fail state");
    } else {
        let reached = reachable(scope);
        for (state, seen) in scope.states.iter().zip(&reached) {
            if !seen {
                sink.error(
                    "ASL023",
                    state.pointer.clone(),
                    format!("State \"{}\" is not reachable.", state.name),
                )
                .hint(
                    "No StartAt, Next, Default or Catch leads here; remove it or add a transition",
                );
            }
        }
    }
    for state in &scope.states {
        match &state.kind {
            Kind::Parallel { branches } => branches.iter().for_each(|b| check_scope(b, sink)),
            Kind::Map(map) => check_scope(&map.processor, sink),
            _ => {}
        }
    }
}

/// A state that can end its scope: Succeed, Fail, or `"End": true`.
fn is_terminal(state: &crate::model::State) -> bool {
    match state.kind {
        Kind::Succeed | Kind::Fail(_) => true,
        Kind::Choice(_) => false,
        _ => state.transition == Transition::End,
    }
}

/// Which states of `scope` can be reached from its start.
pub fn reachable(scope: &Scope) -> Vec<bool> {
    let mut seen = vec![false; scope.states.len()];
    let mut stack = vec![scope.start];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(successors(&scope.states[i]).filter(|&j| !seen[j]));
    }
    seen
}

/// The indexes of the states `state` can transition to.
pub fn successors(state: &crate::model::State) -> impl Iterator<Item = usize> + '_ {
    let choice = match &state.kind {
        Kind::Choice(c) => Some(c.rules.iter().map(|r| &r.next).chain(c.default.as_ref())),
        _ => None,
    };
    std::iter::once(&state.transition)
        .chain(choice.into_iter().flatten())
        .chain(state.catch.iter().map(|c| &c.next))
        .filter_map(|t| match t {
            Transition::Next(_, i) => Some(*i),
            Transition::End => None,
        })
}
