use extension_core::prelude::*;

struct Query {
    sql: String,
}

#[json_function]
fn run(query: Query) -> Result<Value, ExtensionError> {
    Ok(json!(query.sql))
}

fn main() {}
