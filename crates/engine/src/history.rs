//! Execution history in the shape of AWS `GetExecutionHistory` events, stored compactly: an
//! event is its id, time, type and a few fields; texts (state names, payloads as JSON text)
//! are interned, so a payload that one state outputs and the next takes as input is stored
//! once, and a loop over the same data stores its texts once for the whole run.

use std::collections::HashSet;
use std::sync::Arc;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use stepwise_asl::model::StateType;

macro_rules! event_types {
    ($($name:ident),* $(,)?) => {
        /// The type of a history event, named as AWS names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $(
                #[allow(missing_docs)]
                $name,
            )*
        }

        impl EventType {
            /// Every event type.
            pub const ALL: &'static [EventType] = &[$(EventType::$name),*];

            /// AWS's name, e.g. `TaskStateEntered`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$name => stringify!($name),)*
                }
            }
        }
    };
}

event_types! {
    ExecutionStarted, ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut, ExecutionAborted,
    PassStateEntered, PassStateExited, TaskStateEntered, TaskStateExited,
    ChoiceStateEntered, ChoiceStateExited, WaitStateEntered, WaitStateExited,
    SucceedStateEntered, SucceedStateExited, FailStateEntered,
    ParallelStateEntered, ParallelStateExited, ParallelStateStarted, ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateEntered, MapStateExited, MapStateStarted, MapStateSucceeded, MapStateFailed,
    MapIterationStarted, MapIterationSucceeded, MapIterationFailed, MapIterationAborted,
    TaskStateAborted, WaitStateAborted, ParallelStateAborted, MapStateAborted,
    MapRunStarted, MapRunSucceeded, MapRunFailed,
    TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded, TaskFailed, TaskTimedOut,
    LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded,
    LambdaFunctionFailed, LambdaFunctionTimedOut,
    ActivityScheduled, ActivityStarted, ActivitySucceeded, ActivityFailed, ActivityTimedOut,
    EvaluationFailed,
}

impl EventType {
    /// The type named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.iter().copied().find(|t| t.as_str() == name)
    }

    /// The event that enters a state of type `state_type`.
    pub fn entered(state_type: StateType) -> EventType {
        match state_type {
            StateType::Pass => EventType::PassStateEntered,
            StateType::Task => EventType::TaskStateEntered,
            StateType::Choice => EventType::ChoiceStateEntered,
            StateType::Wait => EventType::WaitStateEntered,
            StateType::Succeed => EventType::SucceedStateEntered,
            StateType::Fail => EventType::FailStateEntered,
            StateType::Parallel => EventType::ParallelStateEntered,
            StateType::Map => EventType::MapStateEntered,
        }
    }

    /// The event that leaves a state of type `state_type` (a Fail state has none).
    pub fn exited(state_type: StateType) -> Option<EventType> {
        Some(match state_type {
            StateType::Pass => EventType::PassStateExited,
            StateType::Task => EventType::TaskStateExited,
            StateType::Choice => EventType::ChoiceStateExited,
            StateType::Wait => EventType::WaitStateExited,
            StateType::Succeed => EventType::SucceedStateExited,
            StateType::Parallel => EventType::ParallelStateExited,
            StateType::Map => EventType::MapStateExited,
            StateType::Fail => return None,
        })
    }

    /// For a `...StateEntered` event, the type of the state it enters.
    pub fn entered_state_type(self) -> Option<StateType> {
        StateType::ALL
            .into_iter()
            .find(|t| EventType::entered(*t) == self)
    }

    /// The event that closes a state of type `state_type` a failing Parallel branch or Map
    /// iteration cut short (only states that last have one).
    pub fn aborted(state_type: StateType) -> Option<EventType> {
        Some(match state_type {
            StateType::Task => EventType::TaskStateAborted,
            StateType::Wait => EventType::WaitStateAborted,
            StateType::Parallel => EventType::ParallelStateAborted,
            StateType::Map => EventType::MapStateAborted,
            _ => return None,
        })
    }

    /// True for `...StateExited` events.
    pub fn is_state_exited(self) -> bool {
        StateType::ALL
            .into_iter()
            .any(|t| EventType::exited(t) == Some(self))
    }

    /// For `ParallelStateFailed` / `MapStateFailed`, the type of the failed state.
    pub fn failed_state_type(self) -> Option<StateType> {
        match self {
            EventType::ParallelStateFailed => Some(StateType::Parallel),
            EventType::MapStateFailed => Some(StateType::Map),
            _ => None,
        }
    }

    /// The name of the member holding this event's details, e.g. `stateEnteredEventDetails`.
    pub fn details_key(self) -> String {
        let name = self.as_str();
        if self.entered_state_type().is_some() {
            return "stateEnteredEventDetails".into();
        }
        if self.is_state_exited() {
            return "stateExitedEventDetails".into();
        }
        let mut key = name[..1].to_ascii_lowercase();
        key.push_str(&name[1..]);
        key.push_str("EventDetails");
        key
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        EventType::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event type {name}")))
    }
}

