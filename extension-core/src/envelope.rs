//! The envelope of a call (protocol sections 1, 6.3.2 and 7.1): which module, group and
//! function, the response limit, and the function options. It is read from JSON text without
//! building a tree of any member: each member is kept as its raw text, and interpreted (with
//! JavaScript's rules) only when the dispatcher asks.

use crate::js;
use crate::json::{self, Document};
use bytes::Bytes;
use serde::de::{self, DeserializeOwned, IgnoredAny};
use serde_json::Value;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// JSON text a host received: one valid JSON value, UTF-8, checked once and shared without
/// copying.
#[derive(Clone)]
pub struct JsonText {
    doc: Arc<Document>,
    range: Range<usize>,
}

impl JsonText {
    /// Checks that `bytes` is one JSON value (white space around it allowed).
    pub fn parse(bytes: Bytes) -> Result<JsonText, serde_json::Error> {
        let doc = scan(bytes)?;
        let text = doc.text().as_bytes();
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let end = text
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(start, |i| i + 1);
        Ok(JsonText {
            range: start..end,
            doc,
        })
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        // Cut at token boundaries, which are character boundaries.
        self.doc.text().get(self.range.clone()).unwrap_or("null")
    }

    /// Decodes the text as `T`, with JavaScript's reading of values (see `json::de`); the
    /// values built may take about `budget` bytes.
    pub(crate) fn decode<T: DeserializeOwned>(&self, budget: u64) -> Result<T, json::de::Error> {
        json::decode(&self.doc, self.range.clone(), budget, false).map(|(value, _)| value)
    }

    /// Decodes as [`decode`](Self::decode) does, a record that does not fit its type skipped
    /// and answered among the misfits.
    pub(crate) fn decode_isolating<T: DeserializeOwned>(
        &self,
        budget: u64,
    ) -> Result<(T, Vec<crate::isolate::Misfit>), json::de::Error> {
        json::decode(&self.doc, self.range.clone(), budget, true)
    }

    /// Where the text does not fit `T`: the path and serde's message.
    pub(crate) fn misfit<T: DeserializeOwned>(
        &self,
        budget: u64,
        isolate: bool,
    ) -> (String, String) {
        json::decode_path::<T>(&self.doc, self.range.clone(), budget, isolate)
    }
}

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Options carry secrets (`bearerToken`, `connection.encrypted`): never print them.
        write!(f, "JsonText({} bytes)", self.range.len())
    }
}

/// Scans a text; when it is not JSON, serde_json says why, in the words callers know.
fn scan(bytes: Bytes) -> Result<Arc<Document>, serde_json::Error> {
    Document::scan(bytes.clone()).map_err(|e| {
        if std::str::from_utf8(&bytes).is_err() {
            return de::Error::custom("the text is not valid UTF-8");
        }
        match serde_json::from_slice::<IgnoredAny>(&bytes) {
            Err(described) => described,
            Ok(_) => de::Error::custom(format!("{} at byte {}", e.message, e.offset)),
        }
    })
}

/// The members of the envelope the protocol defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    Diy,
    ConnectorId,
    Type,
    Function,
    MaxResponseSize,
    Options,
}

const KNOWN: [(&str, Known); 6] = [
    ("diy", Known::Diy),
    ("_connectorId", Known::ConnectorId),
    ("type", Known::Type),
    ("function", Known::Function),
    ("maxResponseSize", Known::MaxResponseSize),
    ("options", Known::Options),
];

