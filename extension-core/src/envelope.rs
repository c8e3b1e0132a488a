//! The envelope of a call (protocol sections 1, 6.3.2 and 7.1): which module, group and
//! function, the response limit, and the function options. It is read from JSON text without
//! building a tree of any member: each member is kept as its raw text, and interpreted (with
//! JavaScript's rules) only when the dispatcher asks.

use crate::js;
use bytes::Bytes;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;
use std::ops::Range;

/// JSON text a host received: one valid JSON value, UTF-8, shared without copying.
#[derive(Clone)]
pub struct JsonText {
    bytes: Bytes,
    range: Range<usize>,
}

impl JsonText {
    /// Checks that `bytes` is one JSON value (white space around it allowed).
    pub fn parse(bytes: Bytes) -> Result<JsonText, serde_json::Error> {
        let text = utf8(&bytes)?;
        let raw: &RawValue = serde_json::from_str(text)?;
        let range = span(text, raw.get());
        Ok(JsonText { bytes, range })
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        // Checked in `parse`, or a member of text checked by `Envelope::read`.
        std::str::from_utf8(&self.bytes[self.range.clone()]).unwrap_or("null")
    }

    fn member(bytes: &Bytes, range: Range<usize>) -> JsonText {
        JsonText {
            bytes: bytes.clone(),
            range,
        }
    }
}

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Options carry secrets (`bearerToken`, `connection.encrypted`): never print them.
        write!(f, "JsonText({} bytes)", self.range.len())
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(bytes).map_err(|_| de::Error::custom("the text is not valid UTF-8"))
}

/// Where `inner`, a slice of `outer`, starts and ends in it.
fn span(outer: &str, inner: &str) -> Range<usize> {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    start..start + inner.len()
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
    text: Bytes,
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
        let str_text = utf8(&text)?;
        let mut scan = Scan {
            known: Default::default(),
            also,
            extra: Vec::new(),
        };
        let mut de = serde_json::Deserializer::from_str(str_text);
        (&mut scan).deserialize(&mut de)?;
        de.end()?;
        let to_range = |raw: &str| span(str_text, raw);
        let known = scan.known.map(|m| m.map(|raw| to_range(raw.get())));
        let extra = scan
            .extra
            .into_iter()
            .map(|(name, raw)| (name, to_range(raw.get())))
            .collect();
        let options = known[Known::Options as usize]
            .clone()
            .map(|range| JsonText::member(&text, range));
        Ok(Envelope {
            known,
            extra,
            options,
            text,
        })
    }

    /// The same envelope with these function options (Lambda's event), replacing any
    /// `options` member.
    #[must_use]
    pub fn with_options(mut self, options: Option<JsonText>) -> Self {
        self.options = options;
        self
    }

    fn known(&self, which: Known) -> Option<Member<'_>> {
        let range = self.known[which as usize].clone()?;
        Some(Member::new(&self.text[range]))
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
            .map(|(_, range)| Member::new(&self.text[range.clone()]))
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
    /// Function options read as a member (for their truthiness).
    pub(crate) fn of(text: &'a JsonText) -> Self {
        Member { raw: text.as_str() }
    }

    fn new(bytes: &'a [u8]) -> Self {
        // Ranges come from text checked in `Envelope::read`, cut at token boundaries.
        Member {
            raw: std::str::from_utf8(bytes).unwrap_or("null"),
        }
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
            None => js::to_js_string(&self.value()),
        }
    }

    /// `Number(member)`.
    pub fn to_js_number(&self) -> f64 {
        match self.raw.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => self.raw.parse().unwrap_or(f64::NAN),
            _ => js::to_js_number(&self.value()),
        }
    }
}

impl fmt::Debug for Member<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Member({} bytes)", self.raw.len())
    }
}

/// The one pass over the envelope: members as borrowed raw text, everything else skipped.
struct Scan<'de, 'a> {
    known: [Option<&'de RawValue>; KNOWN.len()],
    also: &'a [&'static str],
    extra: Vec<(&'static str, &'de RawValue)>,
}

impl<'de> DeserializeSeed<'de> for &mut Scan<'de, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Which member a key names.
enum Key {
    Known(Known),
    Also(&'static str),
    Other,
}

struct KeySeed<'a>(&'a [&'static str]);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if let Some((_, known)) = KNOWN.iter().find(|(name, _)| *name == key) {
            return Ok(Key::Known(*known));
        }
        Ok(self
            .0
            .iter()
            .find(|name| **name == key)
            .map_or(Key::Other, |name| Key::Also(name)))
    }
}

impl<'de> Visitor<'de> for &mut Scan<'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed(self.also))? {
            match key {
                Key::Known(which) => self.known[which as usize] = Some(map.next_value()?),
                Key::Also(name) => {
                    let raw = map.next_value()?;
                    self.extra.push((name, raw));
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    // Any other JSON value is an envelope with nothing set, as in Node.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Envelope {
        Envelope::read(Bytes::from(text.to_owned()), &["access_token"]).unwrap()
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
