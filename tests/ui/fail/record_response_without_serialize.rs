use extension_core::prelude::*;

// Read from the options, but never written back: the response needs `Serialize`.
#[derive(serde::Deserialize)]
struct Order {
    id: String,
}

#[pre_map]
fn f(options: PreMapOptions<Order>) -> Result<PreMapResponse<Order>, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

fn main() {
    let _ = |o: Order| o.id;
}
