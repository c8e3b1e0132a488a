//! Property tests on input nobody should trust (the hostile-input issue): the JSON scan
//! against serde_json, the envelope reader and the options of many kinds on arbitrary JSON,
//! records echoed as `JSON.parse` then `JSON.stringify` would, JavaScript's number text, and
//! raw HTTP requests. proptest runs on stable Rust.
//!
//! Bounded: `PROPTEST_CASES` cases per property (256 by default, what CI runs); a long run:
//! `PROPTEST_CASES=200000 cargo test --release -p extension-tests --test fuzz`. A failure
//! prints the smallest input found: add it to `regressions` below.

mod common;

use common::client::{request, Client};
use extension_core::hosts::http::{spawn, HttpConfig, Running};
use extension_core::prelude::*;
use extension_core::serde_json::{self, Map};
use extension_core::{Configuration, Dispatcher, Envelope, JsonText, Reply};
use proptest::prelude::*;
use std::sync::OnceLock;

// One function of each shape of options: typed hooks with records, wrappers, settings, and
// free-form JSON. Each says it decoded (a 422 `decoded`), or echoes.

fn decoded() -> ExtensionError {
    ExtensionError::new("decoded", "the options fit")
}

#[pre_save_page(name = "fuzzPreSavePage")]
fn fuzz_pre_save_page(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    Ok(PreSavePageResponse {
        data: options.data,
        errors: options.errors,
        ..Default::default()
    })
}

#[pre_map(name = "fuzzPreMap")]
fn fuzz_pre_map(_: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
    Err(decoded())
}

#[post_map(name = "fuzzPostMap")]
fn fuzz_post_map(_: PostMapOptions) -> Result<PostMapResponse, ExtensionError> {
    Err(decoded())
}

#[post_submit(name = "fuzzPostSubmit")]
fn fuzz_post_submit(_: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Err(decoded())
}

#[post_response_map(name = "fuzzPostResponseMap")]
fn fuzz_post_response_map(
    _: PostResponseMapOptions,
) -> Result<PostResponseMapResponse, ExtensionError> {
    Err(decoded())
}

#[post_aggregate(name = "fuzzPostAggregate")]
fn fuzz_post_aggregate(_: PostAggregateOptions) -> Result<(), ExtensionError> {
    Err(decoded())
}

#[wrapper_ping(name = "fuzzPing")]
fn fuzz_ping(_: PingOptions) -> Result<PingResponse, ExtensionError> {
    Err(decoded())
}

#[wrapper_export(name = "fuzzExport")]
fn fuzz_export(_: ExportOptions) -> Result<ExportResponse, ExtensionError> {
    Err(decoded())
}

#[wrapper_import(name = "fuzzImport")]
fn fuzz_import(_: ImportOptions) -> Result<ImportResponse, ExtensionError> {
    Err(decoded())
}

#[persist_settings(name = "fuzzPersistSettings")]
fn fuzz_persist_settings(
    _: PersistSettingsOptions,
) -> Result<PersistSettingsResponse, ExtensionError> {
    Err(decoded())
}

#[json_function(name = "fuzzJson")]
fn fuzz_json(options: Value) -> Result<Value, ExtensionError> {
    Ok(options)
}

const FUNCTIONS: &[(&str, &str)] = &[
    ("hook", "fuzzPreSavePage"),
    ("hook", "fuzzPreMap"),
    ("hook", "fuzzPostMap"),
    ("hook", "fuzzPostSubmit"),
    ("hook", "fuzzPostResponseMap"),
    ("hook", "fuzzPostAggregate"),
    ("wrapper", "fuzzPing"),
    ("wrapper", "fuzzExport"),
    ("wrapper", "fuzzImport"),
    ("setting", "fuzzPersistSettings"),
    ("", "fuzzJson"),
];

fn host() -> &'static extension_core::hosts::local::Local {
    static HOST: OnceLock<extension_core::hosts::local::Local> = OnceLock::new();
    HOST.get_or_init(|| {
        let dispatcher = Dispatcher::new(Configuration::diy()).expect("registry");
        extension_core::hosts::local::Local::new(dispatcher).expect("a runtime")
    })
}

