//! The engine against what `JSON.parse` then `JSON.stringify` give in JavaScript (the expected
//! texts below are Node 20's).

use super::{decode, scan, ser, Document, Record};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};

fn doc(text: &str) -> std::sync::Arc<Document> {
    Document::scan(Bytes::from(text.to_owned())).expect("valid JSON")
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, super::de::Error> {
    let doc = doc(text);
    decode(&doc, 0..text.len(), u64::MAX, false).map(|(value, _)| value)
}

/// What our encoder writes for a value.
fn written<T: serde::Serialize>(value: &T) -> String {
    String::from_utf8(ser::to_vec(value, None).expect("serialisable")).expect("UTF-8")
}

/// `JSON.stringify(JSON.parse(text).data)` for a record that goes through untouched.
fn echoed(record: &str) -> String {
    let records: Vec<Record> = read(&format!("[{record}]")).expect("decodes");
    written(&records[0])
}

/// The runs a string holds as they are, found 16 bytes at a time, against a byte loop: every
/// length around the vector width, every position and kind of stop, with and without bytes
/// above 0x7F before or after it.
#[test]
fn plain_runs_end_where_a_byte_loop_says() {
    let naive = |bytes: &[u8]| {
        let n = bytes
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(bytes.len());
        (n, !bytes[..n].is_ascii())
    };
    for len in 0usize..50 {
        for stop in [
            None,
            Some(b'"'),
            Some(b'\\'),
            Some(0x00),
            Some(0x1F),
            Some(b'\n'),
        ] {
            for at in 0..len.max(1) {
                for high in [None, Some(0), Some(at), Some(len.saturating_sub(1))] {
                    let mut bytes = vec![b'a'; len];
                    if let Some(h) = high.filter(|&h| h < len) {
                        bytes[h] = 0xC3;
                    }
                    if let Some(stop) = stop.filter(|_| at < len) {
                        bytes[at] = stop;
                    }
                    // 0x20 and 0x7F are plain, the bytes either side of them are not.
                    assert_eq!(scan::plain_run_marked(&bytes), naive(&bytes), "{bytes:?}");
                    assert_eq!(scan::portable_plain_run(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
    }
    let all: Vec<u8> = (0..=255).collect();
    for start in 0..=255 {
        assert_eq!(
            scan::plain_run_marked(&all[start..]),
            naive(&all[start..]),
            "{start}"
        );
        assert_eq!(
            scan::portable_plain_run(&all[start..]),
            naive(&all[start..]),
            "{start}"
        );
    }
}

/// The scan is what lets the rest of the engine take the text as UTF-8 unchecked.
#[test]
fn the_scan_checks_utf8_in_every_string() {
    let limits = super::LIMITS;
    for good in [
        "\"zoë\"".as_bytes(),
        "{\"josé\":\"São Paulo, Kraków\"}".as_bytes(),
        "[\"\\n😀\\u00e9é\"]".as_bytes(),
        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé\"".as_bytes(),
    ] {
        assert!(scan::scan(good, limits).is_ok(), "{good:?}");
    }
    let long = "a".repeat(40);
    for bad in [
        b"\"\xff\"".to_vec(),
        b"\"\xc3\"".to_vec(),
        b"{\"\xe2\x82\":1}".to_vec(),
        b"[\"\\n\xc3(\"]".to_vec(),
        b"\"\xed\xa0\x80\"".to_vec(),
        [b"\"", long.as_bytes(), b"\xf0\x9f\x98", b"\""].concat(),
        [
            b"[\"",
            long.as_bytes(),
            b"\xc3\xa9\",\"\x80",
            long.as_bytes(),
            b"\"]",
        ]
        .concat(),
    ] {
        let error = scan::scan(&bad, limits).expect_err("not UTF-8");
        assert_eq!(error.message, "the text is not valid UTF-8", "{bad:?}");
        assert!(std::str::from_utf8(&bad[..error.offset]).is_ok());
    }
}

#[test]
fn the_scan_checks_the_grammar_and_bounds_the_nesting() {
    let limits = super::LIMITS;
    for bad in [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "01",
        "1.",
        "-",
        "\"\\x\"",
        "\"a\nb\"",
        "[1] 2",
        "nul",
        "{\"a\":1,}",
        "\"\\ud8\"",
    ] {
        assert!(scan::scan(bad.as_bytes(), limits).is_err(), "{bad:?}");
    }
    for good in [
        "0",
        " [] ",
        "{\"a\":[1,{\"b\":null}]}",
        "-0.5e-3",
        "\"\\ud800\"",
        "[true,false]",
    ] {
        assert!(scan::scan(good.as_bytes(), limits).is_ok(), "{good:?}");
    }
    let deep = "[".repeat(128) + &"]".repeat(128);
    assert!(scan::scan(deep.as_bytes(), limits).is_ok());
    let deeper = "[".repeat(129) + &"]".repeat(129);
    assert_eq!(
        scan::scan(deeper.as_bytes(), limits).unwrap_err().message,
        "nested too deeply"
    );
    // Many names in one object: found twice or not, in linear time (a quadratic search would
    // not finish) ...
    let mut many = String::from("{");
    for i in 0..4_000 {
        many.push_str(&format!("\"k{i}\":0,"));
    }
    let unique = many.clone() + "\"end\":0}";
    assert!(!scan::scan(unique.as_bytes(), limits).unwrap().repeated);
    let twice = many.clone() + "\"k7\":0}";
    assert!(scan::scan(twice.as_bytes(), limits).unwrap().repeated);
    // ... and past 4 096 names, taken to repeat one (read, not echoed) rather than kept in a
    // set as large as a hostile object.
    for i in 4_000..200_000 {
        many.push_str(&format!("\"k{i}\":0,"));
    }
    let unique = many + "\"end\":0}";
    assert!(scan::scan(unique.as_bytes(), limits).unwrap().repeated);
    let scanned = scan::scan(b"[1,{\"a\":1,\"a\":2}]", limits).unwrap();
    assert!(scanned.repeated);
    assert_eq!(scanned.values, 5);
}

#[test]
fn texts_a_few_edits_from_json_scan_valid_exactly_when_serde_json_reads_them() {
    // Random edits (a fixed sequence: the test is repeatable) of JSON texts with every kind
    // of token, with the characters that matter to the grammar: the scan's fast paths and
    // its general ones must agree with serde_json on what is JSON, and never panic. (No
    // surrogate escapes: JSON takes a lone one, a Rust string cannot hold it; the alphabet
    // has no `d` to make one.)
    let seeds = [
        r#"{"id":100001,"name":"josé garcía","email":"jose.garcia1@example.com","active":true,"balance":-12.5,"tags":["vip","eu"],"address":{"city":"Kraków","zip":"12345"},"notes":null}"#,
        r#"{"a":[1,2.50,-0,1e5,"x\u0041y",{"b":null,"b":true}],"c":{}, "d" : [ ] ,"e":"\u00e9"}"#,
        r#"[{"n":12345.0},{"s":"a\/b\n"},[],[[]],{"k":{"k":{"k":false}}}]"#,
    ];
    let alphabet = "{}[]:,\"\\ \n\t0123456789-+.eEtrufalsn\u{1}é😀/ux".as_bytes();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut valid = 0;
    for round in 0..20_000 {
        let mut text = seeds[round % seeds.len()].as_bytes().to_vec();
        for _ in 0..1 + next() % 3 {
            let r = next();
            let at = (r >> 8) as usize % (text.len() + 1);
            let byte = alphabet[(r >> 40) as usize % alphabet.len()];
            match r % 3 {
                0 => text.insert(at, byte),
                1 if at < text.len() => drop(text.remove(at)),
                _ if at < text.len() => text[at] = byte,
                _ => {}
            }
        }
        let scanned = scan::scan(&text, super::LIMITS);
        let parsed = serde_json::from_slice::<serde_json::Value>(&text);
        assert_eq!(
            scanned.is_ok(),
            parsed.is_ok(),
            "{:?}",
            String::from_utf8_lossy(&text)
        );
        valid += usize::from(parsed.is_ok());
    }
    // Both outcomes were exercised.
    assert!((1_000..19_000).contains(&valid), "{valid} valid texts");
}

#[test]
fn strings_around_the_short_string_look_scan_as_serde_json_reads_them() {
    // The scan settles strings of up to 31 bytes from one 32-byte look; every length up to
    // past it, with a byte that needs the general loop at every place, must come out as the
    // general loop says: the same validity as serde_json, and canonical exactly where
    // serde_json (which writes strings as JSON.stringify does) writes the text back as it was.
    for len in 0..36 {
        for at in 0..=len {
            for special in [
                "\\n", "\\\"", "\\/", "\\u00e9", "\\u001f", "é", "😀", "\t", "\"", "\\",
            ] {
                let s = format!("{}{special}{}", "a".repeat(at), "b".repeat(len - at));
                let text = format!(r#"["{s}",{{"{s}":0}},"{s}x"]"#);
                let scanned = scan::scan(text.as_bytes(), super::LIMITS);
                let parsed = serde_json::from_str::<serde_json::Value>(&text);
                assert_eq!(scanned.is_ok(), parsed.is_ok(), "{text}");
                if let (Ok(scanned), Ok(parsed)) = (scanned, parsed) {
                    let same = serde_json::to_string(&parsed).unwrap() == text;
                    assert_eq!(scanned.canonical(0..text.len()), same, "{text}");
                }
            }
        }
    }
}

#[test]
fn the_scan_knows_what_javascript_would_write_otherwise() {
    let canonical = |text: &str| {
        let scanned = scan::scan(text.as_bytes(), super::LIMITS).unwrap();
        scanned.canonical(0..text.len())
    };
    for same in [
        r#"{"a":[1,-2,0.5,"x\n\"y\"",null,true]}"#,
        r#""\u001f\ud800""#,
        "123456789012345",
        "0.000001",
    ] {
        assert!(canonical(same), "{same}");
    }
    for other in [
        "{ \"a\":1}",
        "[1 ]",
        "1.0",
        "12345.0",
        "1e2",
        "1E2",
        "-0",
        "0.0000001",
        "1234567890123456789",
        r#""\/""#,
        r#""\u00e9""#,
        r#""\u00E9""#,
        r#""\ud83d\ude00""#,
        r#""\u000a""#,
        r#"{"a":1,"a":2}"#,
    ] {
        assert!(!canonical(other), "{other}");
    }
}

#[test]
fn an_untouched_record_goes_back_as_javascript_would_write_it() {
    let same = r#"{"id":100001,"name":"zoë chen","tags":["vip"],"address":{"zip":"12345"},"notes":null,"balance":-12.5}"#;
    assert_eq!(echoed(same), same);
    // What `JSON.stringify(JSON.parse(..))` gives, member for member.
    assert_eq!(
        echoed(r#"{ "a" : 12345.0, "b":1e2, "c":"\/\u00e9\ud83d\ude00", "d":[ 1 , 2 ],"e":-0}"#),
        r#"{"a":12345,"b":100,"c":"/é😀","d":[1,2],"e":0}"#
    );
    assert_eq!(
        echoed(r#"{"big":1e400,"small":-1e400}"#),
        r#"{"big":null,"small":null}"#
    );
    assert_eq!(
        echoed(r#"{"n":1e21,"m":1e-7,"o":0.1e1}"#),
        r#"{"n":1e+21,"m":1e-7,"o":1}"#
    );
    // A lone surrogate stays the escape JavaScript writes for it.
    assert_eq!(echoed(r#"{"s":"a\uD800b"}"#), r#"{"s":"a\ud800b"}"#);
    // One member per name: the last value, at the first place.
    assert_eq!(echoed(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
    assert_eq!(echoed(r#"{"x":{"a":1,"a":[2]}}"#), r#"{"x":{"a":[2]}}"#);
    // Not an object: kept as a value.
    assert_eq!(echoed("[1,2.50]"), "[1,2.5]");
    assert_eq!(echoed(r#""text""#), r#""text""#);
}

#[test]
fn a_record_decodes_only_what_it_is_asked_and_keeps_the_rest_as_text() {
    let text = r#"{"id":7,"name":"ada","total":12345.0,"s":"\ud800","nested":{"k":[1,2]}}"#;
    let mut records: Vec<Record> = read(&format!("[{text}]")).unwrap();
    let record = &mut records[0];
    assert_eq!(record.len(), 5);
    assert_eq!(
        record.keys().collect::<Vec<_>>(),
        ["id", "name", "total", "s", "nested"]
    );
    assert_eq!(record["total"], json!(12345));
    assert_eq!(record["missing"], Value::Null);
    assert!(record.get("missing").is_none() && record.contains_key("nested"));
    if let Some(Value::String(name)) = record.get_mut("name") {
        name.make_ascii_uppercase();
    }
    assert_eq!(record.insert("id", 8), Some(json!(7)));
    record.insert("processed", true);
    assert_eq!(record.remove("nested"), Some(json!({"k": [1, 2]})));
    assert_eq!(record.remove("nested"), None);
    // Changed members in their places, the new one last, untouched ones as JavaScript writes
    // them (the lone surrogate kept as its escape).
    assert_eq!(
        written(record),
        r#"{"id":8,"name":"ADA","total":12345,"s":"\ud800","processed":true}"#
    );
    // Where it must be a Rust string, a lone surrogate is U+FFFD.
    assert_eq!(record["s"], json!("\u{fffd}"));
    record["added"] = json!([1]);
    assert_eq!(record.iter().last(), Some(("added", &json!([1]))));
}

#[test]
fn records_work_with_any_serde_format_and_with_values() {
    let value = json!({"b": 1, "a": [1.5, "x"], "c": {"d": null}});
    let record = Record::from(value.clone());
    assert_eq!(record, value);
    assert_eq!(record.to_value(), value);
    assert_eq!(Value::from(record.clone()), value);
    // serde_json both ways, in order.
    let text = serde_json::to_string(&record).unwrap();
    assert_eq!(text, r#"{"b":1,"a":[1.5,"x"],"c":{"d":null}}"#);
    let back: Record = serde_json::from_str(&text).unwrap();
    assert_eq!(back, record);
    assert_eq!(written(&back), text);
    let from_value = Record::deserialize(value.clone()).unwrap();
    assert_eq!(from_value, value);
    // A record decoded by us serialises for serde_json too, decoding its members.
    let ours: Vec<Record> = read(r#"[{"n":1.0,"s":"\u00e9"}]"#).unwrap();
    assert_eq!(
        serde_json::to_string(&ours[0]).unwrap(),
        r#"{"n":1,"s":"é"}"#
    );
    assert_eq!(ours[0].to_string(), r#"{"n":1,"s":"é"}"#);
    assert_eq!(format!("{:?}", ours[0]), r#"Record({"n":1,"s":"é"})"#);
    let built: Record = [("x", json!(1)), ("y", json!("z")), ("x", json!(2))]
        .into_iter()
        .collect();
    assert_eq!(built.to_string(), r#"{"x":2,"y":"z"}"#);
    // Built from a large map in linear time.
    let big: Record = (0..20_000).map(|i| (format!("k{i}"), json!(i))).collect();
    assert_eq!(big.len(), 20_000);
    assert_eq!(Record::new().to_string(), "{}");
    assert!(Record::default().is_empty());
}

#[test]
fn a_record_of_many_members_reads_in_linear_time_and_keeps_the_last_of_a_name() {
    let mut text = String::from("{");
    for i in 0..5_000 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k0\":\"last\"}");
    let mut records: Vec<Record> = read(&format!("[{text}]")).unwrap();
    assert_eq!(records[0].len(), 5_000);
    assert_eq!(records[0]["k0"], json!("last"));
    assert_eq!(records[0].keys().next(), Some("k0"));
    records[0].insert("k4999", 0);
    assert_eq!(records[0]["k4999"], json!(0));
}

#[test]
fn decoded_values_are_charged_against_the_budget_whatever_the_shape() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Record>,
        #[serde(flatten)]
        extra: serde_json::Map<String, Value>,
    }
    let within = |text: &str, budget: u64| {
        let doc = doc(text);
        match decode::<Page>(&doc, 0..text.len(), budget, false) {
            Ok(_) => true,
            Err(e) if e.is_exhausted() => false,
            Err(e) => panic!("{e}"),
        }
    };
    let record = format!(
        r#"{{"name":"ada","total":12.5,"note":"{}"}}"#,
        "x".repeat(400)
    );
    let records = format!("[{}]", vec![record; 1_000].join(","));
    let tiny = format!("[{}]", vec![r#"{"k":1}"#; 1_000].join(","));
    let zeros = format!("[{}]", vec!["0"; 1_000].join(","));
    let page = format!(r#"{{"data":{records}}}"#);
    // Records are their text: a page of them takes a fraction of its size (about 300 bytes
    // a record) ...
    assert!(within(&page, page.len() as u64));
    // ... tiny objects or numbers in a free-form member take many times theirs ...
    let dense = format!(r#"{{"data":[],"big":{tiny},"zeros":{zeros}}}"#);
    assert!(!within(&dense, 3 * dense.len() as u64));
    assert!(within(&dense, 1 << 20));
    // ... and an untagged enum that hides serde's errors still stops at the budget.
    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Either {
        Numbers(Vec<u8>),
        Anything(Value),
    }
    let doc = doc(&tiny);
    let e = decode::<Either>(&doc, 0..tiny.len(), 4096, false)
        .err()
        .unwrap();
    assert!(e.is_exhausted());
}

/// The smallest budget, in whole multiples of the page's text, that decodes a page of
/// `record` as `T` records.
fn charged_times_text<T: serde::de::DeserializeOwned>(record: &str) -> u64 {
    #[derive(Deserialize)]
    #[serde(bound = "T: serde::de::DeserializeOwned")]
    struct Page<T> {
        #[allow(dead_code)]
        data: Vec<T>,
    }
    let page = format!(r#"{{"data":[{}]}}"#, vec![record; 1_000].join(","));
    let doc = doc(&page);
    (1..64)
        .find(|times| {
            decode::<Page<T>>(&doc, 0..page.len(), times * page.len() as u64, false).is_ok()
        })
        .expect("decoded within 64 times its text")
}

#[test]
fn value_records_are_charged_about_twelve_times_their_text_records_under_theirs() {
    // A record shaped as the bench kit's (about 500 bytes: ten members, a nested object, an
    // array, a long string) and one with fewer values around a longer string.
    let kit = format!(
        r#"{{"id":100000,"name":"josé chen","email":"josé.chen0@example.com","active":true,"balance":111102.81,"quantity":8219,"createdAt":"2024-07-27T01:32:00.000Z","tags":["eu","apac"],"address":{{"line1":"4209 Aliqua Street","city":"Lagos","zip":"18482"}},"notes":"{}"}}"#,
        "lorem ipsum ".repeat(30)
    );
    let long = format!(
        r#"{{"id":1,"name":"ada lovelace","email":"ada@example.com","balance":12.5,"active":true,"tags":["a","b"],"address":{{"city":"London","zip":"N1"}},"note":"{}"}}"#,
        "x".repeat(300)
    );
    // What README's "Limits and memory" says: `Value` records are charged 11 to 12 times
    // their text (their trees take about 6: the charge counts vectors and tables while they
    // grow), so the default limit's 16 MiB takes pages of them up to about 1.4 MB; a
    // `Record` is charged under its text.
    assert!((10..=13).contains(&charged_times_text::<Value>(&kit)));
    assert!((10..=13).contains(&charged_times_text::<Value>(&long)));
    assert_eq!(charged_times_text::<Record>(&kit), 1);
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Options {
    status_code: u16,
    id: String,
    #[serde(default)]
    items: Vec<u8>,
    flag: Option<bool>,
    anything: Value,
}

#[test]
fn options_read_values_as_javascript_would_use_them() {
    // An integral float fits an integer, a number fits a string (its JavaScript text), `null`
    // is an empty array and `None`, a number beyond f64 is infinite (`null` in a `Value`).
    let options: Options = read(
        r#"{"statusCode":200.0,"id":42,"items":null,"flag":null,"anything":[1e400,"\ud800",1.5e3]}"#,
    )
    .unwrap();
    assert_eq!(
        options,
        Options {
            status_code: 200,
            id: "42".into(),
            items: vec![],
            flag: None,
            anything: json!([null, "\u{fffd}", 1500]),
        }
    );
    let float_id: Options = read(r#"{"statusCode":1,"id":1.5e300,"anything":0}"#).unwrap();
    assert_eq!(float_id.id, "1.5e+300");
    // What does not fit still fails, with serde's words.
    let err = read::<Options>(r#"{"statusCode":200.5,"id":"x","anything":0}"#).unwrap_err();
    assert!(err.to_string().contains("expected u16"), "{err}");
    let err = read::<Options>(r#"{"statusCode":1,"id":true,"anything":0}"#).unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
    let err = read::<Options>(r#"{"statusCode":70000,"id":"x","anything":0}"#).unwrap_err();
    assert!(err.to_string().contains("u16"), "{err}");
}

#[test]
fn the_encoder_writes_what_json_stringify_writes_and_stops_at_the_limit() {
    assert_eq!(
        written(&json!([
            1.0,
            -0.0,
            0.1,
            1e21,
            1e-7,
            0.000001,
            123456789.125,
            5e-324,
            f64::MAX
        ])),
        "[1,0,0.1,1e+21,1e-7,0.000001,123456789.125,5e-324,1.7976931348623157e+308]"
    );
    assert_eq!(
        written(&json!("q\"b\\n\n\u{1f}\u{7f}\u{2028}é")),
        "\"q\\\"b\\\\n\\n\\u001f\u{7f}\u{2028}é\""
    );
    assert_eq!(written(&f64::NAN), "null");
    let value = json!({"a": "é".repeat(10)});
    // `{"a":"` + 10 + `"}`: 18 units, 28 bytes.
    assert!(ser::to_vec(&value, Some(18)).is_ok());
    assert_eq!(ser::to_vec(&value, Some(17)), Err(ser::Error::TooLarge));
    let many = vec![json!("x".repeat(1000)); 10_000];
    assert_eq!(ser::to_vec(&many, Some(5_000)), Err(ser::Error::TooLarge));
}

#[test]
fn changes_are_spliced_into_the_text_in_javascript_order() {
    let one =
        |text: &str| -> Record { read::<Vec<Record>>(&format!("[{text}]")).unwrap().remove(0) };
    // Changed in place, added last, the rest copied.
    let mut r = one(r#"{"a":1,"b":{"c":[1,2]},"d":"x"}"#);
    r["d"] = json!("y");
    r.insert("a", json!({"n": 1.5}));
    r.insert("e\"", 2);
    assert_eq!(
        written(&r),
        r#"{"a":{"n":1.5},"b":{"c":[1,2]},"d":"y","e\"":2}"#
    );
    // Removed then set again: last, as `delete` then assignment in JavaScript.
    let mut r = one(r#"{"a":1,"b":2,"c":3}"#);
    assert_eq!(r.remove("a"), Some(json!(1)));
    assert_eq!(written(&r), r#"{"b":2,"c":3}"#);
    r.insert("a", 4);
    assert_eq!(written(&r), r#"{"b":2,"c":3,"a":4}"#);
    assert_eq!(r.remove("c"), Some(json!(3)));
    assert_eq!(r.remove("b"), Some(json!(2)));
    assert_eq!(written(&r), r#"{"a":4}"#);
    assert_eq!(r.keys().collect::<Vec<_>>(), ["a"]);
    // Changed in any order, written in the text's: a few changes and many (two ways).
    for changed in [3, 12] {
        let members: Vec<String> = (0..12).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let mut r = one(&format!("{{{}}}", members.join(",")));
        for i in (0..changed).rev() {
            r[format!("k{}", i * 11 % 12).as_str()] = json!(format!("v{i}"));
        }
        r.insert("added", true);
        let mut expected = serde_json::Map::new();
        for i in 0..12 {
            expected.insert(format!("k{i}"), json!(i));
        }
        for i in 0..changed {
            expected.insert(format!("k{}", i * 11 % 12), json!(format!("v{i}")));
        }
        expected.insert("added".into(), json!(true));
        assert_eq!(written(&r), serde_json::to_string(&expected).unwrap());
    }
    // An empty object gains its first member without a comma.
    let mut r = one("{}");
    r.insert("x", true);
    assert_eq!(written(&r), r#"{"x":true}"#);
    // A name that is in the text only as a value is no member.
    let mut r = one(r#"{"k":"processed"}"#);
    assert!(!r.contains_key("processed"));
    r.insert("processed", true);
    assert_eq!(written(&r), r#"{"k":"processed","processed":true}"#);
    // Text that is not canonical: changed members written, the others rewritten.
    let mut r = one(r#"{ "a" : 1.0 , "b" : "\u0041" }"#);
    r["b"] = json!("B");
    assert_eq!(written(&r), r#"{"a":1,"b":"B"}"#);
    // Written by walking the text (no member table): changed in place, removed, added last,
    // escaped names, for our encoder and for serde_json alike.
    let mut r = one(r#"{ "k1" : [ 1.0 ], "k2" : "x" , "k3":{ "n" : 2 } , "k4" : 4 }"#);
    r["k2"] = json!("y");
    r.remove("k4");
    r.insert("k5", 5);
    let expected = r#"{"k1":[1],"k2":"y","k3":{"n":2},"k5":5}"#;
    assert_eq!(written(&r), expected);
    assert_eq!(serde_json::to_string(&r).unwrap(), expected);
    assert_eq!(r.keys().collect::<Vec<_>>(), ["k1", "k2", "k3", "k5"]);
    assert_eq!(written(&r), expected);
    // Escaped names are found by their value.
    let mut r = one(r#"{"n\u0061me":"ada"}"#);
    assert_eq!(r.get_mut("name"), Some(&mut json!("ada")));
    assert_eq!(written(&r), r#"{"name":"ada"}"#);
    // Repeated names: the last value, changed at the first place.
    let mut r = one(r#"{"a":1,"b":2,"a":3}"#);
    assert_eq!(r.insert("a", 5), Some(json!(3)));
    assert_eq!(written(&r), r#"{"a":5,"b":2}"#);
}

#[test]
fn the_canonical_walk_finds_members_where_the_decoder_finds_them() {
    let objects = [
        "{}",
        r#"{"id":100001,"name":"ada","tags":["name",{"name":1}],"n":{"a":[[]],"b":"}"},"x":null}"#,
        r#"{"a":"\"name\":1","name":[1,{"c":"]"}],"b":-1.5,"c":true,"d":false}"#,
        r#"{"k":"é😀\n","long":"a string of more than thirty-two bytes, to end in the loop","z":0}"#,
        r#"{"a":1,"n\u0061me":2,"name":3}"#,
        r#"{"a\"b":1,"c":2}"#,
    ];
    for text in objects {
        let scanned = scan::scan(text.as_bytes(), super::LIMITS).expect("JSON");
        for name in [
            "", "id", "name", "tags", "n", "x", "a", "b", "c", "d", "k", "long", "z",
        ] {
            let mut de = super::de::Deserializer::new(text, &scanned, 0, u64::MAX);
            let expected = de.find(name).expect("walks");
            match scan::find_canonical(text.as_bytes(), name.as_bytes()) {
                // A name written with an escape on the way: the caller reads the text.
                (None, true) => assert!(text.contains('\\'), "{text} {name}"),
                (found, _) => assert_eq!(found, expected, "{text} {name}"),
            }
        }
    }
}

#[test]
fn change_lists_of_dropped_records_are_reused_up_to_a_bound() {
    use super::record::spare_changes;
    let page = format!("[{}]", vec![r#"{"name":"ada","n":1}"#; 3000].join(","));
    for round in 0..2 {
        let mut records: Vec<Record> = read(&page).expect("decodes");
        for record in &mut records {
            record.insert("processed", true);
        }
        // In the second round the first 1 024 records took the spare lists, which came back
        // empty.
        assert_eq!(spare_changes(), 0, "round {round}");
        assert!(records.iter().all(|r| r.len() == 3));
        for i in [0, 1023, 2999] {
            assert_eq!(
                written(&records[i]),
                r#"{"name":"ada","n":1,"processed":true}"#
            );
        }
        drop(records);
        assert_eq!(spare_changes(), 1024, "kept up to the bound");
    }
    // A list grown past its first room is not kept.
    let mut record: Record = read(r#"{"a":1}"#).expect("decodes");
    for i in 0..5 {
        record.insert(format!("k{i}"), i);
    }
    let before = spare_changes();
    drop(record);
    assert_eq!(spare_changes(), before);
}

/// A record the scan noted (128 bytes or more) is looked up through the filter of its names:
/// every name there is found, every name not there is not, whatever the filter's collisions,
/// and objects with too many names for a filter are searched as before.
#[test]
fn member_lookups_through_the_scan_filter_find_exactly_the_members_there() {
    for members in [3usize, 12, 40, 70, 200] {
        let object: serde_json::Map<String, Value> = (0..members)
            .map(|i| {
                let value = format!("value number {i} padded out to be long");
                (format!("field{i}"), json!(value))
            })
            .collect();
        let text = Value::Object(object.clone()).to_string();
        assert!(text.len() >= 128, "{members}: a record the scan notes");
        let mut records: Vec<Record> = read(&format!("[{text},{text}]")).expect("decodes");
        for probe in 0..members + 300 {
            let name = format!("field{probe}");
            assert_eq!(records[0].get(&name), object.get(&name), "{members} {name}");
            assert_eq!(records[0].contains_key(&name), object.contains_key(&name));
        }
        for absent in ["", "f", "name", "processed", "field", "field00", "Field1"] {
            assert_eq!(records[0].get(absent), None, "{members} {absent:?}");
        }
        // An insert of a name already there replaces it in place, of a new one adds it last.
        records[1].insert("field1", 7);
        records[1].insert("processed", true);
        let mut expected = object.clone();
        expected.insert("field1".into(), json!(7));
        expected.insert("processed".into(), json!(true));
        assert_eq!(written(&records[1]), Value::Object(expected).to_string());
    }
    // The filter holds names as written: an escaped name is read through the text.
    let escaped = format!(r#"[{{"pad":"{}","n\u0061me":1}}]"#, "x".repeat(150));
    let records: Vec<Record> = read(&escaped).expect("decodes");
    assert_eq!(records[0].get("name"), Some(&json!(1)));
}

/// Records read in order find their noted entry from a running position, whatever lies
/// between them (large containers inside a record, records too small to be noted), and
/// agree with the search everywhere, in any order of lookup.
#[test]
fn noted_entries_found_from_a_running_position_are_the_searched_ones() {
    let pad = "p".repeat(140);
    let records = [
        format!(r#"{{"a":"{pad}"}}"#),
        r#"{"small":1}"#.to_owned(),
        format!(r#"{{"inner":{{"b":"{pad}"}},"list":["{pad}"]}}"#),
        format!(r#"{{"c":"{pad}"}}"#),
    ];
    let text = format!("[{}]", records.join(","));
    let scanned = scan::scan(text.as_bytes(), super::LIMITS).expect("JSON");
    let starts: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
    let mut next = 0;
    for &start in &starts {
        assert_eq!(
            scanned.noted_from(start, &mut next),
            scanned.noted(start),
            "{start}"
        );
    }
    // Backwards, and from a position past the end: the same answers.
    for &start in starts.iter().rev() {
        assert_eq!(
            scanned.noted_from(start, &mut next),
            scanned.noted(start),
            "{start}"
        );
    }
    let mut past = usize::MAX;
    assert_eq!(
        scanned.noted_from(starts[0], &mut past),
        scanned.noted(starts[0])
    );
    // The small record is not noted, and does not move the position.
    let small = text.find(r#"{"small""#).unwrap();
    let mut at = 1;
    assert_eq!(scanned.noted_from(small, &mut at), None);
    assert_eq!(at, 1);
    assert!(scanned.noted(starts[0]).is_some() && scanned.noted(starts[2]).is_some());
}

/// An answer in parts is the answer in one, cut between elements, and fails the size limit
/// exactly where one part does: the parts cut before the limit is passed in bytes are counted
/// in UTF-16 units then (a page of non-ASCII names is fewer units than bytes).
#[test]
fn an_answer_in_parts_is_the_answer_cut_between_elements_within_the_same_limit() {
    let page: Vec<Record> = read(&format!(
        "[{}]",
        (0..300)
            .map(|i| format!(r#"{{"id":{i},"name":"é{i}","tags":["a","b"],"n":{{"x":1.50}}}}"#))
            .collect::<Vec<_>>()
            .join(",")
    ))
    .expect("decodes");
    let mut changed = page.clone();
    for record in changed.iter_mut().step_by(3) {
        record.insert("processed", true);
    }
    let values = [
        serde_json::to_value(&page).expect("a value"),
        json!({"data": "ü".repeat(5000), "errors": vec![json!({"code": "x"}); 40]}),
        json!([]),
        json!(12.5),
    ];
    let whole = |v: &dyn erased::Value, limit| v.with_capacity(limit, 64);
    let cases: [&dyn erased::Value; 6] = [
        &page, &changed, &values[0], &values[1], &values[2], &values[3],
    ];
    for value in cases {
        let one = whole(value, None).expect("encodes");
        let units = crate::js::utf16_len(&one) as u64;
        for part in [0, 1, 64, 300, 8 << 10, (8 << 10) + 100, 1 << 20] {
            let parts = value.in_parts(None, 64, part).expect("encodes");
            assert_eq!(parts.concat(), one, "part {part}");
            if part > 8 << 10 && one.len() > part {
                assert!(parts.len() > 1, "cut at {part}");
                assert!(parts[..parts.len() - 1]
                    .iter()
                    .all(|p| p.len() >= part - (8 << 10)));
            }
            for limit in [0, units / 2, units - 1, units, units + 1, one.len() as u64] {
                assert_eq!(
                    value.in_parts(Some(limit), 64, part).map(|p| p.concat()),
                    whole(value, Some(limit)),
                    "part {part}, limit {limit} of {units} units"
                );
            }
        }
    }
}

/// The encoder's entry points as an object, to run one list of values of different types.
mod erased {
    use super::ser;

    pub(super) trait Value {
        fn with_capacity(&self, limit: Option<u64>, capacity: usize)
            -> Result<Vec<u8>, ser::Error>;
        fn in_parts(
            &self,
            limit: Option<u64>,
            capacity: usize,
            part: usize,
        ) -> Result<Vec<bytes::Bytes>, ser::Error>;
    }

    impl<T: serde::Serialize> Value for T {
        fn with_capacity(
            &self,
            limit: Option<u64>,
            capacity: usize,
        ) -> Result<Vec<u8>, ser::Error> {
            ser::with_capacity(self, limit, capacity)
        }
        fn in_parts(
            &self,
            limit: Option<u64>,
            capacity: usize,
            part: usize,
        ) -> Result<Vec<bytes::Bytes>, ser::Error> {
            ser::in_parts(self, limit, capacity, part)
        }
    }
}
