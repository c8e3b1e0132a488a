//! [`Record`]: a record as its text, decoded member by member when a function touches it.

use super::scan::Scanned;
use super::{de, ser};
use bytes::Bytes;
use serde::de::{self as sde, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::ops::{Index, IndexMut, Range};
use std::sync::OnceLock;

/// A record of a page, as `JSON.parse` would give it to a JavaScript function and
/// `JSON.stringify` would send it back, at the cost of what the function touches.
///
/// It keeps the text the record came as. A member is decoded (into a `serde_json::Value`) the
/// first time it is read, and only that member; members never touched go back as their own
/// text, in their own order, and a record never touched goes back as one copy of its bytes.
/// Use it as you would a JSON object:
///
/// ```
/// use extension_core::prelude::*;
///
/// let mut record = Record::from(json!({"name": "ada", "total": 12.5}));
/// if let Some(Value::String(name)) = record.get_mut("name") {
///     *name = name.to_uppercase();
/// }
/// record.insert("processed", true);
/// record["total"] = json!(13);
/// assert_eq!(record["name"], "ADA");
/// assert_eq!(record.to_string(), r#"{"name":"ADA","total":13,"processed":true}"#);
/// ```
///
/// What goes back is what `JSON.stringify` writes: numbers as JavaScript prints them
/// (`12345.0` comes back `12345`), its escapes, one member per name (the last value, at the
/// first place, as `JSON.parse` keeps it). A record that is not an object (a JSON array or
/// scalar, which integrator.io does not send in pages) is kept as a `Value`: reading a member
/// of it gives `None`.
#[derive(Clone, Default)]
pub struct Record {
    /// The text the record came as (an object), empty for a record built in Rust.
    text: Bytes,
    /// Whether `text` is what `JSON.stringify` writes for the record.
    canonical: bool,
    /// Whether a name may be given twice in `text` (the scan says when not: then reading the
    /// members looks for none).
    repeats: bool,
    /// The members, read from `text` on first use.
    members: OnceLock<Vec<Slot>>,
    /// Whether a member was handed out mutably, added or removed: then the record is written
    /// member by member.
    edited: bool,
    /// A record that is not an object.
    other: Option<Box<Value>>,
}

#[derive(Clone)]
struct Slot {
    name: Name,
    /// The value's text in the record's, while it stands for the value.
    raw: Option<Range<u32>>,
    /// The value, once decoded (or set).
    value: OnceLock<Value>,
}

/// A member's name: where it is in the record's text (no escape in it, the common case: no
/// allocation), or its own text.
#[derive(Clone)]
enum Name {
    Text(u32, u32),
    Owned(Box<str>),
}

impl Name {
    fn get<'a>(&'a self, text: &'a Bytes) -> &'a str {
        match self {
            Name::Text(start, end) => range_of(text, &(*start..*end)),
            Name::Owned(name) => name,
        }
    }
}

impl Slot {
    fn set(name: String, value: Value) -> Slot {
        Slot {
            name: Name::Owned(name.into_boxed_str()),
            raw: None,
            value: OnceLock::from(value),
        }
    }
}

/// An empty scan: a record's text is read without the document's tables (they are small).
static UNSCANNED: Scanned = Scanned {
    values: 0,
    depth: 0,
    noncanonical: None,
    ends: Vec::new(),
    repeated: false,
};

static NULL: Value = Value::Null;

/// A record's text as a string.
fn text_of(text: &Bytes) -> &str {
    // SAFETY: a record's text comes only through `Record::from_text`, whose callers pass
    // text a scan checked (UTF-8 included), and `Bytes` never changes its contents.
    unsafe { std::str::from_utf8_unchecked(text) }
}

/// The text of a member's value, cut from a record's text.
fn range_of<'t>(text: &'t Bytes, range: &Range<u32>) -> &'t str {
    text_of(text)
        .get(range.start as usize..range.end as usize)
        .unwrap_or("null")
}

/// Decodes checked JSON text as a `Value`, with JavaScript's reading of numbers.
pub(crate) fn decode_value(text: &str) -> Value {
    let mut de = de::Deserializer::new(text, &UNSCANNED, 0);
    // The text was checked by the scan; `null` is what a broken promise reads as.
    Value::deserialize(&mut de).unwrap_or(Value::Null)
}

impl Record {
    /// An empty record: `{}`.
    pub fn new() -> Self {
        Record::default()
    }

