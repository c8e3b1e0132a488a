//! The dispatcher against the protocol (extension-core/docs/protocol.md): every core error row of section 4, the multi-error
//! examples of 3.1, group and flat lookup (3.3, 3.4), error mapping (3.6), result checks
//! (3.7), the size rule (5), export times (3.5) and typed options, replayed on the
//! Appendix A reference module plus a few typed hooks defined here.

mod common;

use common::*;
use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher};
use reference_module as _;

/// Echoes what the typed options saw, to check decoding.
#[pre_save_page]
fn echo_typed(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    let seen = json!({
        "records": options.data.len(),
        "lastExportDateTime": options.last_export_date_time.map(|t| t.to_iso_string()),
        "currentExportDateTime": options.current_export_date_time.map(|t| t.millis()),
        "exportId": options.export_id,
        "pageIndex": options.page_index,
        "bearerTokenDebug": format!("{:?}", options.bearer_token),
        "extra": options.extra,
    });
    Ok(PreSavePageResponse {
        data: vec![seen.into()],
        errors: options.errors,
        ..Default::default()
    })
}

/// Breaks preMap's one-element-per-record rule.
#[pre_map]
fn drop_last(mut options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    options.data.pop();
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

/// Keeps preMap's rule.
#[pre_map(name = "keepAll")]
async fn keep_all(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

fn hook(function: &str, options: Value) -> Value {
    json!({"diy": true, "type": "hook", "function": function, "options": options})
}

#[test]
fn empty_body_gives_three_errors_in_order() {
    assert_eq!(call(&diy(), &json!({})), errors(&[A3, B1, C1]));
    // A body that is JSON but no object carries no envelope at all.
    assert_eq!(call_text(&diy(), "[1,2]"), errors(&[A3, B1, C1]));
}

#[test]
fn multi_error_example_of_section_3_1() {
    let body = json!({"diy": 0, "_connectorId": "x", "function": 5});
    assert_eq!(call(&diy(), &body), errors(&[A2, B2, C1]));
}

#[test]
fn module_selection_rows() {
    let options = json!({"a": 1});
    // A1: DIY requested, connectors served.
    let body = json!({"diy": true, "type": "hook", "function": "doSomething", "options": options});
    assert_eq!(call(&connectors(&["c1"]), &body), errors(&[A1]));
    // diy takes precedence: a wrong _connectorId is ignored when diy is truthy.
    let body = json!({"diy": true, "_connectorId": "nope", "type": "hook", "function": "doSomething", "options": options});
    let plain = json!({"diy": true, "type": "hook", "function": "doSomething", "options": options});
    assert_eq!(call(&diy(), &body), call(&diy(), &plain));
    assert!(call(&diy(), &plain).is_ok());
    // A2: unknown connector, or no connectors served; only the exact key `_connectorId` counts.
    let body = json!({"_connectorId": "c2", "type": "hook", "function": "doSomething", "options": options});
    assert_eq!(call(&connectors(&["c1"]), &body), errors(&[A2]));
    assert_eq!(call(&diy(), &body), errors(&[A2]));
    let body =
        json!({"connectorId": "c1", "type": "hook", "function": "doSomething", "options": options});
    assert_eq!(call(&connectors(&["c1"]), &body), errors(&[A3]));
    // Inherited JavaScript names are not connectors here.
    let body = json!({"_connectorId": "toString", "function": "doSomething", "options": options});
    assert_eq!(call(&connectors(&["c1"]), &body), errors(&[A2]));
}

#[test]
fn connector_routing() {
    let d = connectors(&["c1", "c2"]);
    for id in ["c1", "c2"] {
        let body = json!({"_connectorId": id, "type": "installer", "function": "runInstallerSuccessStep", "options": {"x": 1}});
        assert_eq!(
            call(&d, &body),
            Ok(Some(json!({"x": 1, "function": "runInstallerSuccessStep"})))
        );
    }
}

#[test]
fn function_field_rows() {
    for falsy in [json!(""), json!(0), json!(null), json!(false)] {
        let body = json!({"diy": true, "function": falsy, "options": {}});
        assert_eq!(call(&diy(), &body), errors(&[B1]), "function {falsy}");
    }
    let body = json!({"diy": true, "options": {}});
    assert_eq!(call(&diy(), &body), errors(&[B1]));
    for wrong in [json!(5), json!(true), json!(["doSomething"]), json!({})] {
        let body = json!({"diy": true, "function": wrong, "options": {}});
        assert_eq!(call(&diy(), &body), errors(&[B2]), "function {wrong}");
    }
}

#[test]
fn options_rows() {
    for falsy in [json!(null), json!(0), json!(""), json!(false)] {
        let body =
            json!({"diy": true, "type": "hook", "function": "doSomething", "options": falsy});
        assert_eq!(call(&diy(), &body), errors(&[C1]), "options {falsy}");
    }
    let body = json!({"diy": true, "type": "hook", "function": "doSomething"});
    assert_eq!(call(&diy(), &body), errors(&[C1]));
    // `{}` and `[]` are truthy.
    assert_eq!(
        call(&diy(), &hook("doSomething", json!({}))),
        Ok(Some(json!([{"function": "doSomething"}])))
    );
    assert_eq!(
        call(&diy(), &hook("doSomething", json!([]))),
        Ok(Some(json!([[]])))
    );
}

#[test]
fn group_and_function_lookup() {
    let d = diy();
    // `type` mapping and verbatim group names.
    for type_ in ["hook", "hooks"] {
        let body =
            json!({"diy": true, "type": type_, "function": "doSomething", "options": {"a": 1}});
        assert_eq!(
            call(&d, &body),
            Ok(Some(json!([{"a": 1, "function": "doSomething"}])))
        );
    }
    let body =
        json!({"diy": true, "type": "utility", "function": "myUtility", "options": {"a": 1}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(json!({"a": 1, "function": "myUtility"})))
    );
    // Flat: no type, the function is found by name across the module.
    let body = json!({"diy": true, "function": "refreshMetadata", "options": {"a": 1}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(json!({"a": 1, "function": "refreshMetadata"})))
    );
    // object_not_found names the type as sent.
    for (type_, shown) in [
        ("foo", "foo"),
        ("constructor", "constructor"),
        ("hooksx", "hooksx"),
    ] {
        let body = json!({"diy": true, "type": type_, "function": "doSomething", "options": {}});
        let message = format!("The object {shown} doesn't exist in the module.");
        assert_eq!(call(&d, &body), fails_with("object_not_found", &message));
    }
    let body = json!({"diy": true, "type": 5, "function": "doSomething", "options": {}});
    assert_eq!(
        call(&d, &body),
        fails_with(
            "object_not_found",
            "The object 5 doesn't exist in the module."
        )
    );
    // invalid_function: unknown names, inherited JavaScript names, another group's function.
    for (type_, function) in [
        (json!("hook"), "nope"),
        (json!("hook"), "toString"),
        (json!(null), "hasOwnProperty"),
        (json!("hook"), "pingError"),
        (json!("wrapper"), "doSomething"),
    ] {
        let body = json!({"diy": true, "type": type_, "function": function, "options": {}});
        assert_eq!(
            call(&d, &body),
            errors(&[INVALID_FUNCTION]),
            "{type_} {function}"
        );
    }
}

#[test]
fn function_errors_are_mapped() {
    let d = diy();
    assert_eq!(
        call(&d, &hook("doSomethingError", json!({}))),
        fails_with("my_error", "doSomethingError")
    );
    assert_eq!(
        call(&d, &hook("failWithCodeAndName", json!({}))),
        fails_with("c1", "m1")
    );
    let body = json!({"diy": true, "type": "wrapper", "function": "pingError", "options": {}});
    assert_eq!(call(&d, &body), fails_with("pingCode", "pingMessage"));
    let body = json!({"diy": true, "type": "setting", "function": "persistSettings", "options": {"error": true}});
    assert_eq!(call(&d, &body), fails_with("Error", "persistSettings"));
    let body = json!({"diy": true, "type": "setting", "function": "persistSettings", "options": {"error": false}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(json!({"error": false, "function": "persistSettings"})))
    );
}

#[test]
fn a_panic_is_a_422_and_the_next_call_works() {
    let d = diy();
    assert_eq!(
        call(&d, &hook("throwSynchronously", json!({}))),
        fails_with("function_panicked", "The extension function panicked: boom")
    );
    assert_eq!(
        call(&d, &hook("echoResponse", json!({"resp": 1}))),
        Ok(Some(json!(1)))
    );
}

#[test]
fn async_functions_complete() {
    assert_eq!(
        call(&diy(), &hook("sleepThenRespond", json!({"ms": 20}))),
        Ok(Some(json!({"done": true})))
    );
}

#[test]
fn unserialisable_results_are_rejected() {
    assert_eq!(
        call(
            &diy(),
            &hook("respondWithNonSearializableObject", json!({}))
        ),
        fails_with(
            "invalid_extension_response",
            "Extension response is not serializable."
        )
    );
    // Reported alone, even when a size limit would also fail.
    let body = json!({"diy": true, "type": "hook", "function": "respondWithNonSearializableObject", "options": {}, "maxResponseSize": 1});
    assert_eq!(
        call(&diy(), &body),
        fails_with(
            "invalid_extension_response",
            "Extension response is not serializable."
        )
    );
}

#[test]
fn result_encodings() {
    let d = diy();
    assert_eq!(call(&d, &hook("echoResponse", json!({}))), Ok(None));
    for (resp, text) in [
        (json!(null), "null"),
        (json!("abc"), "\"abc\""),
        (json!(5), "5"),
        (json!({"a": [1]}), "{\"a\":[1]}"),
    ] {
        let body = hook("echoResponse", json!({"resp": resp})).to_string();
        assert_eq!(call_raw(&d, &body).as_deref(), Some(text));
    }
}

fn echo_with_limit(resp: Value, limit: Option<Value>) -> Answer {
    let mut body = hook("echoResponse", json!({"resp": resp}));
    if let Some(limit) = limit {
        body["maxResponseSize"] = limit;
    }
    call(&diy(), &body)
}

fn too_big(limit: &str) -> Answer {
    fails_with(
        "response_size_exceeded",
        &format!("response stream exceeded limit of {limit} bytes."),
    )
}

#[test]
fn size_rule_edges() {
    // "abc" is 5 units: at the limit passes, one less fails.
    assert_eq!(
        echo_with_limit(json!("abc"), Some(json!(5))),
        Ok(Some(json!("abc")))
    );
    assert_eq!(echo_with_limit(json!("abc"), Some(json!(4))), too_big("4"));
    // é is one UTF-16 unit (two UTF-8 bytes): "é" is 3.
    assert_eq!(
        echo_with_limit(json!("é"), Some(json!(3))),
        Ok(Some(json!("é")))
    );
    assert_eq!(echo_with_limit(json!("é"), Some(json!(2))), too_big("2"));
    // An emoji is a surrogate pair: "😀" is 4 (6 bytes).
    assert_eq!(
        echo_with_limit(json!("😀"), Some(json!(4))),
        Ok(Some(json!("😀")))
    );
    assert_eq!(echo_with_limit(json!("😀"), Some(json!(3))), too_big("3"));
    // The core unit-test sizes.
    assert_eq!(
        echo_with_limit(json!({"abc": "def"}), Some(json!(13))),
        Ok(Some(json!({"abc": "def"})))
    );
    assert_eq!(
        echo_with_limit(json!({"abc": "def"}), Some(json!(12))),
        too_big("12")
    );
    let nested = json!({"1": {"depot_id": null, "hierarchy_node_id": null}});
    assert_eq!(
        echo_with_limit(nested.clone(), Some(json!(48))),
        Ok(Some(nested.clone()))
    );
    assert_eq!(echo_with_limit(nested, Some(json!(47))), too_big("47"));
    assert_eq!(
        echo_with_limit(json!(null), Some(json!(4))),
        Ok(Some(json!(null)))
    );
    assert_eq!(echo_with_limit(json!(true), Some(json!(3))), too_big("3"));
}

#[test]
fn size_limit_javascript_coercions() {
    // A numeric string is compared as a number and printed as sent.
    assert_eq!(
        echo_with_limit(json!("abc"), Some(json!("3"))),
        too_big("3")
    );
    // 0 is falsy: the default applies.
    assert_eq!(
        echo_with_limit(json!("abc"), Some(json!(0))),
        Ok(Some(json!("abc")))
    );
    // A non-numeric string never fails.
    assert_eq!(
        echo_with_limit(json!("abc"), Some(json!("abc"))),
        Ok(Some(json!("abc")))
    );
    // A negative limit rejects every result, even no value.
    assert_eq!(
        echo_with_limit(json!("abc"), Some(json!(-1))),
        too_big("-1")
    );
    let body = json!({"diy": true, "type": "hook", "function": "echoResponse", "options": {}, "maxResponseSize": -1});
    assert_eq!(call(&diy(), &body), too_big("-1"));
}

#[test]
fn default_limit_is_5_mib_of_utf16_units() {
    // A string of N characters serialises to N + 2 units.
    let at_limit = "x".repeat(5_242_880 - 2);
    assert_eq!(
        echo_with_limit(json!(at_limit), None).map(|v| v.is_some()),
        Ok(true)
    );
    let over = "x".repeat(5_242_880 - 1);
    assert_eq!(echo_with_limit(json!(over), None), too_big("5242880"));
    // Two-byte characters count once: 3 MiB of bytes, within the limit.
    let accents = "é".repeat(1_600_000);
    assert_eq!(
        echo_with_limit(json!(accents), None).map(|v| v.is_some()),
        Ok(true)
    );
}

#[test]
fn export_times_are_instants_in_typed_options() {
    let options = json!({
        "data": [],
        "lastExportDateTime": "2020-01-01",
        "currentExportDateTime": 1577836800000_i64,
        "_exportId": "e1",
        "pageIndex": 2,
        "bearerToken": "secret-token",
        "somethingNew": {"kept": true},
    });
    let answer = call(&diy(), &hook("echo_typed", options)).unwrap().unwrap();
    let seen = &answer["data"][0];
    assert_eq!(seen["lastExportDateTime"], "2020-01-01T00:00:00.000Z");
    assert_eq!(seen["currentExportDateTime"], 1_577_836_800_000_i64);
    assert_eq!(seen["exportId"], "e1");
    assert_eq!(seen["pageIndex"], 2);
    assert_eq!(seen["extra"], json!({"somethingNew": {"kept": true}}));
    assert_eq!(seen["bearerTokenDebug"], "Some(BearerToken(<redacted>))");
    // Falsy export times are no time at all.
    let answer = call(
        &diy(),
        &hook(
            "echo_typed",
            json!({"lastExportDateTime": "", "currentExportDateTime": 0}),
        ),
    )
    .unwrap()
    .unwrap();
    assert_eq!(answer["data"][0]["lastExportDateTime"], Value::Null);
    assert_eq!(answer["data"][0]["currentExportDateTime"], Value::Null);
}

#[test]
fn export_times_in_free_form_functions() {
    let options = json!({
        "lastExportDateTime": "2020-01-01T10:00:00+02:00",
        "currentExportDateTime": 1577836800000_i64,
        "other": "2020-01-01",
    });
    assert_eq!(
        call(&diy(), &hook("stringifyDateObject", options)),
        Ok(Some(json!([{
            "lastExportDateTime": "2020-01-01T08:00:00.000Z",
            "currentExportDateTime": "2020-01-01T00:00:00.000Z",
            "other": "2020-01-01",
        }])))
    );
    // Falsy and unparsable values are left as they are.
    let options = json!({"lastExportDateTime": "", "currentExportDateTime": "garbage"});
    assert_eq!(
        call(&diy(), &hook("stringifyDateObject", options.clone())),
        Ok(Some(json!([options])))
    );
}

#[test]
fn options_that_do_not_fit_name_the_field() {
    let d = diy();
    let cases = [
        (json!({"data": 5}), "field `data`", "expected a sequence"),
        (
            json!({"pageIndex": "x"}),
            "field `pageIndex`",
            "expected u64",
        ),
        (
            json!({"errors": [{"code": true}]}),
            "field `errors[0].code`",
            "expected a string",
        ),
        (
            json!({"lastExportDateTime": "garbage"}),
            "field `lastExportDateTime`",
            "ISO-8601",
        ),
        (
            json!({"_exportId": [7]}),
            "field `_exportId`",
            "expected a string",
        ),
    ];
    for (options, field, expected) in cases {
        let Err((422, errors)) = call(&d, &hook("echo_typed", options.clone())) else {
            panic!("{options} should fail");
        };
        assert_eq!(errors.len(), 1);
        let (code, message) = &errors[0];
        assert_eq!(code, "invalid_field");
        assert!(
            message.starts_with("Invalid options for echo_typed (preSavePage): "),
            "{message}"
        );
        assert!(
            message.contains(field) && message.contains(expected),
            "{message}"
        );
    }
    let Err((422, errors)) = call(&d, &hook("echo_typed", json!([1]))) else {
        panic!()
    };
    assert!(
        errors[0]
            .1
            .contains("the options: invalid type: sequence, expected struct"),
        "{:?}",
        errors
    );
}

#[test]
fn one_element_per_record_is_enforced() {
    let d = diy();
    let options = json!({"data": [{"a": 1}, {"a": 2}]});
    assert_eq!(
        call(&d, &hook("keepAll", options.clone())),
        Ok(Some(json!([{"data": {"a": 1}}, {"data": {"a": 2}}])))
    );
    assert_eq!(
        call(&d, &hook("drop_last", options)),
        fails_with(
            "invalid_extension_response",
            "The preMap response must have one element per record of `data`: 2 record(s) came in, 1 element(s) came back."
        )
    );
}

#[test]
fn configuration_from_json_feeds_the_dispatcher() {
    let config = Configuration::from_json(&json!({"connectors": {"c9": {}}})).unwrap();
    let d = host(Dispatcher::new(config).unwrap());
    let body = json!({"_connectorId": "c9", "function": "myUtility", "options": {"k": 1}});
    assert_eq!(
        call(&d, &body),
        Ok(Some(json!({"k": 1, "function": "myUtility"})))
    );
}

#[test]
fn malformed_json_is_a_400() {
    assert_eq!(
        call_text(&diy(), "{\"diy\": tru"),
        Err((400, vec![("invalid_json".to_owned(), "The request body is not valid JSON: EOF while parsing a value at line 1 column 11.".to_owned())]))
    );
}