/// One value of an event's details.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A string (a state name, an ARN, an error).
    Text(Arc<str>),
    /// A payload as compact JSON text, shown with a `...Details: {"truncated": false}` sibling.
    Payload(Arc<str>),
    /// Any other value (a number, an object).
    Json(Box<Value>),
}

impl Field {
    /// The text of a `Text` or `Payload` field.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Text(s) | Field::Payload(s) => Some(s),
            Field::Json(_) => None,
        }
    }
}

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// 1-based event id.
    pub id: u64,
    /// The id of the event before it (0 for the first).
    pub previous_event_id: u64,
    /// Virtual time in milliseconds since the epoch.
    pub millis: i64,
    /// The AWS event type.
    pub kind: EventType,
    /// The members of its `...EventDetails` object, in order (empty when it has none).
    pub fields: Box<[(&'static str, Field)]>,
    /// On a state's entered event, when stages were recorded: 1 + the index of the visit's
    /// inspection in [`History::visits`] (0: none).
    pub(crate) visit: u32,
}

impl Event {
    /// The event's time as AWS prints it (ISO 8601 with milliseconds).
    pub fn timestamp(&self) -> String {
        stepwise_asl::timestamp::format_millis(self.millis)
    }

    /// A field of its details.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|(k, _)| *k == name).map(|(_, f)| f)
    }

    /// The text of a string or payload field of its details.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.field(name).and_then(Field::as_str)
    }

    /// The `name` of a state event's details, if any.
    pub fn state_name(&self) -> Option<&str> {
        self.text("name")
    }

    /// Its details object as AWS shows it (`Value::Null` when it has none).
    pub fn details_json(&self) -> Value {
        if self.fields.is_empty() {
            return Value::Null;
        }
        let mut map = Map::new();
        for (key, field) in self.fields.iter() {
            match field {
                Field::Text(s) => {
                    map.insert((*key).to_owned(), Value::String(s.to_string()));
                }
                Field::Payload(s) => {
                    map.insert((*key).to_owned(), Value::String(s.to_string()));
                    map.insert(
                        format!("{key}Details"),
                        serde_json::json!({ "truncated": false }),
                    );
                }
                Field::Json(v) => {
                    map.insert((*key).to_owned(), (**v).clone());
                }
            }
        }
        Value::Object(map)
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("previousEventId", &self.previous_event_id)?;
        map.serialize_entry("timestamp", &self.timestamp())?;
        map.serialize_entry("type", &self.kind)?;
        if !self.fields.is_empty() {
            map.serialize_entry(&self.kind.details_key(), &DetailsView(&self.fields))?;
        }
        map.end()
    }
}

struct DetailsView<'a>(&'a [(&'static str, Field)]);

impl Serialize for DetailsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct NotTruncated {
            truncated: bool,
        }
        let mut map = serializer.serialize_map(None)?;
        for (key, field) in self.0 {
            match field {
                Field::Text(s) => map.serialize_entry(key, &**s)?,
                Field::Payload(s) => {
                    map.serialize_entry(key, &**s)?;
                    map.serialize_entry(
                        &format!("{key}Details"),
                        &NotTruncated { truncated: false },
                    )?;
                }
                Field::Json(v) => map.serialize_entry(key, v)?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    /// Reads an event in AWS's shape back (as [`Event`]'s `Serialize` writes it).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let Value::Object(mut map) = Value::deserialize(deserializer)? else {
            return Err(D::Error::custom("an event is a JSON object"));
        };
        let number = |map: &Map<String, Value>, key: &str| {
            map.get(key)
                .and_then(Value::as_u64)
                .ok_or_else(|| D::Error::custom(format!("an event needs a numeric \"{key}\"")))
        };
        let id = number(&map, "id")?;
        let previous_event_id = number(&map, "previousEventId")?;
        let kind = map
            .get("type")
            .and_then(Value::as_str)
            .and_then(EventType::from_name)
            .ok_or_else(|| D::Error::custom("an event needs a known \"type\""))?;
        let millis = map
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(stepwise_asl::timestamp::parse)
            .map(|(secs, nanos)| secs * 1000 + i64::from(nanos / 1_000_000))
            .ok_or_else(|| D::Error::custom("an event needs an RFC 3339 \"timestamp\""))?;
        let details = map.remove(&kind.details_key()).unwrap_or(Value::Null);
        let mut interner = Interner::default();
        Ok(Event {
            id,
            previous_event_id,
            millis,
            kind,
            fields: interner.fields(details),
            visit: 0,
        })
    }
}

/// Shares equal texts between events: names through a set, payloads with the payload
/// before them (a loop over the same data); unique payloads are not worth hashing.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    texts: HashSet<Arc<str>>,
    last_payload: Option<Arc<str>>,
    /// Bytes of text stored so far (each shared text once).
    pub bytes: usize,
}

