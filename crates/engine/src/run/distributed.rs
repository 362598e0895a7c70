//! The distributed Map: items from an ItemReader (mocked) or the input, ItemSelector and
//! ItemBatcher, one child execution per item or batch (each with its own history), the
//! tolerated failure threshold, and the ResultWriter's summary. The parent's history shows
//! the Map Run (MapRunStarted, MapRunSucceeded / MapRunFailed), as on AWS.

use crate::history::EventType;
use serde_json::{json, Value};
use sha2::Digest;
use stepwise_asl::model::{Map, State};

use super::fanout::Slots;
use super::{Ctx, Runner, StateFacts, Stop};
use crate::env::Vars;
use crate::failure::Failure;
use crate::history::History;
use crate::items::{self, Batcher, Batches, Format, Rows};
use crate::mock::Response;
use crate::payload::Evaluator;
use crate::{ChildExecution, Status};

/// Where the items come from.
pub(crate) enum Source {
    /// `ItemsPath` / `Items` / the input.
    Items(Vec<Value>),
    /// `ItemReader`.
    Reader,
}

/// `ToleratedFailureCount` / `ToleratedFailurePercentage`, resolved.
#[derive(Default)]
pub(crate) struct Tolerance {
    pub count: Option<u64>,
    pub percentage: Option<f64>,
}

impl Tolerance {
    /// Did `failed` of `total` items exceed the threshold? With neither field, none may fail.
    pub(super) fn exceeded(&self, failed: u64, total: u64) -> bool {
        if failed == 0 {
            return false;
        }
        let by_count = self.count.map(|c| failed > c);
        let by_percentage = self
            .percentage
            .map(|p| total > 0 && failed as f64 * 100.0 / total as f64 > p);
        match (by_count, by_percentage) {
            (None, None) => true,
            (a, b) => a.unwrap_or(false) || b.unwrap_or(false),
        }
    }
}

/// One Map Run's settings.
pub(crate) struct Run<'a> {
    pub input: &'a Value,
    pub source: Source,
    pub max_concurrency: usize,
    pub tolerated: Tolerance,
}

/// Children AWS runs at once when MaxConcurrency is 0.
const DISTRIBUTED_CONCURRENCY: usize = 10_000;

/// A Map Run in progress: its concurrency slots, and what its children produced so far.
struct MapRun {
    arn: String,
    slots: Slots,
    /// Without a ResultWriter the outputs become the Map's result; with one, the summaries
    /// its files hold (when history is recorded).
    keep_outputs: bool,
    summarise: bool,
    outputs: Vec<Value>,
    succeeded: Vec<Value>,
    failed: Vec<Value>,
    children: u64,
    /// Items handed to children, and items in children that failed (a batch counts as its
    /// items: AWS's tolerated failures are about items).
    items: u64,
    failed_items: u64,
    waiting: bool,
    end: i64,
}

