//! Export times (`lastExportDateTime`, `currentExportDateTime`), [protocol](crate::protocol) section 3.5.
//!
//! The Node host turns these into JavaScript `Date` objects before the function runs. Here
//! typed options carry an [`ExportTime`]: an instant with millisecond precision (what a `Date`
//! holds), parsed from the same inputs, and written back as the canonical
//! `YYYY-MM-DDTHH:mm:ss.sssZ` text that `JSON.stringify` gives a `Date`. Differences from Node,
//! on purpose:
//! - date-times without an offset are read as UTC (Node reads them in the host's local time
//!   zone, which is UTC on Lambda and in typical containers), so a result never depends on
//!   the host's clock settings;
//! - a value that is no date at all (`"garbage"`, `{}`) is a 422 naming the field instead of a
//!   silent *Invalid Date*;
//! - falsy values (`""`, `0`, `false`, `null`) and absence are `None`, as Node leaves them
//!   unconverted;
//! - untyped (raw JSON) functions get the values exactly as sent; [`ExportTime::from_json`]
//!   converts one on demand. Echoing options back therefore works, where Node fails it with
//!   `invalid_extension_response`.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest distance from the epoch a JavaScript `Date` can hold (±100 000 000 days).
const MAX_MILLIS: i64 = 8_640_000_000_000_000;
const DAY_MILLIS: i64 = 86_400_000;

/// An instant sent as an export time: milliseconds since the Unix epoch, in UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExportTime {
    millis: i64,
}

impl ExportTime {
    /// The instant `millis` milliseconds after the epoch, if a `Date` can hold it.
    pub fn from_millis(millis: i64) -> Option<Self> {
        (-MAX_MILLIS..=MAX_MILLIS)
            .contains(&millis)
            .then_some(ExportTime { millis })
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn millis(self) -> i64 {
        self.millis
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let d = Duration::from_millis(self.millis.unsigned_abs());
        if self.millis >= 0 {
            UNIX_EPOCH + d
        } else {
            UNIX_EPOCH - d
        }
    }

    /// Parses an ISO-8601 date or date-time (`2020-01-01`, `2020-01-01T10:00:00.123Z`,
    /// `2020-01-01T10:00:00+02:00`, `2020-01-01 10:00`); no offset means UTC.
    pub fn parse(text: &str) -> Option<Self> {
        parse_iso(text.trim()).and_then(Self::from_millis)
    }

    /// Applies section 3.5 to a JSON value: `Ok(None)` for falsy values, an instant for
    /// date strings and epoch-millisecond numbers, an error text for anything else.
    pub fn from_json(value: &Value) -> Result<Option<Self>, String> {
        // The typed fields' rules, so that both readings of section 3.5 agree.
        deserialize_optional(value).map_err(|e| e.to_string())
    }

    /// The canonical text `YYYY-MM-DDTHH:mm:ss.sssZ` (what `Date.prototype.toISOString` gives).
    pub fn to_iso_string(self) -> String {
        let days = self.millis.div_euclid(DAY_MILLIS);
        let ms = self.millis.rem_euclid(DAY_MILLIS);
        let (y, m, d) = civil_from_days(days);
        let year = if (0..=9999).contains(&y) {
            format!("{y:04}")
        } else {
            format!("{}{:06}", if y < 0 { '-' } else { '+' }, y.abs())
        };
        format!(
            "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    }
}

fn invalid(s: &str) -> String {
    format!("expected an ISO-8601 date-time or epoch milliseconds, found {s:?}")
}

fn from_float_millis(f: f64) -> Option<ExportTime> {
    // A `Date` truncates fractional milliseconds towards zero (TimeClip).
    (f.is_finite() && f.abs() <= MAX_MILLIS as f64)
        .then(|| ExportTime::from_millis(f.trunc() as i64))
        .flatten()
}

impl fmt::Display for ExportTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso_string())
    }
}

impl fmt::Debug for ExportTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExportTime({})", self.to_iso_string())
    }
}

impl Serialize for ExportTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ExportTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserialize_optional(deserializer)? {
            Some(t) => Ok(t),
            None => Err(de::Error::custom(
                "expected an ISO-8601 date-time or epoch milliseconds, found an empty value",
            )),
        }
    }
}

