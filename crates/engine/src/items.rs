//! A distributed Map's items as AWS reads them (`ItemReader`) and groups them (`ItemBatcher`):
//! S3 objects in JSON, JSON Lines or CSV, S3 object listings and S3 inventory manifests. The
//! objects' contents come from mocks, like any task result.

use serde_json::{json, Map, Value};

use crate::env::compact;
use crate::failure::Failure;

/// The error AWS raises when it cannot read or parse the items.
pub const READER_FAILED: &str = "States.ItemReaderFailed";

/// What the ItemReader reads, from `Resource` and `ReaderConfig`.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// `s3:listObjectsV2`: one item per object.
    ObjectList,
    /// `s3:getObject` with InputType JSON: an array.
    Json,
    /// InputType JSONL: one JSON value per line.
    JsonLines,
    /// InputType CSV: one object per row, keyed by the header.
    Csv {
        /// The column names, when given (`CSVHeaderLocation: GIVEN`); else the first row.
        headers: Option<Vec<String>>,
        /// `CSVDelimiter`.
        delimiter: u8,
    },
    /// InputType MANIFEST: an S3 inventory `manifest.json`, then each of its CSV data files.
    Manifest,
}

impl Format {
    /// Read the format from an `ItemReader` object.
    pub fn of(reader: &Value) -> Result<Format, Failure> {
        let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or("");
        if resource.ends_with(":listObjectsV2") {
            return Ok(Format::ObjectList);
        }
        let config = reader.get("ReaderConfig").unwrap_or(&Value::Null);
        let field = |name: &str| config.get(name).and_then(Value::as_str);
        Ok(match field("InputType").unwrap_or("JSON") {
            "JSON" => Format::Json,
            "JSONL" => Format::JsonLines,
            "MANIFEST" => Format::Manifest,
            "CSV" => Format::Csv {
                headers: match field("CSVHeaderLocation") {
                    Some("GIVEN") => Some(
                        config
                            .get("CSVHeaders")
                            .and_then(Value::as_array)
                            .map(|h| {
                                h.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ),
                    _ => None,
                },
                delimiter: match field("CSVDelimiter").unwrap_or("COMMA") {
                    "PIPE" => b'|',
                    "SEMICOLON" => b';',
                    "SPACE" => b' ',
                    "TAB" => b'\t',
                    _ => b',',
                },
            },
            other => {
                return Err(Failure::new(
                    READER_FAILED,
                    format!("Unsupported ReaderConfig InputType '{other}'"),
                ))
            }
        })
    }
}

/// Items, read one at a time.
pub type Rows<'a> = Box<dyn Iterator<Item = Result<Value, Failure>> + 'a>;

/// The items of the objects an ItemReader read (for a manifest: the manifest, then each of its
/// data files), one at a time, so a large object is never held as items all at once.
pub fn rows<'a>(format: &Format, objects: &[&'a Value]) -> Result<Rows<'a>, Failure> {
    let Some(&first) = objects.first() else {
        return Ok(Box::new(std::iter::empty()));
    };
    match format {
        Format::ObjectList => match first.get("Contents").unwrap_or(first) {
            Value::Array(listed) => Ok(Box::new(listed.iter().cloned().map(Ok))),
            other => Err(Failure::new(
                READER_FAILED,
                format!(
                    "A listObjectsV2 result needs \"Contents\" (an array), not {}",
                    compact(other)
                ),
            )),
        },
        Format::Json => match first {
            Value::Array(items) => Ok(Box::new(items.iter().cloned().map(Ok))),
            Value::String(text) => match serde_json::from_str(text) {
                Ok(Value::Array(items)) => Ok(Box::new(items.into_iter().map(Ok))),
                Ok(_) => Err(not_an_array()),
                Err(e) => Err(Failure::new(
                    READER_FAILED,
                    format!("The object is not JSON: {e}"),
                )),
            },
            _ => Err(not_an_array()),
        },
        Format::JsonLines => Ok(Box::new(
            text(first)?
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(n, line)| {
                    serde_json::from_str(line).map_err(|e| {
                        Failure::new(READER_FAILED, format!("Line {} is not JSON: {e}", n + 1))
                    })
                }),
        )),
        Format::Csv { headers, delimiter } => csv_rows(text(first)?, headers.clone(), *delimiter),
        Format::Manifest => {
            let (columns, _) = manifest(first)?;
            let mut files = Vec::with_capacity(objects.len() - 1);
            for &file in &objects[1..] {
                let text = file.as_str().ok_or_else(|| {
                    Failure::new(READER_FAILED, "An inventory data file must be CSV text")
                })?;
                files.push(csv_rows(text, Some(columns.clone()), b',')?);
            }
            Ok(Box::new(files.into_iter().flatten()))
        }
    }
}

