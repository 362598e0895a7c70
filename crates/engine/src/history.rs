//! Execution history in the shape of AWS `GetExecutionHistory` events.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::env::compact;

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// 1-based event id.
    pub id: u64,
    /// The id of the event before it (0 for the first).
    pub previous_event_id: u64,
    /// Virtual time, ISO 8601 with milliseconds.
    pub timestamp: String,
    /// Virtual time in milliseconds since the epoch (orders interleaved branches).
    #[serde(skip)]
    pub millis: i64,
    /// The AWS event type, e.g. `TaskStateEntered`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The `...EventDetails` member, named as AWS names it.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Event {
    /// The `name` of a state event's details, if any.
    pub fn state_name(&self) -> Option<&str> {
        self.details.values().find_map(|d| d.get("name")?.as_str())
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
}

impl History {
    pub(crate) fn new(mode: HistoryMode) -> Self {
        History {
            events: Vec::new(),
            count: 0,
            mode,
        }
    }

    /// Append an event; `details` runs only when events are recorded.
    pub(crate) fn emit(
        &mut self,
        kind: &'static str,
        now_millis: i64,
        details: impl FnOnce() -> Option<(&'static str, Value)>,
    ) -> u64 {
        self.count += 1;
        if self.mode == HistoryMode::Full {
            let mut map = Map::new();
            if let Some((key, value)) = details() {
                map.insert(key.to_owned(), value);
            }
            self.events.push(Event {
                id: self.count,
                previous_event_id: self.count - 1,
                timestamp: stepwise_asl::timestamp::format_millis(now_millis),
                millis: now_millis,
                kind,
                details: map,
            });
        }
        self.count
    }
}

impl History {
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

/// `{"input": "<json text>", "inputDetails": {"truncated": false}}`-style payload members.
pub fn payload(key: &str, value: &Value) -> (String, Value, String, Value) {
    (
        key.to_owned(),
        Value::String(compact(value)),
        format!("{key}Details"),
        json!({ "truncated": false }),
    )
}

/// Build a details object from (key, value) pairs plus payload members.
pub fn details(
    pairs: impl IntoIterator<Item = (&'static str, Value)>,
    payloads: &[(&str, &Value)],
) -> Value {
    let mut map: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (key, value) in payloads {
        let (k, v, dk, dv) = payload(key, value);
        map.insert(k, v);
        map.insert(dk, dv);
    }
    Value::Object(map)
}
