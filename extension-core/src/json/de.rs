//! Decoding options: a serde `Deserializer` over JSON text already checked by the scan, with
//! JavaScript's reading of the values a JavaScript function would accept (`JSON.parse`, then
//! JavaScript's loose use of what came out):
//!
//! - a number beyond `f64` is infinite, as `JSON.parse` makes it (`1e400`);
//! - an integral float fits an integer (`200.0`), a number fits a string (its text);
//! - `null` stands for an empty object or array where the type wants one (a member that is
//!   not set), and for `None`;
//! - a lone surrogate escape (`"\ud800"`) becomes U+FFFD where a Rust `String` must hold it.
//!
//! A [`Record`](super::Record) is not decoded at all: it keeps its text.

use super::scan::Scanned;
use serde::de::{self, DeserializeSeed, Deserializer as _, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Why options did not decode: serde's message, as serde_json words it (without its position,
/// which means nothing to the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The decode ran out of its budget.
    pub(crate) fn exhausted() -> Self {
        Error(EXHAUSTED.to_owned())
    }

    /// Whether the decode ran out of its budget.
    pub(crate) fn is_exhausted(&self) -> bool {
        self.0 == EXHAUSTED
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

/// The name a [`Record`](super::Record) asks for to receive its text instead of a decoded value.
pub(crate) const RAW: &str = "$extension_core::json::raw";

thread_local! {
    /// The filter of member names ([`super::scan::Noted::names`]) of the record text handed
    /// over last under [`RAW`], for the record to take (serde's data model carries bytes
    /// only); all bits when unknown.
    pub(crate) static RECORD_NAMES: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) };
}

/// The name a record field's element asks for (`crate::isolate`): when the decode isolates
/// records, one that does not fit is skipped, not an error.
pub(crate) const ISOLATED: &str = "$extension_core::json::isolated";

/// An object's members: each name, and its value's byte range.
pub(crate) type MemberList<'t> = Vec<(Cow<'t, str>, std::ops::Range<usize>)>;

/// What the values a decode builds are charged against its budget, in bytes: each element,
/// member name and member value its size in its container (with the growth of vectors and
/// tables), plus estimates of the heap blocks of strings and of free-form objects
/// (`serde_json::Value`'s ordered map), so that the budget bounds memory whatever the shape
/// of the text.
mod cost {
    /// A free-form object (`Value`, a map): its member table's first blocks.
    pub(super) const OBJECT: u64 = 192;
    /// A string, besides its characters: its block's header and rounding.
    pub(super) const STRING: u64 = 24;
    /// A member of a free-form object, besides its name and value: its hash and index, and
    /// the table's growth.
    pub(super) const MEMBER: u64 = 64;

    /// A record that did not fit its type (`crate::isolate`): its error, kept until the
    /// answer is written (path, messages, the error element), so that a page of millions of
    /// tiny misfits is refused rather than answered with millions of errors.
    pub(super) const MISFIT: u64 = 1024;

    /// A value of type `T` held in a container: three times its size, for a vector that
    /// doubles holds the old and the new block while it grows.
    pub(super) const fn slot<T>() -> u64 {
        3 * std::mem::size_of::<T>() as u64
    }
}

/// The message of a decode refused by its budget: the dispatcher words the caller's error.
pub(crate) const EXHAUSTED: &str = "the options would take more memory than their budget";

/// A deserializer over one JSON value of a scanned text.
pub(crate) struct Deserializer<'de> {
    /// The text, as bytes to walk; `str` below, to cut strings from without checking UTF-8
    /// again (cuts fall on ASCII token boundaries, which are character boundaries).
    text: &'de [u8],
    str: &'de str,
    at: usize,
    scanned: &'de Scanned,
    /// Where `text` starts in the scanned document.
    base: usize,
    /// Bytes the decoded values may still take (see [`cost`]).
    budget: u64,
    /// Whether the budget ran out (serde may hide the error itself, in an untagged enum).
    pub(crate) exhausted: bool,
    /// Whether a record that does not fit is skipped (see [`ISOLATED`]).
    pub(crate) isolate: bool,
    /// Whether records are skipped unread (to find an error elsewhere in the options).
    pub(crate) skip_records: bool,
    /// Where in `scanned.ends` the next record's entry may be: a page's records are read in
    /// order, so their entries follow one another.
    next_noted: usize,
}

impl<'de> Deserializer<'de> {
    /// Reads the value at the start of `text`, which starts at `base` in the document
    /// `scanned` describes (and checked).
    /// Values decoded may take `budget` bytes (see [`cost`]); past it the decode fails.
    pub(crate) fn new(text: &'de str, scanned: &'de Scanned, base: usize, budget: u64) -> Self {
        Deserializer {
            text: text.as_bytes(),
            str: text,
            at: 0,
            scanned,
            base,
            budget,
            exhausted: false,
            isolate: false,
            skip_records: false,
            next_noted: 0,
        }
    }