fn text(content: &Value) -> Result<&str, Failure> {
    content.as_str().ok_or_else(|| {
        Failure::new(
            READER_FAILED,
            format!(
                "The object's content must be text, not {}",
                compact(content)
            ),
        )
    })
}

/// AWS's cause when a JSON object holds something other than an array (recorded run:
/// `test_map_item_reader_json_no_json_list_object`).
fn not_an_array() -> Failure {
    Failure::new(READER_FAILED, "Attempting to map over non-iterable node.")
}

/// An S3 inventory manifest: the column names of its data files, and how many there are.
pub fn manifest(content: &Value) -> Result<(Vec<String>, usize), Failure> {
    let parsed;
    let manifest = match content {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|e| {
                Failure::new(READER_FAILED, format!("The manifest is not JSON: {e}"))
            })?;
            &parsed
        }
        other => other,
    };
    let schema = manifest.get("fileSchema").and_then(Value::as_str);
    let files = manifest.get("files").and_then(Value::as_array);
    match (schema, files) {
        (Some(schema), Some(files)) => Ok((
            schema.split(',').map(|c| c.trim().to_owned()).collect(),
            files.len(),
        )),
        _ => Err(Failure::new(
            READER_FAILED,
            "An S3 inventory manifest needs \"fileSchema\" and \"files\"",
        )),
    }
}

/// CSV rows as objects keyed by column name; every value is a string, as AWS reads them. A
/// row shorter than the header gets "" for its missing columns and a longer one loses its
/// extra fields (recorded runs: `test_map_item_reader_csv_headers_decl_extra_fields`,
/// `test_map_item_reader_csv_first_row_extra_fields`); duplicate column names fail the read.
fn csv_rows(text: &str, headers: Option<Vec<String>>, delimiter: u8) -> Result<Rows<'_>, Failure> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(headers.is_none())
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let failed =
        |e: csv::Error| Failure::new(READER_FAILED, format!("The CSV object is malformed: {e}"));
    let headers: Vec<String> = match headers {
        Some(given) => given,
        None => reader
            .headers()
            .map_err(failed)?
            .iter()
            .map(str::to_owned)
            .collect(),
    };
    let mut seen = std::collections::HashSet::new();
    if !headers.iter().all(|h| seen.insert(h)) {
        return Err(Failure::new(
            READER_FAILED,
            "CSV headers cannot contain duplicates.",
        ));
    }
    Ok(Box::new(reader.into_records().map(move |record| {
        let record = record.map_err(failed)?;
        let row: Map<String, Value> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let field = record.get(i).unwrap_or_default();
                (h.clone(), Value::String(field.to_owned()))
            })
            .collect();
        Ok(Value::Object(row))
    })))
}

/// `ItemBatcher`'s limits, resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batcher {
    /// `MaxItemsPerBatch(Path)`.
    pub max_items: Option<usize>,
    /// `MaxInputBytesPerBatch(Path)`.
    pub max_bytes: Option<usize>,
    /// `BatchInput`, as evaluated.
    pub batch_input: Option<Value>,
}

/// Items grouped into child inputs `{"BatchInput": ..., "Items": [...]}` as they come: as
/// many as fit both limits, at least one per batch.
pub struct Batches<'b> {
    batcher: &'b Batcher,
    current: Vec<Value>,
    bytes: usize,
    overhead: usize,
}

