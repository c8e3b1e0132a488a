use extension_core::prelude::*;

async fn fetch_something() -> u32 {
    1
}

#[pre_save_page]
async fn tag(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    // A `Send` value held across an `.await`: the future stays `Send`.
    let count = std::sync::Arc::new(fetch_something().await);
    std::future::ready(()).await;
    let mut data = options.data;
    for record in &mut data {
        record["count"] = json!(*count);
    }
    Ok(PreSavePageResponse {
        data,
        errors: options.errors,
        ..Default::default()
    })
}

fn main() {}
