//! Typed hooks a newcomer can copy: one per hook kind, with the default `Record` records
//! and with a record type of their own (and, behind the `value-records` feature, the kit's
//! hook with `serde_json::Value` records, for measuring). Linked into `typed-server` and
//! `typed-lambda`; their unit tests are in `tests/functions.rs`.

use extension_core::prelude::*;
use serde::{Deserialize, Serialize};

/// The benchmark kit's hook: uppercase each record's `name` and mark it `processed`.
///
/// An `async fn` although it awaits nothing: it only computes, so it runs on the server's
/// async workers with no hand-off. A plain `fn` runs on the blocking pool, which is what a
/// function that blocks (a synchronous database driver, say) needs.
#[cfg_attr(not(feature = "value-records"), pre_save_page(name = "preSavePage"))]
// Built with `value-records`, the kit's calls go to `process_page_as_values` instead.
#[cfg_attr(feature = "value-records", pre_save_page(name = "preSavePageRecords"))]
pub async fn process_page(
    options: PreSavePageOptions,
) -> Result<PreSavePageResponse, ExtensionError> {
    let data = options
        .data
        .into_iter()
        .map(|mut record| {
            if let Some(Value::String(name)) = record.get_mut("name") {
                *name = name.to_uppercase();
            }
            record.insert("processed", true);
            record
        })
        .collect();
    Ok(PreSavePageResponse {
        data,
        errors: options.errors,
        ..Default::default()
    })
}

/// The kit's hook with `serde_json::Value` records instead of `Record` (feature
/// `value-records`, off by default): what the record type saves, measured by serving the
/// kit from a build with it against one without (`scripts/bench-builds.sh`, BENCHMARKS.md).
#[cfg(feature = "value-records")]
#[pre_save_page(name = "preSavePage")]
pub async fn process_page_as_values(
    options: PreSavePageOptions<Value>,
) -> Result<PreSavePageResponse<Value>, ExtensionError> {
    let data = options
        .data
        .into_iter()
        .map(|mut record| {
            if let Some(Value::String(name)) = record.get_mut("name") {
                *name = name.to_uppercase();
            }
            if let Some(members) = record.as_object_mut() {
                members.insert("processed".to_owned(), Value::Bool(true));
            }
            record
        })
        .collect();
    Ok(PreSavePageResponse {
        data,
        errors: options.errors,
        ..Default::default()
    })
}

/// A record type of our own: fields we use are typed, the rest is kept as sent.
#[derive(Debug, Serialize, Deserialize)]
pub struct Order {
    /// The order's id.
    pub id: String,
    /// Total in cents.
    pub total_cents: i64,
    /// Everything else on the record.
    #[serde(flatten)]
    pub rest: extension_core::serde_json::Map<String, Value>,
}

/// Fails orders without a positive total, keeps the others.
#[pre_map]
pub async fn validate_orders(
    options: PreMapOptions<Order>,
) -> Result<PreMapResponse<Order>, ExtensionError> {
    Ok(options
        .data
        .into_iter()
        .map(|order| {
            if order.total_cents > 0 {
                MapResult::keep(order)
            } else {
                MapResult::fail(vec![RecordError::new(
                    "invalid_total",
                    format!("order {} has no positive total", order.id),
                )])
            }
        })
        .collect())
}

/// Rewrites the import application's error messages to say which record failed.
#[post_submit]
pub fn explain_failures(options: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options
        .response_data
        .into_iter()
        .enumerate()
        .map(|(i, mut response)| {
            for error in &mut response.errors {
                error.message = format!("record {i}: {}", error.message);
            }
            response
        })
        .collect())
}

/// Logs where an aggregated file went; answers nothing.
#[post_aggregate]
pub fn file_delivered(options: PostAggregateOptions) -> Result<(), ExtensionError> {
    if !options.post_aggregate_data.success {
        let message = options.post_aggregate_data.message.unwrap_or_default();
        return Err(ExtensionError::new("delivery_failed", message));
    }
    Ok(())
}