    /// A record from text checked by a scan: `canonical` when it is what `JSON.stringify`
    /// writes. The only way text gets into a record.
    fn from_text(text: Bytes, canonical: bool, repeats: bool) -> Self {
        if text.first() == Some(&b'{') {
            Record {
                text,
                canonical,
                repeats,
                ..Record::default()
            }
        } else {
            Record {
                other: Some(Box::new(decode_value(text_of(&text)))),
                ..Record::default()
            }
        }
    }

    /// The record's text.
    fn text(&self) -> &str {
        text_of(&self.text)
    }

    /// The text of a member's value.
    fn raw_text(&self, range: &Range<u32>) -> &str {
        self.text()
            .get(range.start as usize..range.end as usize)
            .unwrap_or("null")
    }

    fn slots(&self) -> &[Slot] {
        self.members.get_or_init(|| self.read_members())
    }

    fn slots_mut(&mut self) -> &mut Vec<Slot> {
        self.slots();
        self.edited = true;
        self.members
            .get_mut()
            .expect("the members were read just above")
    }

    /// The members of the text: names decoded, values as ranges; a name given twice keeps
    /// its first place and its last value, as `JSON.parse` does.
    fn read_members(&self) -> Vec<Slot> {
        if self.text.is_empty() {
            return Vec::new();
        }
        let members = match super::members(self.text(), &UNSCANNED, 0) {
            Ok(Some(members)) => members,
            _ => return Vec::new(),
        };
        let mut slots: Vec<Slot> = Vec::with_capacity(members.len());
        let mut index: Option<std::collections::HashMap<std::borrow::Cow<'_, str>, usize>> = None;
        let whole = self.text().as_ptr() as usize;
        for (name, range) in members {
            let raw = Some(range.start as u32..range.end as u32);
            // A linear search while the record is small; a map once it is not, so that a
            // record of many members costs linear time.
            if self.repeats && slots.len() == 32 && index.is_none() {
                index = Some(
                    slots
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (s.name.get(&self.text).to_owned().into(), i))
                        .collect(),
                );
            }
            let found = match &mut index {
                Some(index) => match index.get(&name) {
                    Some(&i) => Some(i),
                    None => {
                        index.insert(name.clone(), slots.len());
                        None
                    }
                },
                None if self.repeats => slots.iter().position(|s| s.name.get(&self.text) == name),
                None => None,
            };
            match found {
                Some(i) => slots[i].raw = raw,
                None => {
                    let name = match name {
                        std::borrow::Cow::Borrowed(text) => {
                            let start = (text.as_ptr() as usize - whole) as u32;
                            Name::Text(start, start + text.len() as u32)
                        }
                        std::borrow::Cow::Owned(text) => Name::Owned(text.into_boxed_str()),
                    };
                    slots.push(Slot {
                        name,
                        raw,
                        value: OnceLock::new(),
                    });
                }
            }
        }
        slots
    }

    fn value_of<'a>(&'a self, slot: &'a Slot) -> &'a Value {
        slot.value.get_or_init(|| match &slot.raw {
            Some(r) => decode_value(self.raw_text(r)),
            None => Value::Null,
        })
    }

    /// The member `name`, decoded on first read.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if let Some(other) = &self.other {
            return other.get(name);
        }
        let slot = self
            .slots()
            .iter()
            .find(|s| s.name.get(&self.text) == name)?;
        Some(self.value_of(slot))
    }

    /// The member `name`, to change it in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        if self.other.is_some() {
            return self.other.as_deref_mut().and_then(|o| o.get_mut(name));
        }
        let text = self.text.clone();
        let slot = self
            .slots_mut()
            .iter_mut()
            .find(|s| s.name.get(&text) == name)?;
        if let Some(r) = slot.raw.take() {
            if slot.value.get().is_none() {
                let _ = slot.value.set(decode_value(range_of(&text, &r)));
            }
        }
        slot.value.get_mut()
    }

    /// Whether the record has a member `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        match &self.other {
            Some(other) => other.get(name).is_some(),
            None => self.slots().iter().any(|s| s.name.get(&self.text) == name),
        }
    }

    /// Sets the member `name`, at its place if it has one, else last; answers the value it
    /// replaced.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let name = name.into();
        let value = value.into();
        if let Some(other) = &mut self.other {
            if other.is_null() {
                self.other = None;
            } else {
                return match other.as_object_mut() {
                    Some(object) => object.insert(name, value),
                    None => None,
                };
            }
        }
        let text = self.text.clone();
        let slots = self.slots_mut();
        match slots.iter_mut().find(|s| s.name.get(&text) == name) {
            Some(slot) => {
                let old = match (slot.raw.take(), slot.value.take()) {
                    (_, Some(old)) => old,
                    (Some(r), None) => decode_value(range_of(&text, &r)),
                    (None, None) => Value::Null,
                };
                let _ = slot.value.set(value);
                Some(old)
            }
            None => {
                slots.push(Slot::set(name, value));
                None
            }
        }
    }

    /// Removes the member `name`, keeping the others in order; answers its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        if let Some(other) = &mut self.other {
            return other.as_object_mut().and_then(|o| o.shift_remove(name));
        }
        let text = self.text.clone();
        let slots = self.slots_mut();
        let i = slots.iter().position(|s| s.name.get(&text) == name)?;
        let slot = slots.remove(i);
        Some(match (slot.raw, slot.value.into_inner()) {
            (_, Some(value)) => value,
            (Some(r), None) => decode_value(range_of(&text, &r)),
            (None, None) => Value::Null,
        })
    }

    /// How many members the record has.
    pub fn len(&self) -> usize {
        match &self.other {
            Some(other) => other.as_object().map_or(0, Map::len),
            None => self.slots().len(),
        }
    }

    /// Whether the record has no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members' names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(name, _)| name)
    }

    /// The members in order, each decoded as it is reached.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        let slots = match &self.other {
            Some(_) => &[][..],
            None => self.slots(),
        };
        let other = self
            .other
            .as_deref()
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v));
        slots
            .iter()
            .map(|s| (s.name.get(&self.text), self.value_of(s)))
            .chain(other)
    }

    /// The record as a `serde_json::Value`, every member decoded.
    pub fn into_value(self) -> Value {
        if let Some(other) = self.other {
            return *other;
        }
        let text = self.text;
        let slots = match self.members.into_inner() {
            Some(slots) => slots,
            None => {
                let record = Record {
                    text: text.clone(),
                    ..Record::default()
                };
                record.read_members()
            }
        };
        let object = slots
            .into_iter()
            .map(|slot| {
                let value = match (slot.value.into_inner(), slot.raw) {
                    (Some(value), _) => value,
                    (None, Some(r)) => decode_value(range_of(&text, &r)),
                    (None, None) => Value::Null,
                };
                (slot.name.get(&text).to_owned(), value)
            })
            .collect();
        Value::Object(object)
    }

    /// The record as a `serde_json::Value`, leaving it as it is.
    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }
}