/// The envelope of one call. Members are kept as raw JSON text; a host adds the function
/// options with [`Envelope::with_options`] when they do not travel inside it (Lambda).
#[derive(Clone, Default)]
pub struct Envelope {
    doc: Option<Arc<Document>>,
    known: [Option<Range<usize>>; KNOWN.len()],
    /// Members a host asked for by name (transport members such as `access_token`).
    extra: Vec<(&'static str, Range<usize>)>,
    options: Option<JsonText>,
}

impl Envelope {
    /// Reads an envelope from JSON text: an object's members (the last one wins when a name
    /// repeats, as with `JSON.parse`), or nothing when the text is another JSON value. `also`
    /// names members a host wants besides the protocol's (read them with
    /// [`Envelope::member`]); the dispatcher never sees them.
    pub fn read(text: Bytes, also: &[&'static str]) -> Result<Envelope, serde_json::Error> {
        let doc = scan(text)?;
        let mut known: [Option<Range<usize>>; KNOWN.len()] = Default::default();
        let mut extra = Vec::new();
        json::each_member(doc.text(), &doc.scanned, |name, range| {
            if let Some((_, which)) = KNOWN.iter().find(|(n, _)| *n == name) {
                known[*which as usize] = Some(range);
            } else if let Some(name) = also.iter().find(|n| **n == name) {
                // Only the last of a name counts (`JSON.parse`): keep one per name.
                extra.retain(|(n, _)| n != name);
                extra.push((*name, range));
            }
        })
        .map_err(<serde_json::Error as de::Error>::custom)?;
        let options = known[Known::Options as usize]
            .clone()
            .map(|range| JsonText {
                doc: Arc::clone(&doc),
                range,
            });
        Ok(Envelope {
            doc: Some(doc),
            known,
            extra,
            options,
        })
    }

    /// The same envelope with these function options (Lambda's event), replacing any
    /// `options` member.
    #[must_use]
    pub fn with_options(mut self, options: Option<JsonText>) -> Self {
        self.options = options;
        self
    }

    fn text(&self, range: &Range<usize>) -> Member<'_> {
        let raw = self.doc.as_ref().and_then(|d| d.text().get(range.clone()));
        Member {
            raw: raw.unwrap_or("null"),
        }
    }

    fn known(&self, which: Known) -> Option<Member<'_>> {
        let range = self.known[which as usize].as_ref()?;
        Some(self.text(range))
    }

    /// `diy`.
    pub fn diy(&self) -> Option<Member<'_>> {
        self.known(Known::Diy)
    }

    /// `_connectorId`.
    pub fn connector_id(&self) -> Option<Member<'_>> {
        self.known(Known::ConnectorId)
    }

    /// `type`: the group, absent for flat requests.
    pub fn type_(&self) -> Option<Member<'_>> {
        self.known(Known::Type)
    }

    /// `function`: the function's wire name.
    pub fn function(&self) -> Option<Member<'_>> {
        self.known(Known::Function)
    }

    /// `maxResponseSize`.
    pub fn max_response_size(&self) -> Option<Member<'_>> {
        self.known(Known::MaxResponseSize)
    }

    /// The function options.
    pub fn options(&self) -> Option<&JsonText> {
        self.options.as_ref()
    }

    /// A member named in `also` when the envelope was read.
    pub fn member(&self, name: &str) -> Option<Member<'_>> {
        self.extra
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, range)| self.text(range))
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |m: Option<Member<'_>>| m.map(|m| m.raw().len());
        f.debug_struct("Envelope")
            .field("function_bytes", &shown(self.function()))
            .field("type_bytes", &shown(self.type_()))
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// One member of the envelope as raw JSON text, read with JavaScript's rules on demand.
#[derive(Clone, Copy)]
pub struct Member<'a> {
    raw: &'a str,
}

impl<'a> Member<'a> {
    /// A member from its JSON text (checked before).
    pub(crate) fn from_raw(raw: &'a str) -> Self {
        Member { raw }
    }

    /// Function options read as a member (for their truthiness).
    pub(crate) fn of(text: &'a JsonText) -> Self {
        Member { raw: text.as_str() }
    }

    /// The member's JSON text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// JavaScript truthiness, without parsing objects and arrays (always truthy).
    pub fn truthy(&self) -> bool {
        match self.raw.as_bytes().first() {
            Some(b'{' | b'[') => true,
            Some(b'"') => self.raw.len() > 2,
            Some(b't') => true,
            Some(b'f' | b'n') | None => false,
            // A JSON number is also Rust's float syntax; `1e400` is infinite, so truthy.
            Some(_) => self.raw.parse::<f64>().is_ok_and(|n| n != 0.0),
        }
    }

