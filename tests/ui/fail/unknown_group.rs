use extension_core::prelude::*;

#[json_function(group = "hookz")]
fn f(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
