//! Short renderings of Choice conditions and Catch error lists for edge labels.

use serde_json::Value;
use stepwise_asl::model::{CompareOp, Condition, Operand};

const MAX_LABEL: usize = 40;

/// A one-line rendering of a condition, e.g. `$.x > 10` or `$.ok == true && …`.
pub fn condition(condition: &Condition) -> String {
    shorten(&render(condition))
}

fn render(condition: &Condition) -> String {
    match condition {
        Condition::And(all) => all.iter().map(render).collect::<Vec<_>>().join(" && "),
        Condition::Or(any) => any.iter().map(render).collect::<Vec<_>>().join(" || "),
        Condition::Not(inner) => format!("!({})", render(inner)),
        Condition::Jsonata(expression) => expression.clone(),
        Condition::Compare {
            variable,
            op,
            operand,
        } => {
            let right = match operand {
                Operand::Value(Value::String(s)) => format!("\"{s}\""),
                Operand::Value(v) => v.to_string(),
                Operand::Path(p) => p.source.clone(),
            };
            let symbol = match op {
                CompareOp::StringEquals
                | CompareOp::NumericEquals
                | CompareOp::BooleanEquals
                | CompareOp::TimestampEquals => "==",
                CompareOp::StringLessThan
                | CompareOp::NumericLessThan
                | CompareOp::TimestampLessThan => "<",
                CompareOp::StringGreaterThan
                | CompareOp::NumericGreaterThan
                | CompareOp::TimestampGreaterThan => ">",
                CompareOp::StringLessThanEquals
                | CompareOp::NumericLessThanEquals
                | CompareOp::TimestampLessThanEquals => "<=",
                CompareOp::StringGreaterThanEquals
                | CompareOp::NumericGreaterThanEquals
                | CompareOp::TimestampGreaterThanEquals => ">=",
                CompareOp::StringMatches => "matches",
                CompareOp::IsNull => return test(&variable.source, "null", operand),
                CompareOp::IsPresent => return test(&variable.source, "present", operand),
                CompareOp::IsNumeric => return test(&variable.source, "numeric", operand),
                CompareOp::IsString => return test(&variable.source, "string", operand),
                CompareOp::IsBoolean => return test(&variable.source, "boolean", operand),
                CompareOp::IsTimestamp => return test(&variable.source, "timestamp", operand),
            };
            format!("{} {symbol} {right}", variable.source)
        }
    }
}

fn test(variable: &str, what: &str, operand: &Operand) -> String {
    let negated = matches!(operand, Operand::Value(Value::Bool(false)));
    format!("{variable} is {}{what}", if negated { "not " } else { "" })
}

/// The error names of a Catch, e.g. `States.ALL`.
pub fn errors(names: &[String]) -> String {
    shorten(&names.join(", "))
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_LABEL - 1).collect();
        short.push('…');
        short
    }
}
