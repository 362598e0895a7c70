//! How much one template (Parameters, ResultSelector, Output, ...) may build, intrinsic
//! calls included. Each path it names copies a value of the input, so a template with many
//! of them, or a `States.Format` or `States.Array` with many arguments, could otherwise ask
//! for gigabytes before the state's output is measured.

use serde_json::Value;

use crate::failure::Failure;
use crate::run::MAX_PAYLOAD_BYTES;

/// The most JSON text one template may copy from the input, the variables and intrinsic
/// results: many times AWS's payload limit, so only a value that could never fit a payload
/// meets it.
pub const MAX_BUILT_BYTES: usize = 64 * MAX_PAYLOAD_BYTES;

/// What is left of [`MAX_BUILT_BYTES`] while one template is built.
pub struct Budget {
    left: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: MAX_BUILT_BYTES,
        }
    }
}

impl Budget {
    /// Count `value`, built for `field`, against the budget.
    pub fn charge(&mut self, value: &Value, field: &str) -> Result<(), Failure> {
        let size = crate::env::json_len_up_to(value, self.left);
        self.left = self.left.checked_sub(size).ok_or_else(|| {
            Failure::new(
                "States.DataLimitExceeded",
                format!(
                    "The value built for the field '{field}' exceeds {MAX_BUILT_BYTES} bytes, far over the {MAX_PAYLOAD_BYTES}-byte limit of a payload."
                ),
            )
        })?;
        Ok(())
    }
}
