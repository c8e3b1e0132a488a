use extension_core::prelude::*;

// The wire name comes from the Rust name, which integrator.io must be able to send.
#[json_function]
fn café(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}

fn main() {}