impl<'m> Runner<'m> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn distributed(
        &mut self,
        state: &'m State,
        map: &'m Map,
        run: Run<'_>,
        vars: &Vars,
        facts: &mut StateFacts,
        states: Option<&Value>,
    ) -> Result<Value, Stop> {
        let map_run_arn = self.map_run_arn(state, map, facts);
        let (max_items, batcher) = {
            let ctx = Ctx {
                runner: self,
                facts,
            };
            let eval = self.evaluator(run.input, vars, &ctx, states);
            let reader = map.item_reader.as_ref();
            let max_items = count(
                reader.and_then(|r| r.get("ReaderConfig")),
                "MaxItems",
                &eval,
            )?;
            (max_items, batcher(map, &eval)?)
        };
        // AWS reads every item when MaxItems is 0, as when it is absent; a negative
        // MaxItems fails the Map Run once it has started, as a reading failure.
        let (max_items, negative_max_items) = match max_items {
            Some(n) if n < 0 => (usize::MAX, true),
            Some(n) if n > 0 => (n as usize, false),
            _ => (usize::MAX, false),
        };
        // The reader's objects are the Map state's mocked responses, borrowed, never copied.
        let objects = match &run.source {
            Source::Reader => self.read_objects(state, map)?,
            Source::Items(_) => Vec::new(),
        };
        let arn = map_run_arn.clone();
        self.emit(EventType::MapRunStarted, || {
            Some(json!({ "mapRunArn": arn }))
        });
        // Objects that cannot be read as items fail the Map Run, which has started by then.
        let rows: Rows<'_> = match run.source {
            _ if negative_max_items => Box::new(std::iter::once(Err(Failure::new(
                items::READER_FAILED,
                "field MaxItems must be positive",
            )))),
            Source::Items(items) => Box::new(items.into_iter().map(Ok)),
            Source::Reader => {
                let reader = map.item_reader.as_ref().unwrap_or(&Value::Null);
                match items::rows(&Format::of(reader)?, &objects) {
                    Ok(rows) => rows,
                    Err(failure) => Box::new(std::iter::once(Err(failure))),
                }
            }
        };
        let record = self.options.history == crate::HistoryMode::Full;
        let mut map_run = MapRun {
            arn: map_run_arn,
            slots: Slots::new(
                match run.max_concurrency {
                    0 => DISTRIBUTED_CONCURRENCY,
                    n => n,
                },
                self.now,
            ),
            keep_outputs: map.result_writer.is_none(),
            summarise: map.result_writer.is_some() && record,
            outputs: Vec::new(),
            succeeded: Vec::new(),
            failed: Vec::new(),
            children: 0,
            items: 0,
            failed_items: 0,
            waiting: false,
            end: self.now,
        };
        // Items stream from the reader through ItemSelector and the batcher into children.
        let mut batches = batcher.as_ref().map(Batches::new);
        let mut broken = None;
        for (index, row) in rows.take(max_items).enumerate() {
            let input = match row
                .and_then(|item| self.select_item(map, run.input, index, item, vars, facts, states))
            {
                Ok(input) => input,
                Err(failure) => {
                    broken = Some(failure);
                    break;
                }
            };
            let input = match &mut batches {
                Some(batches) => match batches.push(input) {
                    Some(batch) => batch,
                    None => continue,
                },
                None => input,
            };
            // A child that met one of the simulator's limits ends the Map Run with it: no
            // tolerance counts it, and the next children would meet it too.
            if let Some(limit) = self.child(&mut map_run, state, map, input) {
                broken = Some(limit);
                break;
            }
        }
        if let Some(batch) = batches
            .and_then(Batches::finish)
            .filter(|_| broken.is_none())
        {
            broken = self.child(&mut map_run, state, map, batch);
        }
        self.now = map_run.end;
        if map_run.waiting && broken.is_none() {
            return Err(Stop::Wait);
        }
        let failure = broken.or_else(|| {
            run.tolerated
                .exceeded(map_run.failed_items, map_run.items)
                .then(|| {
                    Failure::new(
                        "States.ExceedToleratedFailureThreshold",
                        "The specified tolerated failure threshold was exceeded",
                    )
                })
        });
        if let Some(failure) = failure {
            self.emit(EventType::MapRunFailed, || Some(failure.details()));
            facts.branch_failed = true;
            return Err(Stop::Fail(failure));
        }
        self.emit(EventType::MapRunSucceeded, || None);
        self.emit(EventType::MapStateSucceeded, || None);
        match &map.result_writer {
            None => Ok(Value::Array(map_run.outputs)),
            Some(writer) => {
                let parameters = writer
                    .get("Resource")
                    .and(writer.get("Parameters").or_else(|| writer.get("Arguments")))
                    .unwrap_or(&Value::Null);
                let field = |name: &str| parameters.get(name).and_then(Value::as_str).unwrap_or("");
                let (bucket, prefix) = (field("Bucket"), field("Prefix"));
                let files = items::result_files(
                    &map_run.arn,
                    bucket,
                    prefix,
                    map_run.succeeded,
                    map_run.failed,
                );
                let manifest_key = files[0].0.clone();
                self.written.extend(
                    files
                        .into_iter()
                        .map(|(key, content)| (bucket.to_owned(), key, content)),
                );
                Ok(json!({
                    "MapRunArn": map_run.arn,
                    "ResultWriterDetails": { "Bucket": bucket, "Key": manifest_key },
                }))
            }
        }
    }

    /// Run the Map Run's next child execution with `input`, in the first free slot; the
    /// child's failure when it met one of the simulator's limits (`Stepwise.*`).
    fn child(
        &mut self,
        run: &mut MapRun,
        state: &State,
        map: &'m Map,
        input: Value,
    ) -> Option<Failure> {
        self.now = run.slots.next_start().0;
        let started = self.now;
        let child_arn = format!("{}:{}", run.arn, run.children);
        run.children += 1;
        let items = match (&map.item_batcher, input.get("Items")) {
            (Some(_), Some(Value::Array(batch))) => batch.len() as u64,
            _ => 1,
        };
        run.items += items;
        // What the ResultWriter's files say of the child's input.
        let written_input = run.summarise.then(|| crate::env::compact(&input));
        let (ended, history) = self.child_execution(&map.processor, input, &child_arn);
        let status = ended.status;
        if status == Status::Waiting {
            run.waiting = true;
        } else {
            run.slots.finished(self.now);
        }
        run.end = run.end.max(self.now);
        if matches!(status, Status::Failed | Status::TimedOut) {
            run.failed_items += items;
        }
        let limit = ended
            .failure
            .as_ref()
            .filter(|f| f.error.starts_with("Stepwise."))
            .cloned();
        let result = match (ended.output, ended.failure) {
            (Some(output), _) => output,
            (None, Some(f)) => f.output(),
            (None, None) => Value::Null,
        };
        if run.keep_outputs {
            run.outputs.push(result);
        } else if run.summarise {
            let summary = json!({
                "ExecutionArn": child_arn,
                "Input": written_input.unwrap_or_default(),
                "Output": crate::env::compact(&result),
                "Status": status,
                "StartDate": stepwise_asl::timestamp::format_millis(started),
                "StopDate": stepwise_asl::timestamp::format_millis(self.now),
            });
            match status {
                Status::Succeeded => run.succeeded.push(summary),
                _ => run.failed.push(summary),
            }
        }
        self.children.push(ChildExecution {
            map_state: state.name.clone(),
            map_run_arn: run.arn.clone(),
            execution_arn: child_arn,
            status,
            history,
        });
        limit
    }

    /// Run one child execution with its own history, ARN and input; it sees no outer variables.
    fn child_execution(
        &mut self,
        scope: &'m stepwise_asl::model::Scope,
        input: Value,
        arn: &str,
    ) -> (super::Ended, Vec<crate::Event>) {
        let history = std::mem::replace(&mut self.history, History::new(self.options.history));
        let parent_arn = std::mem::replace(&mut self.execution_arn, arn.to_owned());
        let parent_input = std::mem::replace(&mut self.input, input.clone());
        let ended = self.execute(scope, input, None, None);
        self.input = parent_input;
        self.execution_arn = parent_arn;
        let child = std::mem::replace(&mut self.history, history);
        (ended, child.events)
    }

    /// The Map Run's ARN: deterministic per execution, state and entry.
    fn map_run_arn(&self, state: &State, map: &Map, facts: &StateFacts) -> String {
        let digest = sha2::Sha256::digest(
            format!(
                "{}/{}/{}",
                self.execution_arn, state.name, facts.entered_millis
            )
            .as_bytes(),
        );
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        format!(
            "arn:aws:states:{}:{}:mapRun:{}/{}:{id}",
            self.options.region,
            self.options.account,
            self.options.state_machine_name,
            map.label.as_deref().unwrap_or(&state.name)
        )
    }

    /// The S3 objects an ItemReader reads: the Map state's mocked responses, in call order
    /// (for an inventory manifest, the manifest, then each data file it lists).
    fn read_objects(&mut self, state: &State, map: &Map) -> Result<Vec<&'m Value>, Failure> {
        let reader = map.item_reader.as_ref().unwrap_or(&Value::Null);
        let first = self.read_object(state)?;
        let mut objects = vec![first];
        if Format::of(reader)? == Format::Manifest {
            let (_, files) = items::manifest(first)?;
            for _ in 0..files {
                objects.push(self.read_object(state)?);
            }
        }
        Ok(objects)
    }

    /// The next S3 object the Map state reads, from its mocked responses.
    fn read_object(&mut self, state: &State) -> Result<&'m Value, Failure> {
        let call = self.calls.entry(state.name.clone()).or_insert(0);
        let index = *call;
        *call += 1;
        let options: &'m crate::Options = self.options;
        match options
            .mocks
            .as_ref()
            .and_then(|m| m.response(&state.name, index))
        {
            Some(mocked) => match &mocked.response {
                Response::Return(content) => Ok(content),
                Response::Throw { error, cause } => Err(Failure::new(error, cause)),
            },
            None => Err(Failure::new(
                items::READER_FAILED,
                format!(
                    "The ItemReader of '{}' has no object to read: map '{}' to a mocked response (call {index}) whose Return is the object's content",
                    state.name, state.name
                ),
            )),
        }
    }
}