    /// Takes `cost` bytes from the budget, or fails the decode.
    fn charge(&mut self, cost: u64) -> Result<(), Error> {
        match self.budget.checked_sub(cost) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => {
                self.exhausted = true;
                Err(Error::exhausted())
            }
        }
    }

    /// Whether everything but white space was read.
    pub(crate) fn end(&mut self) -> Result<(), Error> {
        self.space();
        if self.at == self.text.len() {
            Ok(())
        } else {
            self.broken()
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// The scan kept the text valid: anything else is a broken promise, reported as an error
    /// rather than a panic.
    fn broken<T>(&self) -> Result<T, Error> {
        Err(Error(format!("malformed JSON at byte {}", self.at)))
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// The members of the object here: each name and its value's range; `None` when the
    /// value here is not an object. The text after it is not read.
    pub(crate) fn members(&mut self) -> Result<Option<MemberList<'de>>, Error> {
        let mut out = Vec::new();
        let object = self.each_member(|name, range| out.push((name, range)))?;
        Ok(object.then_some(out))
    }

    /// Calls `each` with every member of the object here, keeping none: `false` when the
    /// value here is not an object. The text after it is not read.
    pub(crate) fn each_member(
        &mut self,
        mut each: impl FnMut(Cow<'de, str>, std::ops::Range<usize>),
    ) -> Result<bool, Error> {
        self.space();
        if self.peek() != Some(b'{') {
            return Ok(false);
        }
        self.at += 1;
        let mut first = true;
        loop {
            self.space();
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(true);
                }
                Some(b',') if !first => {
                    self.at += 1;
                    self.space();
                }
                Some(b'"') if first => {}
                _ => return self.broken(),
            }
            first = false;
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return self.broken();
            }
            self.at += 1;
            let range = self.skip()?;
            each(key, range);
        }
    }

    /// The first member named `name` of the object here: where its name starts, and its
    /// value's range; `None` when there is none or the value here is not an object.
    pub(crate) fn find(
        &mut self,
        name: &str,
    ) -> Result<Option<(usize, std::ops::Range<usize>)>, Error> {
        self.space();
        if self.peek() != Some(b'{') {
            return Ok(None);
        }
        self.at += 1;
        let mut first = true;
        loop {
            self.space();
            match self.peek() {
                Some(b'}') => return Ok(None),
                Some(b',') if !first => {
                    self.at += 1;
                    self.space();
                }
                Some(b'"') if first => {}
                _ => return self.broken(),
            }
            first = false;
            let start = self.at;
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return self.broken();
            }
            self.at += 1;
            let range = self.skip()?;
            if key == name {
                return Ok(Some((start, range)));
            }
        }
    }

    /// Skips one value; returns its byte range.
    pub(crate) fn skip(&mut self) -> Result<std::ops::Range<usize>, Error> {
        self.space();
        let start = self.at;
        match self.peek() {
            Some(b'"') => {
                self.skip_string()?;
            }
            Some(b'{' | b'[') => {
                // The scan noted where large containers end; small ones are quick to walk.
                let absolute = self.base + start;
                if let Some(end) = self.scanned.end_of(absolute) {
                    self.at = start + (end - absolute);
                } else {
                    let mut depth = 0usize;
                    loop {
                        match self.peek() {
                            Some(b'{' | b'[') => {
                                depth += 1;
                                self.at += 1;
                            }
                            Some(b'}' | b']') => {
                                depth -= 1;
                                self.at += 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Some(b'"') => {
                                self.skip_string()?;
                            }
                            Some(_) => self.at += 1,
                            None => return self.broken(),
                        }
                    }
                }
            }
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.at += 1;
                }
            }
            None => return self.broken(),
        }
        Ok(start..self.at)
    }

    /// Skips a string token; answers whether it has an escape.
    fn skip_string(&mut self) -> Result<bool, Error> {
        match super::scan::string_end(self.text, self.at) {
            Some((end, escaped)) => {
                self.at = end;
                Ok(escaped)
            }
            None => self.broken(),
        }
    }

    /// A string token: borrowed when it has no escape.
    fn string(&mut self) -> Result<Cow<'de, str>, Error> {
        let start = self.at + 1;
        let escaped = self.skip_string()?;
        let Some(text) = self.str.get(start..self.at - 1) else {
            return self.broken();
        };
        if !escaped {
            return Ok(Cow::Borrowed(text));
        }
        Ok(Cow::Owned(unescape(text)))
    }

    /// A number token's text.
    fn number_text(&mut self) -> &'de str {
        let start = self.at;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.str.get(start..self.at).unwrap_or("0")
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            self.broken()
        }
    }

    fn visit_number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let text = self.number_text();
        match number(text) {
            Number::U64(n) => visitor.visit_u64(n),
            Number::I64(n) => visitor.visit_i64(n),
            // `12345.0` and `1e2` are the integers JavaScript holds (and prints): so they are
            // in a `Value` too, where exact.
            Number::F64(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 && f != 0.0 => {
                if f > 0.0 {
                    visitor.visit_u64(f as u64)
                } else {
                    visitor.visit_i64(f as i64)
                }
            }
            Number::F64(f) => visitor.visit_f64(f),
        }
    }

    /// For an integer type: an integral float is the integer it equals (`200.0` → 200).
    fn visit_integer<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        self.space();
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return self.deserialize_any(visitor);
        }
        let text = self.number_text();
        match number(text) {
            Number::U64(n) => visitor.visit_u64(n),
            Number::I64(n) => visitor.visit_i64(n),
            Number::F64(f) if f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) => {
                visitor.visit_u64(f as u64)
            }
            Number::F64(f) if f.fract() == 0.0 && (-9.223372036854776e18..0.0).contains(&f) => {
                visitor.visit_i64(f as i64)
            }
            Number::F64(f) => visitor.visit_f64(f),
        }
    }

    fn is_null(&mut self) -> bool {
        self.space();
        self.text[self.at..].starts_with(b"null")
    }
}