    /// The string, when the member is a JSON string.
    pub fn as_str(&self) -> Option<std::borrow::Cow<'a, str>> {
        if !self.raw.starts_with('"') {
            return None;
        }
        match serde_json::from_str::<&str>(self.raw) {
            Ok(s) => Some(s.into()),
            // Escapes need a copy.
            Err(_) => serde_json::from_str::<String>(self.raw)
                .ok()
                .map(Into::into),
        }
    }

    /// The member as a JSON value (numbers beyond `f64` become `null`).
    pub fn value(&self) -> Value {
        serde_json::from_str(self.raw).unwrap_or(Value::Null)
    }

    /// `String(member)` as JavaScript prints it in a template string.
    pub fn to_js_string(&self) -> String {
        match self.as_str() {
            Some(s) => s.into_owned(),
            // A member that should be a string but is a large object or array is not built
            // into a tree to be printed (it could be 50 MB of tiny values): JavaScript prints
            // any object as this, and such an array names nothing either.
            None if self.too_large_to_read() => "[object Object]".to_owned(),
            None => js::to_js_string(&self.value()),
        }
    }

    /// `Number(member)`.
    pub fn to_js_number(&self) -> f64 {
        match self.raw.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => self.raw.parse().unwrap_or(f64::NAN),
            // `Number` of an object, or of an array of more than one element, is NaN.
            _ if self.too_large_to_read() => f64::NAN,
            _ => js::to_js_number(&self.value()),
        }
    }

    /// Whether the member is an object or array too large to read for its string or number.
    fn too_large_to_read(&self) -> bool {
        const LARGEST: usize = 4096;
        self.raw.len() > LARGEST && matches!(self.raw.as_bytes().first(), Some(b'{' | b'['))
    }
}

impl fmt::Debug for Member<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Member({} bytes)", self.raw.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Envelope {
        Envelope::read(Bytes::from(text.to_owned()), &["access_token"]).unwrap()
    }

    #[test]
    fn members_that_should_be_scalars_are_not_built_into_trees_when_large() {
        let zeros = format!("[{}]", vec!["0"; 100_000].join(","));
        let e = read(&format!(
            r#"{{"type":{zeros},"_connectorId":{{"a":{zeros}}},"maxResponseSize":{zeros}}}"#
        ));
        assert_eq!(e.type_().unwrap().to_js_string(), "[object Object]");
        assert_eq!(e.connector_id().unwrap().to_js_string(), "[object Object]");
        assert!(e.max_response_size().unwrap().to_js_number().is_nan());
        // Small ones read as JavaScript reads them.
        let e = read(r#"{"type":["hook"],"maxResponseSize":[12]}"#);
        assert_eq!(e.type_().unwrap().to_js_string(), "hook");
        assert_eq!(e.max_response_size().unwrap().to_js_number(), 12.0);
    }

    #[test]
    fn members_are_raw_text_and_the_last_one_wins() {
        let e = read(
            r#"{"function":"a","diy":true,"options":{"x":[1,2]},"function":"b","access_token":"t","other":[{}]}"#,
        );
        assert_eq!(e.function().unwrap().as_str().unwrap(), "b");
        assert!(e.diy().unwrap().truthy());
        assert_eq!(e.options().unwrap().as_str(), r#"{"x":[1,2]}"#);
        assert_eq!(e.member("access_token").unwrap().raw(), r#""t""#);
        assert!(e.type_().is_none() && e.member("other").is_none());
        let e = read("[1, {\"function\": \"x\"}]");
        assert!(e.function().is_none() && e.options().is_none());
        assert!(Envelope::read(Bytes::from_static(b"{\"a\":"), &[]).is_err());
        assert!(Envelope::read(Bytes::from_static(b"{} x"), &[]).is_err());
    }

    #[test]
    fn truthiness_and_conversions_follow_javascript() {
        let member = |raw: &'static str| Member { raw };
        for falsy in ["false", "null", "0", "-0", "0.0", "\"\"", "0e10"] {
            assert!(!member(falsy).truthy(), "{falsy}");
        }
        for truthy in [
            "true",
            "1",
            "-1e-300",
            "1e400",
            "\"0\"",
            "\"\\u0000\"",
            "[]",
            "{}",
        ] {
            assert!(member(truthy).truthy(), "{truthy}");
        }
        assert_eq!(member(r#""a\"b""#).as_str().unwrap(), "a\"b");
        assert_eq!(member("[1,null,\"a\"]").to_js_string(), "1,,a");
        assert_eq!(member("3.0").to_js_string(), "3");
        assert_eq!(member("\" 7 \"").to_js_number(), 7.0);
        assert_eq!(member("1e400").to_js_number(), f64::INFINITY);
    }
}
