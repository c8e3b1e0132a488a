use extension_core::prelude::*;

#[json_function]
const fn f(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