/// `deserialize_with` for `Option<ExportTime>` fields: falsy values become `None` (3.5).
pub(crate) fn deserialize_optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<ExportTime>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<ExportTime>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an ISO-8601 date-time or epoch milliseconds")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            deserialize_optional(d)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v {
                Err(E::invalid_type(de::Unexpected::Bool(v), &self))
            } else {
                Ok(None)
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            if v == 0 {
                return Ok(None);
            }
            ExportTime::from_millis(v)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("{v} is out of the range of a date")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map_err(|_| E::custom(format_args!("{v} is out of the range of a date")))
                .and_then(|v| self.visit_i64(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v == 0.0 {
                return Ok(None);
            }
            from_float_millis(v)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("{v} is out of the range of a date")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.is_empty() {
                return Ok(None);
            }
            ExportTime::parse(v)
                .map(Some)
                .ok_or_else(|| E::custom(invalid(v)))
        }
    }
    deserializer.deserialize_any(V)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A cursor over ASCII text, for the small grammar below.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let part = self.s.get(self.i..self.i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(part.iter().fold(0, |acc, b| acc * 10 + i64::from(b - b'0')))
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.s.get(self.i) == Some(&c);
        self.i += usize::from(hit);
        hit
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn parse_iso(text: &str) -> Option<i64> {
    let mut c = Cursor {
        s: text.as_bytes(),
        i: 0,
    };
    let year = match c.peek()? {
        b'+' | b'-' => {
            let neg = c.eat(b'-');
            if !neg {
                c.eat(b'+');
            }
            let y = c.digits(6)?;
            if neg && y == 0 {
                return None;
            }
            if neg {
                -y
            } else {
                y
            }
        }
        _ => c.digits(4)?,
    };
    let (mut month, mut day) = (1, 1);
    if c.eat(b'-') {
        month = u32::try_from(c.digits(2)?).ok()?;
        if c.eat(b'-') {
            day = u32::try_from(c.digits(2)?).ok()?;
        }
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * DAY_MILLIS;
    if c.done() {
        return Some(millis);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let mut second = 0;
    let mut fraction = 0;
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                if c.i - start < 3 {
                    fraction = fraction * 10 + i64::from(c.s[c.i] - b'0');
                }
                c.i += 1;
            }
            let len = c.i - start;
            if len == 0 {
                return None;
            }
            for _ in len..3 {
                fraction *= 10;
            }
        }
    }
    let valid_time = (hour < 24 && minute < 60 && second < 60)
        || (hour == 24 && minute == 0 && second == 0 && fraction == 0);
    if !valid_time {
        return None;
    }
    millis += ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
    if c.done() || c.eat(b'Z') || c.eat(b'z') {
        return c.done().then_some(millis);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let oh = c.digits(2)?;
    let om = if c.done() {
        0
    } else {
        c.eat(b':');
        c.digits(2)?
    };
    if !c.done() || oh > 23 || om > 59 {
        return None;
    }
    Some(millis - sign * (oh * 60 + om) * 60_000)
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ExportTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExportTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // What `deserialize_optional` accepts: section 3.5's inputs, and its falsy values.
        schemars::json_schema!({
            "description": "ISO-8601 date or date-time (no offset means UTC), or epoch milliseconds; falsy values (\"\", 0, false, null) mean none",
            "anyOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "null"},
                {"const": false}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn iso(s: &str) -> String {
        ExportTime::parse(s).expect(s).to_iso_string()
    }

    #[test]
    fn parses_the_forms_section_3_5_names() {
        assert_eq!(iso("2020-01-01"), "2020-01-01T00:00:00.000Z");
        assert_eq!(iso("2020-01-01T10:20:30.456Z"), "2020-01-01T10:20:30.456Z");
        assert_eq!(iso("2020-01-01T10:20:30+02:00"), "2020-01-01T08:20:30.000Z");
        assert_eq!(iso("2020-01-01T00:30-0130"), "2020-01-01T02:00:00.000Z");
        assert_eq!(iso("2020-01-01 10:20"), "2020-01-01T10:20:00.000Z");
        assert_eq!(iso("2020-02-29T23:59:59.9999Z"), "2020-02-29T23:59:59.999Z");
        assert_eq!(iso("1969-12-31T23:59:59.999Z"), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            iso("+275760-09-13T00:00:00Z"),
            "+275760-09-13T00:00:00.000Z"
        );
        assert_eq!(
            ExportTime::parse("2020-01-01T00:00:00Z").unwrap().millis(),
            1_577_836_800_000
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for s in [
            "garbage",
            "2019-02-29",
            "2020-13-01",
            "2020-01-01T25:00",
            "2020-01-01T10",
            "2020-01-01Z1",
        ] {
            assert!(ExportTime::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn json_values_per_section_3_5() {
        assert_eq!(ExportTime::from_json(&json!("")), Ok(None));
        assert_eq!(ExportTime::from_json(&json!(0)), Ok(None));
        assert_eq!(ExportTime::from_json(&json!(null)), Ok(None));
        let t = ExportTime::from_json(&json!(1_577_836_800_000_i64))
            .unwrap()
            .unwrap();
        assert_eq!(t.to_iso_string(), "2020-01-01T00:00:00.000Z");
        assert!(ExportTime::from_json(&json!("garbage")).is_err());
        assert!(ExportTime::from_json(&json!({})).is_err());
    }

    #[test]
    fn round_trips_through_days() {
        for days in [-719_468, -1, 0, 1, 18_262, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