impl<'b> Batches<'b> {
    /// Start batching with `batcher`'s limits.
    pub fn new(batcher: &'b Batcher) -> Self {
        let mut batches = Batches {
            batcher,
            current: Vec::new(),
            bytes: 0,
            overhead: 0,
        };
        batches.overhead = compact(&batches.envelope(Vec::new())).len();
        batches.bytes = batches.overhead;
        batches
    }

    /// Add an item; returns the batch it closed, if it did not fit in it.
    pub fn push(&mut self, item: Value) -> Option<Value> {
        let size = match self.batcher.max_bytes {
            Some(_) => compact(&item).len() + 1,
            None => 0,
        };
        let full = self
            .batcher
            .max_items
            .is_some_and(|m| self.current.len() >= m)
            || self
                .batcher
                .max_bytes
                .is_some_and(|m| self.bytes + size > m);
        let closed = (full && !self.current.is_empty()).then(|| {
            self.bytes = self.overhead;
            let items = std::mem::take(&mut self.current);
            self.envelope(items)
        });
        self.bytes += size;
        self.current.push(item);
        closed
    }

    /// The last batch, if any items are left.
    pub fn finish(mut self) -> Option<Value> {
        let items = std::mem::take(&mut self.current);
        (!items.is_empty()).then(|| self.envelope(items))
    }

    fn envelope(&self, items: Vec<Value>) -> Value {
        let mut input = Map::new();
        if let Some(batch_input) = &self.batcher.batch_input {
            input.insert("BatchInput".into(), batch_input.clone());
        }
        input.insert("Items".into(), Value::Array(items));
        Value::Object(input)
    }
}