/// A number as JavaScript reads it, kept exact where an integer fits.
enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

fn number(text: &str) -> Number {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(n) = text.parse::<u64>() {
            return Number::U64(n);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Number::I64(n);
        }
    }
    // Correctly rounded, and infinite beyond `f64`, as `JSON.parse`.
    Number::F64(text.parse().unwrap_or(f64::NAN))
}

/// The text of a string token's content with its escapes decoded; a lone surrogate becomes
/// U+FFFD (a Rust string cannot hold one).
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    let bytes = raw.as_bytes();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'u' => {
                let unit = hex4(bytes, i + 2);
                for _ in 0..4 {
                    chars.next();
                }
                let c = if (0xD800..0xDC00).contains(&unit) && raw[i + 6..].starts_with("\\u") {
                    let low = hex4(bytes, i + 8);
                    if (0xDC00..0xE000).contains(&low) {
                        for _ in 0..6 {
                            chars.next();
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        None
                    }
                } else {
                    char::from_u32(unit)
                };
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            other => out.push(other),
        }
    }
    out
}

fn hex4(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0xFFFD)
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.space();
        match self.peek() {
            Some(b'{') => {
                self.charge(cost::OBJECT)?;
                self.at += 1;
                visitor.visit_map(Members {
                    de: self,
                    first: true,
                })
            }
            Some(b'[') => {
                self.at += 1;
                visitor.visit_seq(Elements {
                    de: self,
                    first: true,
                })
            }
            Some(b'"') => {
                let text = self.string()?;
                self.charge(cost::STRING + text.len() as u64)?;
                match text {
                    Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                    Cow::Owned(s) => visitor.visit_string(s),
                }
            }
            Some(b't') => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            Some(b'-' | b'0'..=b'9') => self.visit_number(visitor),
            _ => self.broken(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            self.at += 4;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == RAW {
            // A record keeps its text: it is handed over whole, with whether it is what
            // `JSON.stringify` writes, for the record to echo it, and the filter of its
            // names when the scan noted it.
            self.space();
            let start = self.at;
            let noted = match self.peek() {
                Some(b'{') => self
                    .scanned
                    .noted_from(self.base + start, &mut self.next_noted)
                    .copied(),
                _ => None,
            };
            let range = match noted {
                Some(noted) => {
                    self.at = start + (noted.end as usize - (self.base + start));
                    start..self.at
                }
                None => self.skip()?,
            };
            RECORD_NAMES.set(noted.map_or(u64::MAX, |n| n.names));
            let canonical = self
                .scanned
                .canonical(self.base + range.start..self.base + range.end);
            let Some(text) = self.str.get(range) else {
                return self.broken();
            };
            return visitor.visit_newtype_struct(RawText { text, canonical });
        }
        if name == ISOLATED && self.skip_records {
            self.skip()?;
            return visitor.visit_unit();
        }
        if name == ISOLATED && self.isolate {
            self.space();
            let start = self.at;
            let value = visitor.visit_newtype_struct(&mut *self)?;
            if crate::isolate::unfit() {
                // A record that did not fit, its error kept: on past it, from where it began.
                if self.exhausted {
                    return Err(Error::exhausted());
                }
                self.charge(cost::MISFIT)?;
                self.at = start;
                let range = self.skip()?;
                let Some(text) = self.str.get(range) else {
                    return self.broken();
                };
                let text = super::shared_slice(text.as_bytes())
                    .map(|(bytes, _)| bytes)
                    .unwrap_or_else(|| bytes::Bytes::copy_from_slice(text.as_bytes()));
                crate::isolate::skipped(text, self.budget);
            }
            return Ok(value);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.space();
        // A number where a string is wanted is its text, as JavaScript's `String(n)` of a
        // number `JSON.parse` read (for ids that are numbers on the wire).
        if let Some(b'-' | b'0'..=b'9') = self.peek() {
            let text = self.number_text();
            self.charge(cost::STRING + text.len() as u64)?;
            return match number(text) {
                Number::F64(f) => visitor.visit_string(crate::js::number_to_string(f)),
                _ => visitor.visit_borrowed_str(text),
            };
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            self.at += 4;
            return visitor.visit_seq(Empty);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            self.at += 4;
            return visitor.visit_map(Empty);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.is_null() {
            self.at += 4;
            return visitor.visit_map(Empty);
        }
        self.space();
        if self.peek() != Some(b'{') {
            return self.deserialize_any(visitor);
        }
        // A struct's fields live in it: no member table to charge.
        self.at += 1;
        visitor.visit_map(Members {
            de: self,
            first: true,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.space();
        match self.peek() {
            Some(b'"') => {
                let variant = self.string()?;
                visitor.visit_enum(variant.into_deserializer())
            }
            Some(b'{') => {
                self.at += 1;
                visitor.visit_enum(Variant { de: self })
            }
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other("a value"),
                &"a string or an object",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skip()?;
        visitor.visit_unit()
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_integer(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

/// The members of an object, after its `{`.
struct Members<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Members<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        self.de.space();
        match self.de.peek() {
            Some(b'}') => {
                self.de.at += 1;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                self.de.at += 1;
                self.de.space();
            }
            Some(b'"') if self.first => {}
            _ => return self.de.broken(),
        }
        self.first = false;
        let key = self.de.string()?;
        self.de.charge(cost::MEMBER + cost::slot::<K::Value>())?;
        self.de.space();
        if self.de.peek() != Some(b':') {
            return self.de.broken();
        }
        self.de.at += 1;
        let key: de::value::CowStrDeserializer<'de, Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.de.charge(cost::slot::<V::Value>())?;
        seed.deserialize(&mut *self.de)
    }
}

/// The elements of an array, after its `[`.
struct Elements<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.de.space();
        match self.de.peek() {
            Some(b']') => {
                self.de.at += 1;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                self.de.at += 1;
            }
            Some(_) if self.first => {}
            _ => return self.de.broken(),
        }
        self.first = false;
        self.de.charge(cost::slot::<T::Value>())?;
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// `null` read as an empty object or array.
struct Empty;

impl<'de> de::SeqAccess<'de> for Empty {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _: T,
    ) -> Result<Option<T::Value>, Error> {
        Ok(None)
    }
}

impl<'de> de::MapAccess<'de> for Empty {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, Error> {
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("no value"))
    }
}

/// An enum written `{"variant": value}`, after its `{`.
struct Variant<'a, 'de> {
    de: &'a mut Deserializer<'de>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        self.de.space();
        let key = self.de.string()?;
        self.de.space();
        if self.de.peek() != Some(b':') {
            return self.de.broken();
        }
        self.de.at += 1;
        let key: de::value::CowStrDeserializer<'de, Error> = key.into_deserializer();
        Ok((seed.deserialize(key)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        <() as de::Deserialize>::deserialize(&mut *self.de)?;
        self.end()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let value = seed.deserialize(&mut *self.de)?;
        self.end()?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let value = self.de.deserialize_seq(visitor)?;
        self.end()?;
        Ok(value)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let value = self.de.deserialize_map(visitor)?;
        self.end()?;
        Ok(value)
    }
}

impl Variant<'_, '_> {
    fn end(self) -> Result<(), Error> {
        self.de.space();
        if self.de.peek() == Some(b'}') {
            self.de.at += 1;
            Ok(())
        } else {
            Err(de::Error::custom("an enum object must have one member"))
        }
    }
}

/// A record's text, handed to [`Record`](super::Record)'s visitor as bytes (JSON has none,
/// so no other deserializer gives them): borrowed when it is what `JSON.stringify` writes (the
/// record echoes it as is), transient when it is not (the record rewrites it on the way out).
pub(crate) struct RawText<'de> {
    pub(crate) text: &'de str,
    pub(crate) canonical: bool,
}

impl<'de> de::Deserializer<'de> for RawText<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.canonical {
            visitor.visit_borrowed_bytes(self.text.as_bytes())
        } else {
            visitor.visit_bytes(self.text.as_bytes())
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}
