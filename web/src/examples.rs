//! The example state machines shipped with the playground.

/// An example: a name and the definition text.
pub struct Example {
    /// Shown in the gallery.
    pub name: &'static str,
    /// The ASL definition.
    pub definition: &'static str,
}

/// Every example, the default first.
pub const EXAMPLES: &[Example] = &[Example {
    name: "Order Processing Workflow",
    definition: include_str!("../../public/examples/order-processing.asl.json"),
}];
