//! A record that does not fit the function's record type fails that record only, in the
//! slot its kind has for it, at its index; the function gets the records that fit (the issue
//! on records as JavaScript keeps them). From request text to response bytes.

mod common;

use common::{call_raw, call_text, diy, fails_with};
use extension_core::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Order {
    id: String,
    total: i64,
}

fn doubled(order: Order) -> Order {
    Order {
        total: order.total * 2,
        ..order
    }
}

#[pre_map(name = "typedPreMap")]
fn typed_pre_map(options: PreMapOptions<Order>) -> Result<PreMapResponse<Order>, ExtensionError> {
    Ok(options
        .data
        .into_iter()
        .map(|o| MapResult::keep(doubled(o)))
        .collect())
}

#[pre_map(name = "strictPreMap", misfits = "fail_page")]
fn strict_pre_map(options: PreMapOptions<Order>) -> Result<PreMapResponse<Order>, ExtensionError> {
    typed_pre_map(options)
}

#[post_map(name = "typedPostMap")]
fn typed_post_map(
    options: PostMapOptions<Order>,
) -> Result<PostMapResponse<Order>, ExtensionError> {
    // preMapData[i] still goes with postMapData[i].
    assert_eq!(options.pre_map_data.len(), options.post_map_data.len());
    Ok(options
        .post_map_data
        .into_iter()
        .zip(options.pre_map_data)
        .map(|(o, before)| {
            assert_eq!(before["id"], o.id.as_str());
            MapResult::keep(o)
        })
        .collect())
}

#[post_submit(name = "typedPostSubmit")]
fn typed_post_submit(
    options: PostSubmitOptions<Order>,
) -> Result<PostSubmitResponse, ExtensionError> {
    assert_eq!(options.response_data.len(), options.post_map_data.len());
    Ok(options
        .response_data
        .into_iter()
        .zip(options.post_map_data)
        .map(|(mut entry, order)| {
            entry.id = Some(RecordId::from(order.id));
            entry
        })
        .collect())
}

#[wrapper_import(name = "typedImport")]
fn typed_import(options: ImportOptions<Order>) -> Result<ImportResponse, ExtensionError> {
    Ok(options
        .post_map_data
        .into_iter()
        .map(|o| ImportResult::ok(o.id))
        .collect())
}

#[pre_save_page(name = "typedPage")]
fn typed_page(
    options: PreSavePageOptions<Order>,
) -> Result<PreSavePageResponse<Order>, ExtensionError> {
    if let Some(files) = &options.files {
        assert_eq!(files.len(), options.data.len());
        for (file, order) in files.iter().zip(&options.data) {
            assert_eq!(file["for"], order.id.as_str());
        }
    }
    Ok(PreSavePageResponse {
        data: options.data.into_iter().map(doubled).collect(),
        errors: options.errors,
        ..Default::default()
    })
}

#[post_response_map(name = "typedResponseMap")]
fn typed_response_map(
    options: PostResponseMapOptions<Order>,
) -> Result<PostResponseMapResponse<Order>, ExtensionError> {
    Ok(options.post_response_map_data)
}

const ORDERS: &str =
    r#"[{"id":"a","total":1},{"id":"b","total":"3"},{"id":"c","total":2},{"id":"d"}]"#;

