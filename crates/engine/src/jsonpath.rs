//! Evaluating parsed JSONPath (Jayway semantics, as Step Functions uses them) against values.

use std::borrow::Cow;

use serde_json::Value;
use stepwise_asl::path::{CompareOp, Filter, Operand, Path, Root, Step};

/// The node(s) a path selected.
pub enum Selection<'a> {
    /// A definite path's node.
    One(&'a Value),
    /// A definite path's computed value (`.length()`).
    Computed(Value),
    /// An indefinite path's nodes (in document order).
    Many(Vec<Cow<'a, Value>>),
}

impl Selection<'_> {
    /// The selection as one owned value: indefinite selections become an array.
    pub fn into_value(self) -> Value {
        match self {
            Selection::One(v) => v.clone(),
            Selection::Computed(v) => v,
            Selection::Many(items) => {
                Value::Array(items.into_iter().map(Cow::into_owned).collect())
            }
        }
    }
}

/// Select `path`'s steps from `root` (the caller resolves `$`, `$$` or `$name` to `root`).
/// `None` when a definite path does not exist.
pub fn select<'a>(path: &Path, root: &'a Value) -> Option<Selection<'a>> {
    if !path.is_indefinite() {
        let mut node = root;
        let mut owned: Option<Value> = None;
        for step in &path.steps {
            match step {
                Step::Field(name) => node = node.as_object()?.get(name)?,
                Step::Index(i) => node = index(node.as_array()?, *i)?,
                Step::Length => owned = Some(length(node)?),
                _ => unreachable!("definite paths have only fields and indexes"),
            }
        }
        return Some(owned.map_or(Selection::One(node), Selection::Computed));
    }
    let mut nodes: Vec<Cow<'a, Value>> = vec![Cow::Borrowed(root)];
    for step in &path.steps {
        let mut next = Vec::new();
        for node in &nodes {
            apply(step, node, &mut next);
        }
        nodes = next;
    }
    Some(Selection::Many(nodes))
}

fn index(items: &[Value], i: i64) -> Option<&Value> {
    let i = if i < 0 { items.len() as i64 + i } else { i };
    usize::try_from(i).ok().and_then(|i| items.get(i))
}

fn length(node: &Value) -> Option<Value> {
    match node {
        Value::Array(a) => Some(a.len().into()),
        Value::Object(o) => Some(o.len().into()),
        Value::String(s) => Some(s.chars().count().into()),
        _ => None,
    }
}

// The Cow says whether the node borrows from the document (and its children can too).
#[allow(clippy::ptr_arg)]
fn apply<'a>(step: &Step, node: &Cow<'a, Value>, out: &mut Vec<Cow<'a, Value>>) {
    // Borrowed nodes keep borrowing; nodes computed by an earlier step stay owned.
    let push = |out: &mut Vec<Cow<'a, Value>>, v: &Value| out.push(Cow::Owned(v.clone()));
    match (step, node) {
        (step, Cow::Borrowed(node)) => apply_borrowed(step, node, out),
        (Step::Length, Cow::Owned(node)) => out.extend(length(node).map(Cow::Owned)),
        (step, Cow::Owned(node)) => {
            let mut tmp = Vec::new();
            apply_borrowed(step, node, &mut tmp);
            for v in tmp {
                push(out, &v);
            }
        }
    }
}

fn apply_borrowed<'a>(step: &Step, node: &'a Value, out: &mut Vec<Cow<'a, Value>>) {
    match step {
        Step::Field(name) => out.extend(
            node.as_object()
                .and_then(|o| o.get(name))
                .map(Cow::Borrowed),
        ),
        Step::Index(i) => out.extend(
            node.as_array()
                .and_then(|a| index(a, *i))
                .map(Cow::Borrowed),
        ),
        Step::Wildcard => match node {
            Value::Array(a) => out.extend(a.iter().map(Cow::Borrowed)),
            Value::Object(o) => out.extend(o.values().map(Cow::Borrowed)),
            _ => {}
        },
        Step::Fields(names) => {
            if let Some(o) = node.as_object() {
                out.extend(names.iter().filter_map(|n| o.get(n)).map(Cow::Borrowed));
            }
        }
        Step::Indexes(indexes) => {
            if let Some(a) = node.as_array() {
                out.extend(
                    indexes
                        .iter()
                        .filter_map(|i| index(a, *i))
                        .map(Cow::Borrowed),
                );
            }
        }
        Step::Slice(start, end, step) => {
            if let Some(a) = node.as_array() {
                let len = a.len() as i64;
                let clamp = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
                let (from, to) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(len)));
                let by = step.unwrap_or(1).max(1) as usize;
                if from < to {
                    out.extend(
                        a[from as usize..to as usize]
                            .iter()
                            .step_by(by)
                            .map(Cow::Borrowed),
                    );
                }
            }
        }
        Step::Descend(inner) => descend(inner, node, out),
        Step::Filter(filter) => {
            let candidates: Box<dyn Iterator<Item = &Value>> = match node {
                Value::Array(a) => Box::new(a.iter()),
                Value::Object(o) => Box::new(o.values()),
                _ => Box::new(std::iter::empty()),
            };
            out.extend(candidates.filter(|c| matches(filter, c)).map(Cow::Borrowed));
        }
        Step::Length => out.extend(length(node).map(Cow::Owned)),
    }
}