/// What the ResultWriter would write: the manifest, and its result files by status.
pub fn result_files(
    map_run_arn: &str,
    bucket: &str,
    prefix: &str,
    succeeded: Vec<Value>,
    failed: Vec<Value>,
) -> Vec<(String, Value)> {
    let run_id = map_run_arn.rsplit(':').next().unwrap_or("run");
    let base = if prefix.is_empty() {
        run_id.to_owned()
    } else {
        format!("{}/{run_id}", prefix.trim_end_matches('/'))
    };
    let mut files = Vec::new();
    let mut listing = json!({ "FAILED": [], "PENDING": [], "SUCCEEDED": [] });
    for (status, results) in [("SUCCEEDED", succeeded), ("FAILED", failed)] {
        if results.is_empty() {
            continue;
        }
        let key = format!("{base}/{status}_0.json");
        let content = Value::Array(results);
        listing[status] = json!([{ "Key": key, "Size": compact(&content).len() }]);
        files.push((key, content));
    }
    let manifest = json!({
        "DestinationBucket": bucket,
        "MapRunArn": map_run_arn,
        "ResultFiles": listing,
    });
    files.insert(0, (format!("{base}/manifest.json"), manifest));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(items: Vec<Value>, batcher: &Batcher) -> Vec<Value> {
        let mut batches = Batches::new(batcher);
        let mut out: Vec<Value> = items.into_iter().filter_map(|i| batches.push(i)).collect();
        out.extend(batches.finish());
        out
    }

    fn parse(format: &Format, content: &Value) -> Result<Vec<Value>, Failure> {
        rows(format, &[content])?.collect()
    }

    fn csv(headers: Option<Vec<String>>) -> Format {
        Format::Csv {
            headers,
            delimiter: b',',
        }
    }

    #[test]
    fn csv_rows_become_objects_of_strings() {
        let items = parse(&csv(None), &json!("id,qty\na,1\n\"b,c\",2\n")).unwrap();
        assert_eq!(
            items,
            vec![
                json!({"id": "a", "qty": "1"}),
                json!({"id": "b,c", "qty": "2"})
            ]
        );
        let given = parse(&csv(Some(vec!["x".into(), "y".into()])), &json!("1,2")).unwrap();
        assert_eq!(given, vec![json!({"x": "1", "y": "2"})]);
        let ragged = parse(&csv(None), &json!("a,b\n1\n2,3,4\n")).unwrap();
        assert_eq!(
            ragged,
            vec![json!({"a": "1", "b": ""}), json!({"a": "2", "b": "3"})]
        );
        let twice = parse(&csv(Some(vec!["x".into(), "x".into()])), &json!("1,2"));
        assert_eq!(
            twice.unwrap_err().cause,
            "CSV headers cannot contain duplicates."
        );
    }

    #[test]
    fn reader_config_picks_the_format() {
        let reader = json!({"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a"], "CSVDelimiter": "PIPE"}});
        assert_eq!(
            Format::of(&reader).unwrap(),
            Format::Csv {
                headers: Some(vec!["a".into()]),
                delimiter: b'|'
            }
        );
        let listing = json!({"Resource": "arn:aws:states:::s3:listObjectsV2"});
        assert_eq!(Format::of(&listing).unwrap(), Format::ObjectList);
        let bad = json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"}});
        assert_eq!(Format::of(&bad).unwrap_err().error, READER_FAILED);
    }

    #[test]
    fn json_lines_listings_and_manifests() {
        let lines = parse(&Format::JsonLines, &json!("{\"a\":1}\n\n[2]\n")).unwrap();
        assert_eq!(lines, vec![json!({"a": 1}), json!([2])]);
        assert_eq!(
            parse(&Format::JsonLines, &json!("{oops"))
                .unwrap_err()
                .cause,
            "Line 1 is not JSON: key must be a string at line 1 column 2"
        );
        let listing = parse(
            &Format::ObjectList,
            &json!({"Contents": [{"Key": "k", "Size": 3}]}),
        );
        assert_eq!(listing.unwrap(), vec![json!({"Key": "k", "Size": 3})]);
        let json_text = parse(&Format::Json, &json!("[1, 2]")).unwrap();
        assert_eq!(json_text, vec![json!(1), json!(2)]);
        let (columns, files) =
            manifest(&json!({"fileSchema": "Bucket, Key", "files": [{"key": "d1.csv"}]})).unwrap();
        assert_eq!(
            (columns.clone(), files),
            (vec!["Bucket".to_owned(), "Key".to_owned()], 1)
        );
        let manifest_object = json!({"fileSchema": "Bucket, Key", "files": [{"key": "d1.csv"}]});
        let data = json!("b,k1\nb,k2\n");
        let items: Vec<Value> = rows(&Format::Manifest, &[&manifest_object, &data])
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items[1], json!({"Bucket": "b", "Key": "k2"}));
    }

    #[test]
    fn batches_respect_both_limits_and_carry_the_batch_input() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let by_count = batch(
            items.clone(),
            &Batcher {
                max_items: Some(2),
                batch_input: Some(json!({"job": 1})),
                ..Batcher::default()
            },
        );
        assert_eq!(by_count.len(), 3);
        assert_eq!(
            by_count[0],
            json!({"BatchInput": {"job": 1}, "Items": [0, 1]})
        );
        assert_eq!(by_count[2], json!({"BatchInput": {"job": 1}, "Items": [4]}));
        // {"Items":[]} is 12 bytes; each one-digit item adds 2.
        let by_bytes = batch(
            items,
            &Batcher {
                max_bytes: Some(16),
                ..Batcher::default()
            },
        );
        assert_eq!(by_bytes[0], json!({"Items": [0, 1]}));
        assert_eq!(by_bytes.len(), 3);
    }

    #[test]
    fn result_files_follow_the_manifest_shape() {
        let files = result_files(
            "arn:aws:states:us-east-1:1:mapRun:M/L:run-1",
            "out",
            "results/",
            vec![json!({"Status": "SUCCEEDED"})],
            vec![],
        );
        assert_eq!(files[0].0, "results/run-1/manifest.json");
        assert_eq!(
            files[0].1["ResultFiles"]["SUCCEEDED"][0]["Key"],
            "results/run-1/SUCCEEDED_0.json"
        );
        assert_eq!(files[0].1["ResultFiles"]["FAILED"], json!([]));
        assert_eq!(files[1].0, "results/run-1/SUCCEEDED_0.json");
    }
}