impl Interner {
    /// The shared copy of the payload `text`.
    pub fn payload(&mut self, text: String) -> Arc<str> {
        match &self.last_payload {
            Some(last) if **last == *text => last.clone(),
            _ => {
                self.bytes += text.len();
                let shared: Arc<str> = Arc::from(text);
                self.last_payload = Some(shared.clone());
                shared
            }
        }
    }

    /// The shared copy of `text`.
    pub fn text(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.texts.get(text) {
            return shared.clone();
        }
        self.bytes += text.len();
        let shared: Arc<str> = Arc::from(text);
        self.texts.insert(shared.clone());
        shared
    }

    /// The fields of a details object (`{"input": "...", "inputDetails": {...}}` members become
    /// one payload field).
    pub fn fields(&mut self, details: Value) -> Box<[(&'static str, Field)]> {
        let Value::Object(map) = details else {
            return Box::default();
        };
        let mut fields = Vec::with_capacity(map.len());
        for (key, value) in &map {
            if key.ends_with("Details") && map.contains_key(&key[..key.len() - "Details".len()]) {
                continue;
            }
            let field = match value {
                Value::String(s) if map.contains_key(&format!("{key}Details")) => {
                    Field::Payload(self.text(s))
                }
                Value::String(s) => Field::Text(self.text(s)),
                other => Field::Json(Box::new(other.clone())),
            };
            fields.push((field_name(key), field));
        }
        fields.into_boxed_slice()
    }
}

/// The names of every details member the engine writes (and AWS's others), as static
/// strings, so an event stores no copy of its keys.
const FIELD_NAMES: &[&str] = &[
    "name",
    "input",
    "output",
    "roleArn",
    "error",
    "cause",
    "state",
    "location",
    "index",
    "length",
    "mapRunArn",
    "resource",
    "resourceType",
    "region",
    "parameters",
    "timeoutInSeconds",
    "heartbeatInSeconds",
    "workerName",
    "assignedVariables",
    "assignedVariablesDetails",
    "taskCredentials",
    "inputDetails",
    "outputDetails",
];

fn field_name(key: &str) -> &'static str {
    match FIELD_NAMES.iter().find(|k| **k == key) {
        Some(known) => known,
        // Only read histories can hold other names; there are few of them.
        None => Box::leak(key.to_owned().into_boxed_str()),
    }
}

/// Whether events are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryMode {
    /// Record every event.
    #[default]
    Full,
    /// Record nothing (counting only, for the 25,000-event quota).
    None,
}

/// The events of one execution.
#[derive(Debug, Default)]
pub struct History {
    /// The events, in order.
    pub events: Vec<Event>,
    /// How many events were emitted (also when not recorded).
    pub count: u64,
    pub(crate) mode: HistoryMode,
    pub(crate) interner: Interner,
    /// What each recorded state visit did to its data (when the run records stages).
    pub visits: Vec<crate::inspect::Inspection>,
}

impl History {
    pub(crate) fn new(mode: HistoryMode) -> Self {
        History {
            events: Vec::new(),
            count: 0,
            mode,
            interner: Interner::default(),
            visits: Vec::new(),
        }
    }

    /// Append an event whose details `details` builds as JSON; it runs only when events are
    /// recorded.
    pub(crate) fn emit(
        &mut self,
        kind: EventType,
        now_millis: i64,
        details: impl FnOnce() -> Option<Value>,
    ) -> u64 {
        self.emit_fields(kind, now_millis, |interner| {
            details().map_or_else(Box::default, |d| interner.fields(d))
        })
    }

