use extension_core::prelude::*;

struct Report {
    rows: usize,
}

#[utility]
fn count(_options: Value) -> Result<Json<Report>, ExtensionError> {
    Ok(Json(Report { rows: 3 }))
}

fn main() {}