/// `ItemBatcher`, resolved against the input; `None` without one.
fn batcher(map: &Map, eval: &Evaluator) -> Result<Option<Batcher>, Failure> {
    let Some(config) = &map.item_batcher else {
        return Ok(None);
    };
    let batch_input = match config.get("BatchInput") {
        None => None,
        Some(template) => Some(resolve_batch_input(template, "BatchInput", eval)?),
    };
    Ok(Some(Batcher {
        max_items: limit(Some(config), "MaxItemsPerBatch", eval)?,
        max_bytes: limit(Some(config), "MaxInputBytesPerBatch", eval)?,
        batch_input,
    }))
}

/// A count given as `Field` or as `FieldPath`, which must not be negative.
fn limit(config: Option<&Value>, field: &str, eval: &Evaluator) -> Result<Option<usize>, Failure> {
    match count(config, field, eval)? {
        Some(n) if n < 0 => Err(Failure::runtime(format!(
            "{field} must be a positive integer, not {n}"
        ))),
        n => Ok(n.map(|n| n as usize)),
    }
}

/// An integer given as `Field` (a number or a JSONata expression) or as `FieldPath`.
fn count(config: Option<&Value>, field: &str, eval: &Evaluator) -> Result<Option<i64>, Failure> {
    let Some(config) = config else {
        return Ok(None);
    };
    let value = match (config.get(field), config.get(format!("{field}Path"))) {
        (Some(Value::String(text)), _) => match stepwise_asl::jsonata_expression(text) {
            Some(expression) => eval.jsonata_value(expression, field)?,
            None => Value::String(text.clone()),
        },
        (Some(v), _) => v.clone(),
        (None, Some(Value::String(path))) => {
            let path = stepwise_asl::path::parse(path)
                .map_err(|e| Failure::runtime(format!("Invalid {field}Path: {e:?}")))?;
            // AWS names the path and the value it found when that is not an integer.
            return super::containers::integer_at(eval, &path, &format!("{field}Path")).map(Some);
        }
        _ => return Ok(None),
    };
    value
        .as_i64()
        .map(Some)
        .ok_or_else(|| Failure::runtime(format!("{field} must be a positive integer, not {value}")))
}

/// `BatchInput` as written, with `"key.$": "path"` members resolved against the input and,
/// in a JSONata state, `{% %}` strings evaluated (AWS evaluates both before batching).
fn resolve_batch_input(template: &Value, field: &str, eval: &Evaluator) -> Result<Value, Failure> {
    let jsonata = eval.states.is_some();
    Ok(match template {
        Value::String(text) if jsonata => match stepwise_asl::jsonata_expression(text) {
            Some(expression) => eval.jsonata_value(expression, field)?,
            None => template.clone(),
        },
        Value::Object(members) => {
            let mut out = serde_json::Map::new();
            for (key, value) in members {
                match (key.strip_suffix(".$"), value) {
                    (Some(name), Value::String(path)) if !jsonata => {
                        let path = stepwise_asl::path::parse(path).map_err(|e| {
                            Failure::runtime(format!("Invalid path in BatchInput: {e:?}"))
                        })?;
                        out.insert(name.to_owned(), eval.env.require(&path, "BatchInput")?);
                    }
                    _ => {
                        let nested = format!("{field}/{key}");
                        out.insert(key.clone(), resolve_batch_input(value, &nested, eval)?);
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) if jsonata => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| resolve_batch_input(item, &format!("{field}[{i}]"), eval))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}