impl From<Value> for Record {
    fn from(value: Value) -> Self {
        match value {
            Value::Object(object) => Record::from(object),
            other => Record {
                other: Some(Box::new(other)),
                ..Record::default()
            },
        }
    }
}

impl From<Map<String, Value>> for Record {
    fn from(object: Map<String, Value>) -> Self {
        object.into_iter().collect()
    }
}

impl From<Record> for Value {
    fn from(record: Record) -> Self {
        record.into_value()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Record {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(members: I) -> Self {
        let mut record = Record::new();
        for (name, value) in members {
            record.insert(name, value);
        }
        record
    }
}

impl Index<&str> for Record {
    type Output = Value;

    /// The member `name`, `null` when there is none (as `Value` answers).
    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}

impl IndexMut<&str> for Record {
    /// The member `name`, added as `null` when there is none (as `Value` does). Panics when
    /// the record is not an object (as `Value` does); integrator.io sends objects.
    fn index_mut(&mut self, name: &str) -> &mut Value {
        if self.other.as_deref().is_some_and(|o| !o.is_null()) {
            let other = self.other.as_deref_mut().expect("checked just above");
            return &mut other[name];
        }
        if self.other.is_some() {
            self.other = None;
        }
        if !self.contains_key(name) {
            self.insert(name, Value::Null);
        }
        match self.get_mut(name) {
            Some(value) => value,
            None => unreachable!("the member was added just above"),
        }
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.to_value() == other.to_value()
    }
}

impl PartialEq<Value> for Record {
    fn eq(&self, other: &Value) -> bool {
        self.to_value() == *other
    }
}

impl fmt::Display for Record {
    /// The record's JSON text, as it would be sent back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ser::to_vec(self, None) {
            Ok(bytes) => f.write_str(&String::from_utf8_lossy(&bytes)),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Record({self})")
    }
}

/// A piece of a record's text, written by our serializer as it is (canonical) or rewritten.
struct Raw<'a> {
    text: &'a str,
    canonical: bool,
}

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(ser::RAW, &RawInner(self))
    }
}

