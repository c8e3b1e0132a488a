// Every typed hook kind once, with the default records and with a record type of its own.
use extension_core::prelude::*;

#[pre_map]
fn pre_map_hook(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(options
        .data
        .into_iter()
        .map(|record| {
            if record.is_empty() {
                MapResult::fail(vec![RecordError::new("empty", "empty record")])
            } else {
                MapResult::keep(record)
            }
        })
        .collect())
}

// Spelled without the alias.
#[pre_map(name = "preMapSpelledOut")]
fn pre_map_vec(options: PreMapOptions) -> Result<Vec<MapResult>, ExtensionError> {
    Ok(options
        .data
        .into_iter()
        .map(|_| MapResult::ignore())
        .collect())
}

#[post_map]
fn post_map_hook(options: PostMapOptions) -> Result<PostMapResponse, ExtensionError> {
    Ok(options
        .post_map_data
        .into_iter()
        .map(MapResult::keep)
        .collect())
}

#[post_submit]
fn post_submit_hook(options: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options.response_data)
}

#[post_response_map]
fn post_response_map_hook(
    options: PostResponseMapOptions,
) -> Result<PostResponseMapResponse, ExtensionError> {
    Ok(options.post_response_map_data)
}

#[post_aggregate]
fn post_aggregate_hook(options: PostAggregateOptions) -> Result<(), ExtensionError> {
    let _ = options.post_aggregate_data.success;
    Ok(())
}

// Records of another type than `Value`.
#[pre_save_page]
async fn pre_save_page_strings(
    options: PreSavePageOptions<String>,
) -> Result<PreSavePageResponse<String>, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data.into_iter().map(|s| s.to_uppercase()).collect(),
        ..Default::default()
    })
}

#[pre_map]
fn pre_map_numbers(options: PreMapOptions<u64>) -> Result<PreMapResponse<u64>, ExtensionError> {
    Ok(options
        .data
        .into_iter()
        .map(|n| MapResult::keep(n + 1))
        .collect())
}

#[post_map]
fn post_map_numbers(options: PostMapOptions<i32>) -> Result<PostMapResponse<i32>, ExtensionError> {
    Ok(options
        .post_map_data
        .into_iter()
        .map(MapResult::keep)
        .collect())
}

#[post_submit]
fn post_submit_strings(
    options: PostSubmitOptions<String>,
) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options.response_data)
}

#[post_response_map]
async fn post_response_map_numbers(
    options: PostResponseMapOptions<Vec<u8>>,
) -> Result<PostResponseMapResponse<Vec<u8>>, ExtensionError> {
    Ok(options.post_response_map_data)
}

#[post_aggregate]
async fn post_aggregate_async(_options: PostAggregateOptions) -> Result<(), ExtensionError> {
    Ok(())
}

fn main() {}