/// JSON text of any shape, with the values that have tripped JSON readers: numbers beyond
/// f64, integral floats, negative zero, escapes (lone surrogates among them), repeated names.
fn json_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        Just("1e400".to_owned()),
        Just("-1e400".to_owned()),
        Just("-0".to_owned()),
        Just("200.0".to_owned()),
        Just("1E2".to_owned()),
        Just("123456789012345678901234567890".to_owned()),
    ];
    let string = prop_oneof![
        "[a-zA-Z0-9 ]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just(r#""\ud800""#.to_owned()),
        Just(r#""\udc00x\ud83d\ude00""#.to_owned()),
        Just(r#""\u0000\n\t\"\\\/\u2028""#.to_owned()),
        Just("\"é€😀\"".to_owned()),
    ];
    let leaf = prop_oneof![
        number,
        string.clone(),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        "[a-z]{1,3}".prop_map(|s| format!("\"{s}\"")),
                        Just(r#""data""#.to_owned()),
                        Just(r#""errors""#.to_owned()),
                        Just(r#""postMapData""#.to_owned()),
                        Just(r#""responseData""#.to_owned()),
                        Just(r#""settings""#.to_owned()),
                        Just(r#""connection""#.to_owned()),
                        Just(r#""state""#.to_owned()),
                        Just(r#""\u0064ata""#.to_owned()),
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("{k} : {v}"))
                    .collect();
                format!("{{ {} }}", members.join(","))
            }),
        ]
    })
}

/// `text` with a few bytes changed, removed or doubled: mostly not JSON any more.
fn mutated(text: String, edits: Vec<(usize, u8, u8)>) -> String {
    let mut bytes = text.into_bytes();
    for (at, op, byte) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = at % bytes.len();
        match op % 3 {
            0 => {
                let table = b"{}[]\",:0-.eE\\u tfn";
                bytes[at] = table[usize::from(byte) % table.len()];
            }
            1 => {
                bytes.remove(at);
            }
            _ => {
                let b = bytes[at];
                bytes.insert(at, b);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether the text has a lone surrogate escape: JavaScript keeps it, serde_json refuses it.
fn has_surrogate_escape(text: &str) -> bool {
    text.to_ascii_lowercase().contains("\\ud")
}

/// The value with every number as an f64 (how JavaScript holds them), for comparing.
fn as_javascript(value: &Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(items) => Value::Array(items.iter().map(as_javascript).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), as_javascript(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The scan accepts exactly the texts serde_json accepts (strict RFC 8259, 128 levels),
    /// lone surrogates aside; nothing panics either way.
    #[test]
    fn the_scan_agrees_with_serde_json(
        text in json_text(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..3),
    ) {
        let text = mutated(text, edits);
        let ours = JsonText::parse(text.clone().into()).is_ok();
        let theirs = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
        if !has_surrogate_escape(&text) {
            prop_assert_eq!(ours, theirs, "{}", text);
        } else if theirs {
            prop_assert!(ours, "{}", text);
        }
    }

    /// Any body, JSON or not: the envelope reader answers, never panics.
    #[test]
    fn the_envelope_reader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Envelope::read(bytes.into(), &["access_token"]);
    }

    /// Any options for functions of every shape: an answer in the protocol's shape (200, or
    /// 422 with codes), never a panic or a 500.
    #[test]
    fn options_of_any_shape_get_an_answer(options in json_text(), which in 0..FUNCTIONS.len()) {
        let (type_, function) = FUNCTIONS[which];
        let type_member = if type_.is_empty() { String::new() } else { format!(r#""type":"{type_}","#) };
        let body = format!(r#"{{"diy":true,{type_member}"function":"{function}","options":{options}}}"#);
        match host().call(body) {
            Ok(_) => {}
            Err(failure) => {
                prop_assert_eq!(failure.status_code, 422, "{}", options);
                prop_assert!(!failure.errors.is_empty());
                prop_assert!(failure.errors.iter().all(|e| !e.code.is_empty()));
                prop_assert!(
                    failure.errors.iter().all(|e| e.code != "function_panicked"),
                    "{:?}", failure.errors
                );
            }
        }
    }

    /// Records a function hands back untouched mean what they meant: `JSON.stringify` of
    /// `JSON.parse` (numbers as JavaScript holds them, the last of a repeated name).
    #[test]
    fn untouched_records_come_back_as_javascript_would_write_them(
        records in prop::collection::vec(json_text(), 0..6),
    ) {
        let records: Vec<String> = records
            .into_iter()
            .filter(|r| r.trim_start().starts_with('{'))
            .collect();
        let data = format!("[{}]", records.join(","));
        let body = format!(r#"{{"diy":true,"type":"hook","function":"fuzzPreSavePage","options":{{"data":{data},"errors":[]}}}}"#);
        let answer = match host().call(body) {
            Ok(Reply::Json(bytes)) => bytes,
            other => return Err(TestCaseError::fail(format!("{other:?} for {data}"))),
        };
        prop_assert!(JsonText::parse(answer.clone()).is_ok(), "{:?}", answer);
        // serde_json refuses what JavaScript reads and writes (1e400, lone surrogate escapes,
        // which go back as they came): compare the rest.
        if let (Ok(answer), Ok(sent)) = (
            serde_json::from_slice::<Value>(&answer),
            serde_json::from_str::<Value>(&data),
        ) {
            prop_assert_eq!(as_javascript(&answer["data"]), as_javascript(&sent), "{}", data);
        } else {
            prop_assert!(has_surrogate_escape(&data) || data.contains("e400"), "{}", data);
        }
    }

    /// A number goes out as JavaScript prints it, and reads back as the same number.
    #[test]
    fn numbers_go_out_as_javascript_prints_them(f in any::<f64>()) {
        let record = Record::from(json!({ "n": f }));
        let text = record.to_string();
        let back: Value = serde_json::from_str(&text).expect("JSON");
        if f.is_finite() {
            prop_assert_eq!(back["n"].as_f64(), Some(if f == 0.0 { 0.0 } else { f }), "{}", text);
            if f.fract() == 0.0 && f.abs() < 1e21 {
                prop_assert!(!text.contains('.') && !text.contains('e'), "{}", text);
            }
        } else {
            prop_assert_eq!(&back["n"], &Value::Null);
        }
    }
}

fn server() -> &'static Running {
    static SERVER: OnceLock<Running> = OnceLock::new();
    SERVER.get_or_init(|| {
        let mut config = HttpConfig::new(Configuration::diy(), "fuzz-token");
        config.port = 0;
        let dispatcher = Dispatcher::new(config.modules.clone()).expect("registry");
        spawn(config, dispatcher).expect("a server")
    })
}

/// The parts of a request that a hostile client controls.
fn raw_request() -> impl Strategy<Value = Vec<u8>> {
    let body = json_text().prop_map(|o| {
        format!(r#"{{"diy":true,"type":"hook","function":"fuzzPreSavePage","options":{{"data":[{o}]}}}}"#)
    });
    let header = prop_oneof![
        Just("Content-Type: application/json".to_owned()),
        Just("Content-Type: text/plain".to_owned()),
        Just("Authorization: Bearer fuzz-token".to_owned()),
        Just("Authorization: Bearer  fuzz-token".to_owned()),
        Just("Content-Encoding: gzip".to_owned()),
        Just("Content-Encoding: br".to_owned()),
        Just("Transfer-Encoding: chunked".to_owned()),
        Just("Content-Length: 5".to_owned()),
        Just("Expect: 100-continue".to_owned()),
        Just("traceid: a\u{7f}b".to_owned()),
        "[A-Za-z-]{1,12}: [ -~]{0,20}".prop_map(|h| h),
    ];
    (
        prop_oneof![Just("POST"), Just("GET"), Just("PUT")],
        prop_oneof![
            Just("/function"),
            Just("/FUNCTION/"),
            Just("/healthCheck"),
            Just("/x?access_token=fuzz-token")
        ],
        prop_oneof![Just("HTTP/1.1"), Just("HTTP/1.0")],
        prop::collection::vec(header, 0..6),
        body,
        any::<bool>(),
    )
        .prop_map(|(method, path, version, headers, body, chunked)| {
            let mut out = format!("{method} {path} {version}\r\nHost: x\r\n");
            for h in &headers {
                out.push_str(h);
                out.push_str("\r\n");
            }
            if chunked {
                out.push_str("Transfer-Encoding: chunked\r\n\r\n");
                for piece in body.as_bytes().chunks(7) {
                    out.push_str(&format!("{:x}\r\n", piece.len()));
                    out.push_str(std::str::from_utf8(piece).unwrap_or(""));
                    out.push_str("\r\n");
                }
                out.push_str("0\r\n\r\n");
            } else {
                out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
            }
            out.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse::<u32>().ok()).map_or(64, |c| c / 4).max(1),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any request a client can write: the server answers it or closes the connection, and
    /// keeps serving.
    #[test]
    fn the_http_host_survives_any_request(raw in raw_request()) {
        let addr = server().addr;
        let mut client = Client::connect(addr);
        client.send_partial(&raw);
        let _ = client.read();
        let health = request(addr, "GET", "/healthCheck", &[], b"");
        prop_assert_eq!(health.status, 200);
    }
}

/// Inputs the properties found once, kept as plain tests.
#[test]
fn regressions() {
    for options in [
        r#"{"data":[{"a":1e400,"b":"\ud800"}],"errors":null}"#,
        r#"{"data":[{"a":1,"a":2}],"errors":[]}"#,
        r#"{"data":[{}],"settings":{"x":-0}}"#,
    ] {
        let body = format!(
            r#"{{"diy":true,"type":"hook","function":"fuzzPreSavePage","options":{options}}}"#
        );
        assert!(host().call(body).is_ok(), "{options}");
    }
}
