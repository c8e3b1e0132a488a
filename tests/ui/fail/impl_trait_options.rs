use extension_core::prelude::*;

#[json_function]
fn f(_options: impl std::fmt::Debug) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
