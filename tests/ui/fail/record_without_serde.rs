use extension_core::prelude::*;

// A record type of one's own that forgot serde's derives.
struct Order {
    id: String,
}

#[pre_map]
fn f(options: PreMapOptions<Order>) -> Result<PreMapResponse<Order>, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

fn main() {
    let _ = Order { id: String::new() }.id;
}