    /// Append an event whose fields `fields` builds directly (the hot path: no JSON objects).
    pub(crate) fn emit_fields(
        &mut self,
        kind: EventType,
        now_millis: i64,
        fields: impl FnOnce(&mut Interner) -> Box<[(&'static str, Field)]>,
    ) -> u64 {
        self.count += 1;
        if self.mode == HistoryMode::Full {
            let fields = fields(&mut self.interner);
            // The event itself counts toward the history's bound too: a loop of events whose
            // texts are all shared would otherwise grow without one.
            self.interner.bytes +=
                std::mem::size_of::<Event>() + fields.len() * std::mem::size_of::<(&str, Field)>();
            self.events.push(Event {
                id: self.count,
                previous_event_id: self.count - 1,
                millis: now_millis,
                kind,
                fields,
                visit: 0,
            });
        }
        self.count
    }

    /// Keep the stages of the state visit whose entered event is at `index` (nothing when
    /// that event was not recorded).
    pub(crate) fn attach_visit(
        &mut self,
        index: usize,
        stages: Vec<(crate::inspect::Stage, Value)>,
    ) {
        let entered = self.events.get(index);
        if entered.is_none_or(|e| e.kind.entered_state_type().is_none()) {
            return;
        }
        // Most stages repeat the input or one another: store each distinct text once, and
        // the input as the entered event already holds it.
        let mut texts: Vec<Arc<str>> = entered
            .and_then(|e| e.field("input"))
            .and_then(|f| match f {
                Field::Payload(text) => Some(text.clone()),
                _ => None,
            })
            .into_iter()
            .collect();
        let stages = stages
            .into_iter()
            .map(|(stage, value)| {
                let text = crate::env::compact(&value);
                let shared = match texts.iter().find(|t| ***t == *text) {
                    Some(known) => known.clone(),
                    None => {
                        let shared = self.interner.payload(text);
                        texts.push(shared.clone());
                        shared
                    }
                };
                (stage, shared)
            })
            .collect();
        self.visits.push(crate::inspect::Inspection { stages });
        self.events[index].visit = self.visits.len() as u32;
    }

    /// Where the next event will go (the start of a fan-out's events).
    pub(crate) fn mark(&self) -> usize {
        self.events.len()
    }

    /// Settle the events recorded since `mark` by branches that ran one after another as if
    /// they had run side by side: keep those `keep` accepts, order them by virtual time (a
    /// stable sort, so each branch keeps its own order), and number them again.
    pub(crate) fn interleave(&mut self, mark: usize, keep: impl Fn(&Event) -> bool) {
        if self.mode == HistoryMode::None || mark >= self.events.len() {
            return;
        }
        let first_id = self.events[mark].id;
        // Only the fan-out's own events are touched: settling stays proportional to them.
        let mut settled = self.events.split_off(mark);
        settled.retain(|event| keep(event));
        settled.sort_by_key(|event| event.millis);
        self.events.append(&mut settled);
        for (offset, event) in self.events[mark..].iter_mut().enumerate() {
            event.id = first_id + offset as u64;
            event.previous_event_id = event.id - 1;
        }
        self.count = first_id - 1 + (self.events.len() - mark) as u64;
    }
}

/// Build a details object from (key, value) pairs plus payload members
/// (`"input": "<json text>", "inputDetails": {"truncated": false}`).
pub fn details(
    pairs: impl IntoIterator<Item = (&'static str, Value)>,
    payloads: &[(&str, &Value)],
) -> Value {
    let mut map: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (key, value) in payloads {
        map.insert((*key).to_owned(), Value::String(crate::env::compact(value)));
        map.insert(
            format!("{key}Details"),
            serde_json::json!({ "truncated": false }),
        );
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_in_aws_shape_and_read_back() {
        let mut history = History::new(HistoryMode::Full);
        history.emit(EventType::PassStateEntered, 1_000, || {
            Some(details(
                [("name", Value::String("A".into()))],
                &[("input", &serde_json::json!({"a": 1}))],
            ))
        });
        history.emit(EventType::MapStateStarted, 2_000, || {
            Some(serde_json::json!({"length": 3}))
        });
        let text = serde_json::to_string(&history.events).unwrap();
        assert_eq!(
            text,
            r#"[{"id":1,"previousEventId":0,"timestamp":"1970-01-01T00:00:01.000Z","type":"PassStateEntered","stateEnteredEventDetails":{"name":"A","input":"{\"a\":1}","inputDetails":{"truncated":false}}},{"id":2,"previousEventId":1,"timestamp":"1970-01-01T00:00:02.000Z","type":"MapStateStarted","mapStateStartedEventDetails":{"length":3}}]"#
        );
        let back: Vec<Event> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, history.events);
    }

    #[test]
    fn equal_texts_are_stored_once() {
        let mut interner = Interner::default();
        let a = interner.text("{\"big\":true}");
        let b = interner.text("{\"big\":true}");
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn every_type_names_its_details_as_aws_does() {
        assert_eq!(
            EventType::TaskStateEntered.details_key(),
            "stateEnteredEventDetails"
        );
        assert_eq!(
            EventType::MapIterationStarted.details_key(),
            "mapIterationStartedEventDetails"
        );
        assert_eq!(
            EventType::from_name("TaskScheduled"),
            Some(EventType::TaskScheduled)
        );
        assert_eq!(
            EventType::entered(StateType::Map).entered_state_type(),
            Some(StateType::Map)
        );
    }
}
