//! The example gallery: definitions with inputs and mocks, from `public/examples/`.

/// A ready-to-run example.
pub struct Example {
    /// Shown in the gallery.
    pub name: &'static str,
    /// Its files in `public/examples/`: `<file>.asl.json`, `.input.json`, `.mocks.json`.
    pub file: &'static str,
    /// The ASL definition.
    pub definition: &'static str,
    /// The execution input.
    pub input: &'static str,
    /// The MockConfigFile.
    pub mocks: &'static str,
    /// The test case to run.
    pub test_case: &'static str,
    /// The status the example ends with (the gallery says what to expect).
    pub expected_status: &'static str,
}

macro_rules! example {
    ($name:expr, $file:literal, $case:expr, $status:expr) => {
        Example {
            name: $name,
            file: $file,
            definition: include_str!(concat!("../../public/examples/", $file, ".asl.json")),
            input: include_str!(concat!("../../public/examples/", $file, ".input.json")),
            mocks: include_str!(concat!("../../public/examples/", $file, ".mocks.json")),
            test_case: $case,
            expected_status: $status,
        }
    };
}

/// Every example, the default first.
pub const EXAMPLES: &[Example] = &[
    example!(
        "Order Processing Workflow (as commonly written)",
        "order-processing",
        "HappyPath",
        "FAILED"
    ),
    example!(
        "Order Processing Workflow (fixed)",
        "order-processing-fixed",
        "HappyPath",
        "SUCCEEDED"
    ),
    example!(
        "Order Processing Workflow (JSONata and Variables)",
        "order-processing-jsonata",
        "HappyPath",
        "SUCCEEDED"
    ),
    example!(
        "Error handling: Retry with backoff, then Catch",
        "retry-backoff",
        "RecoversOnThirdTry",
        "SUCCEEDED"
    ),
    example!(
        "Batch processing with Map",
        "batch-map",
        "AllCharged",
        "SUCCEEDED"
    ),
    example!("Distributed Map", "distributed-map", "Resized", "SUCCEEDED"),
    example!("Intrinsic functions", "intrinsics", "", "SUCCEEDED"),
    example!(
        "Human approval with long waits",
        "human-approval",
        "Approved",
        "SUCCEEDED"
    ),
    example!(
        "JSONata and Variables",
        "jsonata-variables",
        "Charged",
        "SUCCEEDED"
    ),
    example!("A loop with a Choice", "choice-loop", "", "SUCCEEDED"),
];
