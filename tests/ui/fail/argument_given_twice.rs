use extension_core::prelude::*;

#[json_function(name = "a", group = "hooks", name = "b", group = "utilities")]
fn f(_options: Value) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
