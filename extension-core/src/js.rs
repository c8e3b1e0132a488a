//! The few JavaScript value semantics the protocol depends on (truthiness, `String(x)`,
//! `Number(x)`), applied to JSON values, and the UTF-16 length used by the size rule.

use serde_json::Value;

/// JavaScript truthiness of a JSON value (`false`, `0`, `""` and `null` are falsy; every
/// object and array is truthy).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Truthiness of an optional member (absent is falsy).
pub fn truthy_opt(value: Option<&Value>) -> bool {
    value.is_some_and(truthy)
}

/// `String(value)` as JavaScript would print it in a template string.
pub fn to_js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => number_to_string(f),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                other => to_js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// `Number(value)`: `NaN` where JavaScript gives `NaN`.
pub fn to_js_number(value: &Value) -> f64 {
    match value {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => string_to_number(s),
        Value::Array(_) => string_to_number(&to_js_string(value)),
        Value::Object(_) => f64::NAN,
    }
}

fn string_to_number(s: &str) -> f64 {
    // JavaScript's white space: Unicode's, less U+0085, plus the byte-order mark.
    let t = s.trim_matches(|c: char| (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    // Digits only (no sign after the prefix), and any length: JavaScript rounds what does
    // not fit in 64 bits instead of failing.
    let radix = |p: &str, r: u32| {
        if p.is_empty() {
            return f64::NAN;
        }
        p.chars()
            .try_fold(0.0, |n: f64, c| {
                c.to_digit(r).map(|d| n * f64::from(r) + f64::from(d))
            })
            .unwrap_or(f64::NAN)
    };
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return radix(h, 16);
    }
    if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        return radix(o, 8);
    }
    if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        return radix(b, 2);
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let decimal = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if decimal {
        t.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// `Number.prototype.toString()` for finite and non-finite numbers.
pub fn number_to_string(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    let abs = f.abs();
    if (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    // Exponent form, `1e+21` / `1.5e-7` as JavaScript writes it.
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
        _ => s,
    }
}

/// Serialises like `JSON.stringify`: numbers as JavaScript prints them (`125450`, not
/// `125450.0`; `1e+21`; `0.000001`), so that the bytes, and the response size, match Node's.
pub fn to_json_vec<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, JsNumbers);
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// serde_json's formatter with JavaScript's number layout for `f64`.
struct JsNumbers;

impl serde_json::ser::Formatter for JsNumbers {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f64) -> std::io::Result<()> {
        let abs = v.abs();
        if v.fract() == 0.0 && abs < 9_007_199_254_740_992.0 {
            // Integral and exact as an i64 (this is also where -0 becomes `0`).
            write!(w, "{}", v as i64)
        } else if (v.fract() == 0.0 && abs < 1e21) || (1e-6..1e-5).contains(&abs) {
            // Where serde_json's shortest form uses another layout than JavaScript.
            w.write_all(number_to_string(v).as_bytes())
        } else {
            serde_json::ser::CompactFormatter.write_f64(w, v)
        }
    }
}

/// Length of a UTF-8 text in UTF-16 code units, as JavaScript's `string.length` counts it.
pub fn utf16_len(bytes: &[u8]) -> usize {
    // Every byte that starts a character counts one unit (all but the continuation bytes,
    // `10xxxxxx`); four-byte characters (outside the basic plane, `11110xxx` first) are
    // surrogate pairs and count one more. Eight bytes at a time: this runs over every
    // response.
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut units = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Bit 7 of each byte: set, with bit 6 clear (continuation); bits 7 to 4 set (four-byte).
        let continuation = w & !(w << 1) & HIGH;
        let four = w & (w << 1) & (w << 2) & (w << 3) & HIGH;
        units += 8 - continuation.count_ones() as usize + four.count_ones() as usize;
    }
    units
        + chunks
            .remainder()
            .iter()
            .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthiness_follows_javascript() {
        for v in [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(-0.0),
            json!(""),
        ] {
            assert!(!truthy(&v), "{v} is falsy");
        }
        for v in [
            json!(true),
            json!(1),
            json!("false"),
            json!("0"),
            json!({}),
            json!([]),
        ] {
            assert!(truthy(&v), "{v} is truthy");
        }
    }

    #[test]
    fn strings_and_numbers_follow_javascript() {
        assert_eq!(to_js_string(&json!(5)), "5");
        assert_eq!(to_js_string(&json!(2.5)), "2.5");
        assert_eq!(to_js_string(&json!(3.0)), "3");
        assert_eq!(to_js_string(&json!(1e21)), "1e+21");
        assert_eq!(to_js_string(&json!([1, null, "a"])), "1,,a");
        assert_eq!(to_js_string(&json!({"a": 1})), "[object Object]");
        assert_eq!(to_js_number(&json!(" 3 ")), 3.0);
        assert_eq!(to_js_number(&json!("0x10")), 16.0);
        assert!(to_js_number(&json!("0x+10")).is_nan() && to_js_number(&json!("0x")).is_nan());
        assert_eq!(to_js_number(&json!("0b101")), 5.0);
        assert_eq!(
            to_js_number(&json!("0x1ffffffffffffffff")),
            36893488147419103000.0
        );
        assert!(to_js_number(&json!("\u{85}1")).is_nan());
        assert_eq!(to_js_number(&json!("\u{feff}\u{a0}7 ")), 7.0);
        assert_eq!(to_js_number(&json!("1e3")), 1000.0);
        assert!(to_js_number(&json!("abc")).is_nan());
        assert_eq!(to_js_number(&json!(true)), 1.0);
        assert_eq!(to_js_number(&json!([5])), 5.0);
        assert!(to_js_number(&json!({})).is_nan());
    }

    #[test]
    fn numbers_serialise_as_javascript_prints_them() {
        let text = |v: Value| String::from_utf8(to_json_vec(&v).unwrap()).unwrap();
        assert_eq!(
            text(json!([
                125450.0, -0.0, 1.5, 1e16, 1e21, 0.000001, 0.0000015, 1e-7, 123.456
            ])),
            "[125450,0,1.5,10000000000000000,1e+21,0.000001,0.0000015,1e-7,123.456]"
        );
        assert_eq!(
            text(json!({"a": 5, "b": -7, "c": 18446744073709551615_u64})),
            r#"{"a":5,"b":-7,"c":18446744073709551615}"#
        );
    }

    #[test]
    fn utf16_units() {
        assert_eq!(utf16_len(br#""abc""#), 5);
        assert_eq!(utf16_len("\"é\"".as_bytes()), 3);
        assert_eq!(utf16_len("\"😀\"".as_bytes()), 4);
        // Every width of character, across the eight-byte steps.
        let text = "aé€😀".repeat(7) + "xyzé😀";
        assert_eq!(utf16_len(text.as_bytes()), text.encode_utf16().count());
    }
}
