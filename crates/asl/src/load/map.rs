//! Map state fields: the item processor, item sources and distributed-mode settings.

use serde_json::Value;

use super::fields::Obj;
use super::state::StateCtx;
use super::template::{self, jsonata_expression};
use super::Loader;
use crate::model::*;

const DISTRIBUTED_ONLY: &[&str] = &[
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "Label",
];

impl Loader<'_> {
    /// `ItemReader.ReaderConfig`: the input type and its CSV and limit settings.
    fn reader_config(
        &mut self,
        reader: &serde_json::Value,
        pointer: &str,
        language: QueryLanguage,
    ) {
        let Some(reader) = Obj::new(reader, pointer.to_owned(), "\"ItemReader\"", self.sink) else {
            return;
        };
        self.allow_only(
            &reader,
            &["Resource", "ReaderConfig", "Parameters", "Arguments"],
            "\"ItemReader\"",
        );
        let Some(config) = reader.get("ReaderConfig") else {
            return;
        };
        let Some(config) = Obj::new(
            config,
            reader.at("ReaderConfig"),
            "\"ReaderConfig\"",
            self.sink,
        ) else {
            return;
        };
        self.allow_only(
            &config,
            &[
                "InputType",
                "CSVHeaderLocation",
                "CSVHeaders",
                "CSVDelimiter",
                "MaxItems",
                "MaxItemsPath",
                "ManifestType",
                "Transformation",
            ],
            "\"ReaderConfig\"",
        );
        let choices: [(&str, &[&str]); 3] = [
            (
                "InputType",
                &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"],
            ),
            ("CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]),
            (
                "CSVDelimiter",
                &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
            ),
        ];
        for (field, allowed) in choices {
            if let Some(value) = config.string(field, self.sink) {
                if !allowed.contains(&value) {
                    self.sink.error(
                        "ASL017",
                        config.at(field),
                        format!(
                            "\"{field}\" must be one of {}, not \"{value}\"",
                            allowed.join(", ")
                        ),
                    );
                }
            }
        }
        if config.get("CSVHeaderLocation").and_then(|v| v.as_str()) == Some("GIVEN")
            && !config.has("CSVHeaders")
        {
            self.sink.error(
                "ASL010",
                config.pointer.clone(),
                "\"CSVHeaderLocation\": \"GIVEN\" needs \"CSVHeaders\"",
            );
        }
        if !config.both("MaxItems", "MaxItemsPath", self.sink) {
            // AWS reads every item when MaxItems is 0, as when it is absent.
            self.limit(&config, "MaxItems", 0, 100_000_000, language);
            if config.has("MaxItemsPath") {
                config.path("MaxItemsPath", true, self.sink);
            }
        }
    }

    /// A count from `min` to `max`, or in JSONata a `{% %}` expression that gives it at run time.
    fn limit(&mut self, obj: &Obj, field: &str, min: u64, max: u64, language: QueryLanguage) {
        match obj.get(field) {
            Some(Value::String(text))
                if language == QueryLanguage::Jsonata && jsonata_expression(text).is_some() =>
            {
                template::compile(
                    &Value::String(text.clone()),
                    &obj.at(field),
                    language,
                    self.sink,
                );
            }
            _ => {
                obj.natural(field, min, max, self.sink);
            }
        }
    }

    pub(crate) fn map(&mut self, ctx: &StateCtx, state: &mut State) -> Option<Map> {
        let obj = ctx.obj;
        let (key, processor_value) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(_), Some(_)) => {
                self.sink.error(
                    "ASL014",
                    obj.at("Iterator"),
                    "\"ItemProcessor\" and \"Iterator\" cannot both be set",
                );
                return None;
            }
            (Some(v), None) => ("ItemProcessor", v),
            (None, Some(v)) => ("Iterator", v),
            (None, None) => {
                self.sink.error(
                    "ASL010",
                    obj.pointer.clone(),
                    "A Map state needs \"ItemProcessor\"",
                );
                return None;
            }
        };
        let processor = Obj::new(
            processor_value,
            obj.at(key),
            &format!("\"{key}\""),
            self.sink,
        )?;
        self.allow_only(
            &processor,
            &[
                "StartAt",
                "States",
                "Comment",
                "QueryLanguage",
                "ProcessorConfig",
            ],
            &format!("\"{key}\""),
        );
        let (mode, execution_type) = self.processor_config(&processor);
        if mode == MapMode::Inline {
            for field in DISTRIBUTED_ONLY.iter().filter(|f| obj.has(f)) {
                self.sink
                    .error("ASL012", obj.at(field), format!("\"{field}\" is only allowed in a distributed Map"))
                    .hint("Set \"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}");
            }
        }
        let language = self.query_language(&processor, ctx.language);
        let scope = self.scope(&processor, language);

        obj.both("ItemSelector", "Parameters", self.sink);
        let item_selector = match obj.get("ItemSelector") {
            Some(v) => Some(template::compile(
                v,
                &obj.at("ItemSelector"),
                ctx.language,
                self.sink,
            )),
            None => state.parameters.take(),
        };
        let items = obj
            .get("Items")
            .map(|v| template::compile(v, &obj.at("Items"), ctx.language, self.sink));
        let items_path = if obj.has("ItemsPath") {
            obj.path("ItemsPath", true, self.sink)
        } else {
            None
        };
        // AWS takes an ItemsPath beside an ItemReader (and reads the items), not Items.
        if obj.has("ItemReader") && obj.has("Items") {
            self.sink.error(
                "ASL014",
                obj.at("ItemReader"),
                "\"ItemReader\" cannot be combined with \"Items\"",
            );
        }
        for (field, what) in [
            ("ItemReader", "\"ItemReader\""),
            ("ItemBatcher", "\"ItemBatcher\""),
            ("ResultWriter", "\"ResultWriter\""),
        ] {
            if let Some(v) = obj.get(field) {
                Obj::new(v, obj.at(field), what, self.sink);
            }
        }
        if let Some(reader) = obj.get("ItemReader") {
            if reader.get("Resource").and_then(|r| r.as_str()).is_none() {
                self.sink.error(
                    "ASL010",
                    obj.at("ItemReader"),
                    "\"ItemReader\" needs a \"Resource\"",
                );
            }
            self.reader_config(reader, &obj.at("ItemReader"), ctx.language);
        }
        if let Some(batcher) = obj.get("ItemBatcher") {
            if let Some(batcher) =
                Obj::new(batcher, obj.at("ItemBatcher"), "\"ItemBatcher\"", self.sink)
            {
                self.allow_only(
                    &batcher,
                    &[
                        "MaxItemsPerBatch",
                        "MaxItemsPerBatchPath",
                        "MaxInputBytesPerBatch",
                        "MaxInputBytesPerBatchPath",
                        "BatchInput",
                    ],
                    "\"ItemBatcher\"",
                );
                // AWS caps a batch's input at 256 KiB.
                for (field, max) in [
                    ("MaxItemsPerBatch", u64::MAX),
                    ("MaxInputBytesPerBatch", 262_144),
                ] {
                    let path = format!("{field}Path");
                    if batcher.both(field, &path, self.sink) {
                        continue;
                    }
                    self.limit(&batcher, field, 1, max, ctx.language);
                    if batcher.has(&path) {
                        batcher.path(&path, true, self.sink);
                    }
                }
            }
        }
        let percentage = self.fractional_amount(
            ctx,
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            0.0,
            100.0,
        );
        let count = self.amount(
            ctx,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            0,
            99_999_999,
        );
        let label = obj.string("Label", self.sink).map(str::to_owned);
        if let Some(label) = &label {
            if label.chars().count() > 40
                || label
                    .chars()
                    .any(|c| c.is_whitespace() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c))
            {
                self.sink.error("ASL015", obj.at("Label"), "\"Label\" must be at most 40 characters, without whitespace or special characters");
            }
        }
        Some(Map {
            processor: scope?,
            mode,
            execution_type,
            items_path,
            items,
            item_selector,
            max_concurrency: self.amount(
                ctx,
                "MaxConcurrency",
                "MaxConcurrencyPath",
                0,
                99_999_999,
            ),
            item_reader: obj.get("ItemReader").cloned(),
            item_batcher: obj.get("ItemBatcher").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            tolerated_failure_percentage: percentage,
            tolerated_failure_count: count,
            label,
        })
    }

    fn processor_config(&mut self, processor: &Obj) -> (MapMode, Option<String>) {
        let Some(value) = processor.get("ProcessorConfig") else {
            return (MapMode::Inline, None);
        };
        let Some(config) = Obj::new(
            value,
            processor.at("ProcessorConfig"),
            "\"ProcessorConfig\"",
            self.sink,
        ) else {
            return (MapMode::Inline, None);
        };
        self.allow_only(&config, &["Mode", "ExecutionType"], "\"ProcessorConfig\"");
        let mode = match config.string("Mode", self.sink) {
            None | Some("INLINE") => MapMode::Inline,
            Some("DISTRIBUTED") => MapMode::Distributed,
            Some(other) => {
                self.sink.error(
                    "ASL017",
                    config.at("Mode"),
                    format!("\"Mode\" must be \"INLINE\" or \"DISTRIBUTED\", not \"{other}\""),
                );
                MapMode::Inline
            }
        };
        let execution_type = config.string("ExecutionType", self.sink).map(str::to_owned);
        match (mode, execution_type.as_deref()) {
            (MapMode::Distributed, None) => {
                self.sink.error(
                    "ASL010",
                    config.pointer.clone(),
                    "A distributed Map needs \"ExecutionType\": \"STANDARD\" or \"EXPRESS\"",
                );
            }
            (MapMode::Distributed, Some("STANDARD" | "EXPRESS")) | (MapMode::Inline, None) => {}
            (MapMode::Distributed, Some(other)) => {
                self.sink.error(
                    "ASL017",
                    config.at("ExecutionType"),
                    format!(
                        "\"ExecutionType\" must be \"STANDARD\" or \"EXPRESS\", not \"{other}\""
                    ),
                );
            }
            (MapMode::Inline, Some(_)) => {
                self.sink.error(
                    "ASL012",
                    config.at("ExecutionType"),
                    "\"ExecutionType\" is only allowed when \"Mode\" is \"DISTRIBUTED\"",
                );
            }
        }
        (mode, execution_type)
    }
}