fn request(kind: &str, function: &str, options: &str) -> String {
    format!(r#"{{"diy":true,"type":"{kind}","function":"{function}","options":{options}}}"#)
}

fn error(function: &str, kind: &str, path: &str, detail: &str) -> String {
    format!(
        r#"{{"code":"invalid_record","message":"Invalid record for {function} ({kind}): field `{path}`: {detail}."}}"#
    )
}

#[test]
fn pre_map_answers_a_misfit_record_with_its_own_error_at_its_index() {
    let body = request("hook", "typedPreMap", &format!(r#"{{"data":{ORDERS}}}"#));
    let expected = format!(
        r#"[{{"data":{{"id":"a","total":2}}}},{{"errors":[{}]}},{{"data":{{"id":"c","total":4}}}},{{"errors":[{}]}}]"#,
        error(
            "typedPreMap",
            "preMap",
            "data[1].total",
            r#"invalid type: string \"3\", expected i64"#
        ),
        error("typedPreMap", "preMap", "data[3]", "missing field `total`"),
    );
    assert_eq!(call_raw(&diy(), &body), Some(expected));
}

#[test]
fn every_record_may_misfit_and_none_need_to() {
    let body = request(
        "hook",
        "typedPreMap",
        r#"{"data":[{"id":"x","total":true},"text",null]}"#,
    );
    let answer: Value =
        extension_core::serde_json::from_str(&call_raw(&diy(), &body).unwrap()).unwrap();
    let codes: Vec<&Value> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["errors"][0]["code"])
        .collect();
    assert_eq!(codes, [&json!("invalid_record"); 3]);
    assert!(answer[1]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("field `data[1]`: invalid type: string \"text\", expected struct Order"));
    let fits = request("hook", "typedPreMap", r#"{"data":[{"id":"a","total":5}]}"#);
    assert_eq!(
        call_raw(&diy(), &fits).as_deref(),
        Some(r#"[{"data":{"id":"a","total":10}}]"#)
    );
}

#[test]
fn fail_page_keeps_the_whole_call_failing() {
    let body = request("hook", "strictPreMap", &format!(r#"{{"data":{ORDERS}}}"#));
    assert_eq!(
        call_text(&diy(), &body),
        fails_with(
            "invalid_field",
            r#"Invalid options for strictPreMap (preMap): field `data[1].total`: invalid type: string "3", expected i64."#
        )
    );
}

#[test]
fn post_map_takes_the_aligned_pre_map_record_out_with_the_misfit() {
    let pre = r#"[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]"#;
    let body = request(
        "hook",
        "typedPostMap",
        &format!(r#"{{"preMapData":{pre},"postMapData":{ORDERS}}}"#),
    );
    let answer: Value =
        extension_core::serde_json::from_str(&call_raw(&diy(), &body).unwrap()).unwrap();
    assert_eq!(answer.as_array().unwrap().len(), 4);
    assert_eq!(answer[0], json!({"data": {"id": "a", "total": 1}}));
    assert_eq!(answer[1]["errors"][0]["code"], "invalid_record");
    assert!(answer[1]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("field `postMapData[1].total`"));
    assert_eq!(answer[2], json!({"data": {"id": "c", "total": 2}}));
    assert_eq!(answer[3]["errors"][0]["code"], "invalid_record");
}

#[test]
fn post_submit_answers_the_misfit_entry_as_it_came_with_the_error_added() {
    let entries = r#"[{"statusCode":200,"id":"x"},{"statusCode":200,"errors":[{"code":"c","message":"m"}],"id":"y","_json":{"k":1}},{"statusCode":422,"id":"z"},{"statusCode":200}]"#;
    let body = request(
        "hook",
        "typedPostSubmit",
        &format!(r#"{{"postMapData":{ORDERS},"responseData":{entries}}}"#),
    );
    let expected = format!(
        r#"[{{"statusCode":200,"id":"a","errors":[]}},{{"statusCode":200,"errors":[{{"code":"c","message":"m"}},{}],"id":"y","_json":{{"k":1}}}},{{"statusCode":422,"id":"c","errors":[]}},{{"statusCode":200,"errors":[{}]}}]"#,
        error(
            "typedPostSubmit",
            "postSubmit",
            "postMapData[1].total",
            r#"invalid type: string \"3\", expected i64"#
        ),
        error(
            "typedPostSubmit",
            "postSubmit",
            "postMapData[3]",
            "missing field `total`"
        ),
    );
    assert_eq!(call_raw(&diy(), &body), Some(expected));
    // Entries not aligned with the records cannot be answered one by one: the call fails.
    let short = request(
        "hook",
        "typedPostSubmit",
        &format!(r#"{{"postMapData":{ORDERS},"responseData":[{{"statusCode":200}}]}}"#),
    );
    let failed = call_text(&diy(), &short).unwrap_err();
    assert_eq!(failed.1[0].0, "invalid_field");
    assert!(
        failed.1[0].1.starts_with("Invalid options for typedPostSubmit (postSubmit): field `postMapData[1].total`: ")
            && failed.1[0].1.ends_with("(the arrays that go with `postMapData` do not have one element per record, so it cannot be answered alone)."),
        "{:?}",
        failed.1
    );
}

#[test]
fn import_answers_a_misfit_record_with_a_422_result() {
    let body = request(
        "wrapper",
        "typedImport",
        &format!(r#"{{"postMapData":{ORDERS},"preMapData":[{{}},{{}},{{}},{{}}]}}"#),
    );
    let expected = format!(
        r#"[{{"statusCode":200,"id":"a"}},{{"statusCode":422,"errors":[{}]}},{{"statusCode":200,"id":"c"}},{{"statusCode":422,"errors":[{}]}}]"#,
        error(
            "typedImport",
            "import",
            "postMapData[1].total",
            r#"invalid type: string \"3\", expected i64"#
        ),
        error(
            "typedImport",
            "import",
            "postMapData[3]",
            "missing field `total`"
        ),
    );
    assert_eq!(call_raw(&diy(), &body), Some(expected));
}

#[test]
fn pre_save_page_hands_a_misfit_record_back_as_retry_data_with_its_error() {
    let files = r#"[{"for":"a"},{"for":"b"},{"for":"c"},{"for":"d"}]"#;
    let body = request(
        "hook",
        "typedPage",
        &format!(r#"{{"data":{ORDERS},"files":{files},"errors":[]}}"#),
    );
    let expected = format!(
        r#"{{"data":[{{"id":"a","total":2}},{{"id":"c","total":4}}],"errors":[],"newErrorsAndRetryData":[{{"retryData":{{"id":"b","total":"3"}},"errors":[{}]}},{{"retryData":{{"id":"d"}},"errors":[{}]}}]}}"#,
        error(
            "typedPage",
            "preSavePage",
            "data[1].total",
            r#"invalid type: string \"3\", expected i64"#
        ),
        error(
            "typedPage",
            "preSavePage",
            "data[3]",
            "missing field `total`"
        ),
    );
    assert_eq!(call_raw(&diy(), &body), Some(expected));
    // The record goes back as JSON.stringify writes what was sent, 1e400 and all.
    let body = request(
        "hook",
        "typedPage",
        r#"{"data":[{ "id" : "e", "total" : 1e400, "n" : 1.50 }]}"#,
    );
    let answer = call_raw(&diy(), &body).unwrap();
    assert!(
        answer.contains(r#""retryData":{"id":"e","total":null,"n":1.5}"#),
        "{answer}"
    );
}

#[test]
fn post_response_map_has_no_slot_for_a_record_error_and_fails_the_call() {
    let body = request(
        "hook",
        "typedResponseMap",
        &format!(r#"{{"postResponseMapData":{ORDERS},"responseData":[]}}"#),
    );
    assert_eq!(
        call_text(&diy(), &body),
        fails_with(
            "invalid_field",
            r#"Invalid options for typedResponseMap (postResponseMap): field `postResponseMapData[1].total`: invalid type: string "3", expected i64."#
        )
    );
}

#[test]
fn options_that_are_not_records_still_fail_the_call() {
    let body = request(
        "hook",
        "typedPreMap",
        &format!(r#"{{"data":{ORDERS},"_importId":[1]}}"#),
    );
    let failed = call_text(&diy(), &body).unwrap_err();
    assert_eq!(failed.1[0].0, "invalid_field");
    assert!(failed.1[0].1.contains("_importId"), "{:?}", failed.1);
}

#[test]
fn a_page_of_millions_of_tiny_misfits_is_refused_not_answered() {
    let ones = vec!["1"; 200_000].join(",");
    let body = request("hook", "typedPreMap", &format!(r#"{{"data":[{ones}]}}"#));
    let failed = call_text(&diy(), &body).unwrap_err();
    assert_eq!(
        (failed.0, failed.1[0].0.as_str()),
        (422, "options_too_large")
    );
}