fn descend<'a>(step: &Step, node: &'a Value, out: &mut Vec<Cow<'a, Value>>) {
    apply_borrowed(step, node, out);
    match node {
        Value::Array(a) => a.iter().for_each(|child| descend(step, child, out)),
        Value::Object(o) => o.values().for_each(|child| descend(step, child, out)),
        _ => {}
    }
}

fn matches(filter: &Filter, current: &Value) -> bool {
    match filter {
        Filter::And(pair) => matches(&pair.0, current) && matches(&pair.1, current),
        Filter::Or(pair) => matches(&pair.0, current) || matches(&pair.1, current),
        Filter::Not(inner) => !matches(inner, current),
        Filter::Exists(path) => operand_value(&Operand::Path(path.clone()), current).is_some(),
        Filter::Compare(left, op, right) => {
            let (Some(l), Some(r)) = (operand_value(left, current), operand_value(right, current))
            else {
                return false;
            };
            compare(&l, *op, &r)
        }
    }
}

fn operand_value<'a>(operand: &'a Operand, current: &'a Value) -> Option<Cow<'a, Value>> {
    match operand {
        Operand::Literal(v) => Some(Cow::Borrowed(v)),
        Operand::Path(path) if matches!(path.root, Root::Current | Root::Input) => {
            match select(path, current)? {
                Selection::One(v) => Some(Cow::Borrowed(v)),
                Selection::Computed(v) => Some(Cow::Owned(v)),
                Selection::Many(mut items) if items.len() == 1 => items.pop(),
                Selection::Many(_) => None,
            }
        }
        Operand::Path(_) => None,
    }
}

fn compare(l: &Value, op: CompareOp, r: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        CompareOp::Eq => ordering.map_or(l == r, |o| o == Ordering::Equal),
        CompareOp::Ne => ordering.map_or(l != r, |o| o != Ordering::Equal),
        CompareOp::Lt => ordering == Some(Ordering::Less),
        CompareOp::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => ordering == Some(Ordering::Greater),
        CompareOp::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Why a value could not be written at a ResultPath.
pub struct WriteError;

/// Write `value` into `target` at the reference path `path` (from `$`), creating objects
/// along the way, as ResultPath does.
pub fn write(target: &mut Value, path: &Path, value: Value) -> Result<(), WriteError> {
    let mut node = target;
    for (i, step) in path.steps.iter().enumerate() {
        let last = i + 1 == path.steps.len();
        node = match step {
            Step::Field(name) => {
                let Value::Object(map) = node else {
                    return Err(WriteError);
                };
                if last {
                    map.insert(name.clone(), value);
                    return Ok(());
                }
                map.entry(name.clone())
                    .or_insert_with(|| Value::Object(Default::default()))
            }
            Step::Index(i) => {
                let Value::Array(items) = node else {
                    return Err(WriteError);
                };
                let len = items.len() as i64;
                let at = if *i < 0 { len + i } else { *i };
                let slot = usize::try_from(at)
                    .ok()
                    .and_then(|at| items.get_mut(at))
                    .ok_or(WriteError)?;
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            _ => return Err(WriteError),
        };
    }
    *node = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use stepwise_asl::path::parse;

    fn sel(path: &str, doc: &Value) -> Option<Value> {
        select(&parse(path).unwrap(), doc).map(Selection::into_value)
    }

    #[test]
    fn selects_like_jayway() {
        let doc =
            json!({"a": {"b": [1, 2, 3, {"c": 4}]}, "items": [{"p": 5}, {"p": 15}], "s": "héllo"});
        assert_eq!(sel("$.a.b[1]", &doc), Some(json!(2)));
        assert_eq!(sel("$.a.b[-1].c", &doc), Some(json!(4)));
        assert_eq!(sel("$.a.x", &doc), None);
        assert_eq!(sel("$.items[*].p", &doc), Some(json!([5, 15])));
        assert_eq!(sel("$.items[?(@.p > 10)]", &doc), Some(json!([{"p": 15}])));
        assert_eq!(sel("$..c", &doc), Some(json!([4])));
        assert_eq!(sel("$.a.b[1:3]", &doc), Some(json!([2, 3])));
        assert_eq!(sel("$.a.b.length()", &doc), Some(json!(4)));
        assert_eq!(sel("$.s.length()", &doc), Some(json!(5)));
    }

    #[test]
    fn writes_result_paths_creating_objects() {
        let mut doc = json!({"a": 1});
        write(&mut doc, &parse("$.x.y").unwrap(), json!(true))
            .ok()
            .unwrap();
        assert_eq!(doc, json!({"a": 1, "x": {"y": true}}));
        assert!(write(&mut doc, &parse("$.a.b").unwrap(), json!(1)).is_err());
    }
}