struct RawInner<'a, 'b>(&'a Raw<'b>);

impl Serialize for RawInner<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.canonical {
            serializer.serialize_str(self.0.text)
        } else {
            serializer.serialize_bytes(self.0.text.as_bytes())
        }
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(other) = &self.other {
            return other.serialize(serializer);
        }
        // Our serializer writes text as it is; any other gets decoded values.
        let raw = ser::active();
        if raw && !self.edited && !self.text.is_empty() {
            return Raw {
                text: self.text(),
                canonical: self.canonical,
            }
            .serialize(serializer);
        }
        let slots = self.slots();
        let mut map = serializer.serialize_map(Some(slots.len()))?;
        for slot in slots {
            match &slot.raw {
                Some(r) if raw => map.serialize_entry(
                    slot.name.get(&self.text),
                    &Raw {
                        text: self.raw_text(r),
                        canonical: self.canonical,
                    },
                )?,
                _ => map.serialize_entry(slot.name.get(&self.text), self.value_of(slot))?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Our deserializer answers this name with the record's text; others with a value.
        deserializer.deserialize_newtype_struct(de::RAW, RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        d.deserialize_any(self)
    }

    // Bytes from our deserializer (JSON has none) are the record's text, part of the checked
    // document: borrowed when it is canonical. Bytes from any other deserializer are read as
    // JSON text, checked here.
    fn visit_borrowed_bytes<E: sde::Error>(self, text: &'de [u8]) -> Result<Record, E> {
        match super::shared_slice(text) {
            Some((text, repeats)) => Ok(Record::from_text(text, true, repeats)),
            None => foreign_bytes(text),
        }
    }

    fn visit_bytes<E: sde::Error>(self, text: &[u8]) -> Result<Record, E> {
        match super::shared_slice(text) {
            Some((text, repeats)) => Ok(Record::from_text(text, false, repeats)),
            None => foreign_bytes(text),
        }
    }

    fn visit_bool<E: sde::Error>(self, v: bool) -> Result<Record, E> {
        Ok(Value::Bool(v).into())
    }

    fn visit_i64<E: sde::Error>(self, v: i64) -> Result<Record, E> {
        Ok(Value::from(v).into())
    }

    fn visit_u64<E: sde::Error>(self, v: u64) -> Result<Record, E> {
        Ok(Value::from(v).into())
    }

    fn visit_f64<E: sde::Error>(self, v: f64) -> Result<Record, E> {
        Ok(Value::from(v).into())
    }

    fn visit_str<E: sde::Error>(self, v: &str) -> Result<Record, E> {
        Ok(Value::String(v.to_owned()).into())
    }

    fn visit_string<E: sde::Error>(self, v: String) -> Result<Record, E> {
        Ok(Value::String(v).into())
    }

    fn visit_unit<E: sde::Error>(self) -> Result<Record, E> {
        Ok(Value::Null.into())
    }

    fn visit_none<E: sde::Error>(self) -> Result<Record, E> {
        Ok(Value::Null.into())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        Value::deserialize(d).map(Record::from)
    }

    fn visit_seq<A: sde::SeqAccess<'de>>(self, seq: A) -> Result<Record, A::Error> {
        Value::deserialize(sde::value::SeqAccessDeserializer::new(seq)).map(Record::from)
    }

    fn visit_map<A: sde::MapAccess<'de>>(self, map: A) -> Result<Record, A::Error> {
        Value::deserialize(sde::value::MapAccessDeserializer::new(map)).map(Record::from)
    }
}

/// Bytes another deserializer gave for a record: JSON text, checked.
fn foreign_bytes<E: sde::Error>(text: &[u8]) -> Result<Record, E> {
    let doc = super::Document::scan(Bytes::copy_from_slice(text))
        .map_err(|e| E::custom(format_args!("a record's text is not JSON: {}", e.message)))?;
    let canonical = doc.scanned.canonical(0..text.len());
    let all = doc.text().len();
    let text = doc.text().trim_matches([' ', '\n', '\r', '\t']);
    // White space around the value makes the text not canonical: the rewrite drops it.
    Ok(Record::from_text(
        Bytes::copy_from_slice(text.as_bytes()),
        canonical && text.len() == all,
        doc.scanned.repeated,
    ))
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Record {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Value::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        Value::schema_id()
    }

    fn inline_schema() -> bool {
        Value::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Value::json_schema(generator)
    }
}
