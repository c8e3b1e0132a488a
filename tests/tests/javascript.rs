//! What a JavaScript function hands back unchanged comes back unchanged, and ids are written
//! as JavaScript wrote them (the issue on records as JavaScript keeps them), from request
//! text to response bytes.

mod common;

use common::{call_raw, diy};
use extension_core::prelude::*;

#[post_submit(name = "echoResponseData")]
fn echo_response_data(options: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options.response_data)
}

#[wrapper_import(name = "numericIds")]
fn numeric_ids(options: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Ok((0..options.post_map_data.len())
        .map(|i| {
            if i == 0 {
                ImportResult::ok(8)
            } else {
                ImportResult::ok(format!("row-{i}"))
            }
        })
        .collect())
}

#[pre_save_page(name = "echoPage")]
fn echo_page(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data,
        errors: options.errors,
        ..Default::default()
    })
}

#[test]
fn response_data_goes_back_as_it_came_numeric_ids_and_empty_errors_included() {
    let entries = r#"[{"statusCode":200,"errors":[],"ignored":false,"id":42},{"statusCode":422,"errors":[{"code":"c"}],"id":"a-1"}]"#;
    let body = format!(
        r#"{{"diy":true,"type":"hook","function":"echoResponseData","options":{{"responseData":{entries},"postMapData":[{{}},{{}}],"preMapData":[{{}},{{}}]}}}}"#
    );
    assert_eq!(call_raw(&diy(), &body).as_deref(), Some(entries));
}

#[test]
fn import_results_take_numbers_and_strings_as_ids() {
    let body = r#"{"diy":true,"type":"wrapper","function":"numericIds","options":{"postMapData":[{},{}]}}"#;
    assert_eq!(
        call_raw(&diy(), body).as_deref(),
        Some(r#"[{"statusCode":200,"id":8},{"statusCode":200,"id":"row-1"}]"#)
    );
    assert_eq!(ImportResult::ok(8).id, Some(RecordId::from(8)));
    assert!(ImportResult::ok("x").id.is_some_and(|id| id == "x"));
}

#[test]
fn errors_without_a_message_go_back_without_one() {
    let body = r#"{"diy":true,"type":"hook","function":"echoPage","options":{"data":[{"a":1}],"errors":[{"code":"only"},{"message":"only"},{"code":"c","message":"m","source":"s","x":[]}]}}"#;
    assert_eq!(
        call_raw(&diy(), body).as_deref(),
        Some(
            r#"{"data":[{"a":1}],"errors":[{"code":"only"},{"message":"only"},{"code":"c","message":"m","source":"s","x":[]}]}"#
        )
    );
}
