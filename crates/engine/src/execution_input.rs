//! The execution input, checked as StartExecution checks it: first its size (the API's
//! length constraint on `input`, 262,144 bytes of UTF-8, refused with a
//! ValidationException before any execution exists), then that it is JSON.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::run::MAX_PAYLOAD_BYTES;

/// The most bytes an execution input may have (AWS: 256 KiB).
pub const MAX_INPUT_BYTES: usize = MAX_PAYLOAD_BYTES;

/// Why an execution input cannot start a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputError {
    /// It is not JSON: `line L, column C: message`.
    NotJson(String),
    /// It has more than [`MAX_INPUT_BYTES`] bytes.
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
}

impl fmt::Display for InputError {
    /// The parser's position and message, or AWS's error and message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotJson(message) => f.write_str(message),
            InputError::TooLarge { .. } => write!(
                f,
                "ValidationException: 1 validation error detected: Value at 'input' failed to \
                 satisfy constraint: Member must have length less than or equal to {MAX_INPUT_BYTES}"
            ),
        }
    }
}

impl InputError {
    /// Why the input cannot start a run, for people: what is wrong, then the parser's or
    /// AWS's words.
    pub fn explained(&self) -> String {
        match self {
            InputError::NotJson(_) => format!("the input is not JSON: {self}"),
            InputError::TooLarge { bytes } => format!(
                "the input is {bytes} bytes, over StartExecution's limit of {MAX_INPUT_BYTES} \
                 (256 KiB): {self}"
            ),
        }
    }
}

/// The input `text`, read as StartExecution reads it.
pub fn read(text: &str) -> Result<Value, InputError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { bytes: text.len() });
    }
    serde_json::from_str(text).map_err(|e| InputError::NotJson(crate::json_error::describe(&e)))
}
