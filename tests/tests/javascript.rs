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

#[post_submit(name = "flagResponses")]
fn flag_responses(options: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options
        .response_data
        .into_iter()
        .map(|mut entry| {
            entry.ignored = Some(false);
            entry.extra.remove("drop");
            entry
                .errors
                .push(RecordError::new("added", "by the function"));
            entry
        })
        .collect())
}

#[test]
fn typed_members_go_back_in_the_order_they_came() {
    let entries = r#"[{"id":42,"zz":{"b":1,"a":2},"errors":[{"source":"s","x":1,"message":"m","code":"c"}],"statusCode":422,"_json":{"b":2},"dataURI":"u"},{"errors":[],"statusCode":200}]"#;
    let body = format!(
        r#"{{"diy":true,"type":"hook","function":"echoResponseData","options":{{"responseData":{entries},"postMapData":[{{}},{{}}]}}}}"#
    );
    assert_eq!(call_raw(&diy(), &body).as_deref(), Some(entries));
    let errors = r#"[{"retryDataKey":"k","y":null,"source":"s","message":"m","code":"c"},{"z":[],"message":"only"}]"#;
    let body = format!(
        r#"{{"diy":true,"type":"hook","function":"echoPage","options":{{"data":[{{"a":1}}],"errors":{errors}}}}}"#
    );
    assert_eq!(
        call_raw(&diy(), &body),
        Some(format!(r#"{{"data":[{{"a":1}}],"errors":{errors}}}"#))
    );
}

#[test]
fn a_repeated_member_keeps_its_first_place_and_last_value_as_json_parse_does() {
    let body = r#"{"diy":true,"type":"hook","function":"echoPage","options":{"data":[],"errors":[{"x":1,"code":"a","message":"m","code":"b","x":2}]}}"#;
    assert_eq!(
        call_raw(&diy(), body).as_deref(),
        Some(r#"{"data":[],"errors":[{"x":2,"code":"b","message":"m"}]}"#)
    );
}

#[test]
fn members_a_function_sets_go_after_those_that_came_and_removed_ones_leave() {
    let entries = r#"[{"id":"a","drop":1,"keep":2,"statusCode":200},{"ignored":true,"errors":[{"code":"x"}],"id":"b"}]"#;
    let body = format!(
        r#"{{"diy":true,"type":"hook","function":"flagResponses","options":{{"responseData":{entries},"postMapData":[{{}},{{}}]}}}}"#
    );
    // As JavaScript: `entry.ignored = false` on an entry without it appends the member, on
    // one with it changes it in place; `delete entry.drop` removes it.
    assert_eq!(
        call_raw(&diy(), &body).as_deref(),
        Some(
            r#"[{"id":"a","keep":2,"statusCode":200,"errors":[{"code":"added","message":"by the function"}],"ignored":false},{"ignored":false,"errors":[{"code":"x"},{"code":"added","message":"by the function"}],"id":"b"}]"#
        )
    );
}

#[pre_save_page(name = "readAsJavaScript")]
fn read_as_javascript(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    // What the function read of the options that are not records, answered as one record more.
    let mut seen = Record::new();
    seen.insert("exportId", json!(options.export_id));
    seen.insert("pageIndex", json!(options.page_index));
    seen.insert("configuration", options.configuration.clone());
    seen.insert("noFiles", options.files.is_none());
    let mut data = options.data;
    data.push(seen);
    Ok(PreSavePageResponse {
        data,
        errors: options.errors,
        ..Default::default()
    })
}

/// Numbers beyond f64, integral floats, numbers for string ids, `null` for optional members
/// and lone surrogates, as JavaScript reads and writes them, from request text to response
/// bytes: none of them fails the call.
#[test]
fn values_javascript_accepts_never_fail_the_call() {
    let body = r#"{"diy":true,"type":"hook","function":"readAsJavaScript","options":{"data":[{"s":"a\ud800b","n":1e400,"m":-1e400}],"_exportId":123,"pageIndex":3.0,"configuration":{"big":1e400,"list":[1.50]},"files":null,"preview":null,"errors":[]}}"#;
    assert_eq!(
        call_raw(&diy(), body).as_deref(),
        Some(
            r#"{"data":[{"s":"a\ud800b","n":null,"m":null},{"exportId":"123","pageIndex":3,"configuration":{"big":null,"list":[1.5]},"noFiles":true}],"errors":[]}"#
        )
    );
}
