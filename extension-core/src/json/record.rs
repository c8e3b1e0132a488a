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
use std::sync::{Arc, OnceLock};

/// A record of a page, as `JSON.parse` would give it to a JavaScript function and
/// `JSON.stringify` would send it back, at the cost of what the function touches.
///
/// It keeps the text the record came as. A member is decoded (into a `serde_json::Value`) the
/// first time it is read, and only that member; what a function changes is kept beside the
/// text. On the way out, members never touched go back as their own text, in their own order:
/// a record never touched is one copy of its bytes, a record with one member changed is its
/// bytes with that value replaced.
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
/// of it gives `None`, and setting one does nothing (as JavaScript does on a primitive).
#[derive(Clone, Default)]
pub struct Record {
    /// The text the record came as (an object), empty for a record built in Rust.
    text: Bytes,
    /// Whether `text` is what `JSON.stringify` writes for the record.
    canonical: bool,
    /// Whether a name may be given twice in `text` (the scan says when not: then the first
    /// member of a name is the only one).
    repeats: bool,
    /// A filter of the names of `text`'s members as written (`scan::name_bit`), from the
    /// scan; all bits when unknown.
    names: u64,
    /// The members of `text`, read on first need (iteration, reads through `&self`).
    original: OnceLock<Vec<Slot>>,
    /// What was changed, by name, in the order it was first changed.
    changes: Changes,
    /// A record that is not an object.
    other: Option<Box<Value>>,
}

/// A member of the text.
#[derive(Clone)]
struct Slot {
    name: Name,
    /// Where its name starts in the text (its opening quote).
    start: u32,
    /// Its value's text.
    raw: Range<u32>,
    /// Its value, once decoded.
    value: OnceLock<Value>,
}

/// A record's changes: a vector whose room for the first two goes back to a spare list of
/// the thread when the record is dropped, and is taken from it by the next record changed.
///
/// Hand-written: a page changes every one of its records, each list is one allocation of
/// 256 bytes, too large for glibc's fast bins and too many at once for its thread cache, so
/// every list took malloc's general path twice (measured with `cargo bench --bench pages`).
/// A spare list costs a thread-local pop and push instead; the spares are bounded.
#[derive(Clone, Default)]
struct Changes(Vec<Change>);

/// Room every list starts with: most functions change one or two members of a record.
const FIRST_CHANGES: usize = 2;

/// Most spare lists a thread keeps (256 bytes each: 256 KiB; a server of 64 blocking
/// threads keeps at most 16 MiB of them, until its idle threads end).
const SPARE_CHANGES: usize = 1024;

thread_local! {
    static SPARE: std::cell::RefCell<Vec<Vec<Change>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Changes {
    /// A list with room for the first changes, spare if the thread has one.
    fn fresh() -> Vec<Change> {
        SPARE
            .try_with(|spare| spare.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_else(|| Vec::with_capacity(FIRST_CHANGES))
    }
}

/// How many spare lists this thread keeps.
#[cfg(test)]
pub(crate) fn spare_changes() -> usize {
    SPARE.with(|spare| spare.borrow().len())
}

impl Drop for Changes {
    fn drop(&mut self) {
        if self.0.capacity() != FIRST_CHANGES {
            return;
        }
        let mut list = std::mem::take(&mut self.0);
        // Emptied first, so that the spare lists hold no values and are borrowed only while
        // nothing else runs (dropping a change drops only its name and value).
        list.clear();
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_CHANGES {
                spare.push(list);
            }
        });
    }
}

impl std::ops::Deref for Changes {
    type Target = Vec<Change>;

    fn deref(&self) -> &Vec<Change> {
        &self.0
    }
}

impl std::ops::DerefMut for Changes {
    fn deref_mut(&mut self) -> &mut Vec<Change> {
        &mut self.0
    }
}

/// A member changed, added or removed.
#[derive(Clone)]
struct Change {
    name: Name,
    /// Where the member was in the text (name start, value), when it was there.
    place: Option<(u32, Range<u32>)>,
    /// Its value; `None` once removed.
    value: Option<Value>,
    /// Whether it goes after the members of the text: added, or removed and set again (as
    /// JavaScript orders them).
    last: bool,
}

/// A member's name: where it is in the record's text (no escape in it, the common case: no
/// allocation), or its own text.
#[derive(Clone)]
enum Name {
    Text(u32, u32),
    Owned(Box<str>),
    /// A name `insert` added, shared with the other records of the page that got it.
    Shared(Arc<str>),
}

impl Name {
    fn get<'a>(&'a self, text: &'a Bytes) -> &'a str {
        match self {
            Name::Text(start, end) => range_of(text, &(*start..*end)),
            Name::Owned(name) => name,
            Name::Shared(name) => name,
        }
    }
}

/// An empty scan: a record's text is read without the document's tables (they are small).
pub(super) static UNSCANNED: Scanned = Scanned {
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
    // The value a function reads most: a string without escapes, copied as it is.
    if let Some(plain) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.as_bytes().contains(&b'\\'))
    {
        return Value::String(plain.to_owned());
    }
    let mut de = de::Deserializer::new(text, &UNSCANNED, 0, u64::MAX);
    // The text was checked by the scan; `null` is what a broken promise reads as.
    Value::deserialize(&mut de).unwrap_or(Value::Null)
}

/// `name` as a shared string: the names inserted last on this thread are kept, so that
/// records of a page given the same new member share its name.
fn shared_name(name: &str) -> Arc<str> {
    thread_local! {
        static KEPT: std::cell::RefCell<Vec<Arc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(found) = kept.iter().find(|k| ***k == *name) {
            return Arc::clone(found);
        }
        // A few names, short ones only: a function adds a handful to every record.
        let shared: Arc<str> = Arc::from(name);
        if name.len() <= 64 {
            if kept.len() == 8 {
                kept.remove(0);
            }
            kept.push(Arc::clone(&shared));
        }
        shared
    })
}

/// Whether `name`'s bytes occur in `text`. The searchers of the last few names are kept: a
/// page asks every record about the same few names, and building one costs more than a search.
fn contains_text(text: &[u8], name: &str) -> bool {
    type Finder = memchr::memmem::Finder<'static>;
    thread_local! {
        static KEPT: std::cell::RefCell<Vec<Finder>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        let i = match kept.iter().position(|f| f.needle() == name.as_bytes()) {
            Some(i) => i,
            None => {
                if kept.len() == 8 {
                    kept.remove(0);
                }
                kept.push(memchr::memmem::Finder::new(name.as_bytes()).into_owned());
                kept.len() - 1
            }
        };
        kept[i].find(text).is_some()
    })
}

/// A member found in the text: where its name starts, its value, its name.
struct Found {
    start: u32,
    raw: Range<u32>,
    name: Name,
}

impl Record {
    /// An empty record: `{}`.
    pub fn new() -> Self {
        Record::default()
    }

    /// A record from text checked by a scan: `canonical` when it is what `JSON.stringify`
    /// writes. The only way text gets into a record.
    fn from_text(text: Bytes, canonical: bool, repeats: bool, names: u64) -> Self {
        if text.first() == Some(&b'{') {
            Record {
                text,
                canonical,
                repeats,
                names,
                ..Record::default()
            }
        } else {
            Record {
                other: Some(Box::new(decode_value(text_of(&text)))),
                ..Record::default()
            }
        }
    }

    /// A record from text of a body a scan checked, as it was sent (`text` a slice of it):
    /// written back as `JSON.stringify` would write it.
    pub(crate) fn from_sent(text: Bytes) -> Self {
        Record::from_text(text, false, true, u64::MAX)
    }

    /// The record's text.
    fn text(&self) -> &str {
        text_of(&self.text)
    }

    fn original(&self) -> &[Slot] {
        self.original.get_or_init(|| self.read_members())
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
            let raw = range.start as u32..range.end as u32;
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
                    let (name, start) = match name {
                        std::borrow::Cow::Borrowed(text) => {
                            let start = (text.as_ptr() as usize - whole) as u32;
                            (Name::Text(start, start + text.len() as u32), start - 1)
                        }
                        std::borrow::Cow::Owned(text) => {
                            // Escaped names are only spliced by the member-by-member path.
                            (Name::Owned(text.into_boxed_str()), 0)
                        }
                    };
                    slots.push(Slot {
                        name,
                        start,
                        raw,
                        value: OnceLock::new(),
                    });
                }
            }
        }
        slots
    }

    fn value_of<'a>(&'a self, slot: &'a Slot) -> &'a Value {
        slot.value
            .get_or_init(|| decode_value(range_of(&self.text, &slot.raw)))
    }

    fn change(&self, name: &str) -> Option<usize> {
        self.changes
            .iter()
            .position(|c| c.name.get(&self.text) == name)
    }

    /// The member `name` of the text, found without reading the others where the text allows.
    fn find(&self, name: &str) -> Option<Found> {
        if self.text.is_empty() {
            return None;
        }
        if self.original.get().is_none() && !self.repeats {
            // A name JSON writes as it is, not in canonical text at all (where no name is
            // escaped): no member of that name.
            let plain = !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
            // The scan's filter of the names says when it is not there. When the scan did not
            // note the record, a search of its text says it, cheaper than the walk. When the
            // filter says it may be there it almost always is: the walk, without a search
            // first (a name sharing its bit with another costs the walk).
            // The first member of a name is the only one: walk up to it.
            let (found, escaped) = if self.canonical && plain {
                let absent = match self.names {
                    u64::MAX => !contains_text(&self.text, name),
                    names => names & super::scan::name_bit(name.as_bytes()) == 0,
                };
                if absent {
                    return None;
                }
                super::scan::find_canonical(&self.text, name.as_bytes())
            } else {
                (None, true)
            };
            let (start, raw) = match found {
                Some(found) => found,
                // No name written with an escape on the way: it is not there.
                None if !escaped => return None,
                None => {
                    let mut de = de::Deserializer::new(self.text(), &UNSCANNED, 0, u64::MAX);
                    de.find(name).ok()??
                }
            };
            let (start, raw) = (start as u32, raw.start as u32..raw.end as u32);
            let escaped = self
                .text
                .get(start as usize + 1..start as usize + 1 + name.len())
                != Some(name.as_bytes());
            let name = if escaped {
                Name::Owned(name.into())
            } else {
                Name::Text(start + 1, start + 1 + name.len() as u32)
            };
            return Some(Found { start, raw, name });
        }
        let slot = self
            .original()
            .iter()
            .find(|s| s.name.get(&self.text) == name)?;
        Some(Found {
            start: slot.start,
            raw: slot.raw.clone(),
            name: slot.name.clone(),
        })
    }

    /// The member `name`, decoded on first read.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if let Some(other) = &self.other {
            return other.get(name);
        }
        if let Some(i) = self.change(name) {
            return self.changes[i].value.as_ref();
        }
        let slot = self
            .original()
            .iter()
            .find(|s| s.name.get(&self.text) == name)?;
        Some(self.value_of(slot))
    }

    /// The member `name`, to change it in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        if self.other.is_some() {
            return self.other.as_deref_mut().and_then(|o| o.get_mut(name));
        }
        let i = match self.change(name) {
            Some(i) => i,
            None => {
                let found = self.find(name)?;
                let value = self.decoded(&found);
                self.push_change(Change {
                    name: found.name,
                    place: Some((found.start, found.raw)),
                    value: Some(value),
                    last: false,
                });
                self.changes.len() - 1
            }
        };
        self.changes[i].value.as_mut()
    }

    /// Records one change more. Most functions change one or two members of a record: room
    /// for two first, not the four a vector would make (a page holds thousands of records).
    fn push_change(&mut self, change: Change) {
        if self.changes.capacity() == 0 {
            self.changes.0 = Changes::fresh();
        }
        self.changes.push(change);
    }

    /// The value of a member found in the text, decoded (once).
    fn decoded(&self, found: &Found) -> Value {
        let cached = self.original.get().and_then(|slots| {
            slots
                .iter()
                .find(|s| s.raw == found.raw)
                .and_then(|s| s.value.get().cloned())
        });
        cached.unwrap_or_else(|| decode_value(range_of(&self.text, &found.raw)))
    }

    /// Whether the record has a member `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        match &self.other {
            Some(other) => other.get(name).is_some(),
            None => match self.change(name) {
                Some(i) => self.changes[i].value.is_some(),
                None => self.find(name).is_some(),
            },
        }
    }

    /// Sets the member `name`, at its place if it has one, else last; answers the value it
    /// replaced.
    pub fn insert(
        &mut self,
        name: impl AsRef<str> + Into<String>,
        value: impl Into<Value>,
    ) -> Option<Value> {
        let value = value.into();
        if let Some(other) = &mut self.other {
            if !other.is_null() {
                return other
                    .as_object_mut()
                    .and_then(|o| o.insert(name.into(), value));
            }
            self.other = None;
        }
        let name = name.as_ref();
        if let Some(i) = self.change(name) {
            let change = &mut self.changes[i];
            if change.value.is_none() {
                // Removed, then set again: JavaScript adds it last.
                change.last = true;
            }
            return change.value.replace(value);
        }
        match self.find(name) {
            Some(found) => {
                let old = self.decoded(&found);
                self.push_change(Change {
                    name: found.name,
                    place: Some((found.start, found.raw)),
                    value: Some(value),
                    last: false,
                });
                Some(old)
            }
            None => {
                // A new member: a page adds the same one to every record, so its name is
                // one allocation shared by them rather than one each.
                self.push_change(Change {
                    name: Name::Shared(shared_name(name)),
                    place: None,
                    value: Some(value),
                    last: true,
                });
                None
            }
        }
    }

    /// Removes the member `name`, keeping the others in order; answers its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        if let Some(other) = &mut self.other {
            return other.as_object_mut().and_then(|o| o.shift_remove(name));
        }
        if let Some(i) = self.change(name) {
            if self.changes[i].place.is_none() {
                return self.changes.remove(i).value;
            }
            self.changes[i].last = false;
            return self.changes[i].value.take();
        }
        let found = self.find(name)?;
        let old = self.decoded(&found);
        self.push_change(Change {
            name: found.name,
            place: Some((found.start, found.raw)),
            value: None,
            last: false,
        });
        Some(old)
    }

    /// How many members the record has.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the record has no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members' names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(name, _)| name)
    }

    /// The members in order (changed ones at their places, added ones last), each decoded as
    /// it is reached.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        let (slots, other) = match &self.other {
            Some(other) => (&[][..], other.as_object()),
            None => (self.original(), None),
        };
        let original = slots.iter().filter_map(move |s| {
            let name = s.name.get(&self.text);
            match self.change(name) {
                Some(i) if self.changes[i].last => None,
                Some(i) => self.changes[i].value.as_ref().map(|v| (name, v)),
                None => Some((name, self.value_of(s))),
            }
        });
        let added = self
            .changes
            .iter()
            .filter(|c| c.last)
            .filter_map(move |c| c.value.as_ref().map(|v| (c.name.get(&self.text), v)));
        let other = other.into_iter().flatten().map(|(k, v)| (k.as_str(), v));
        original.chain(added).chain(other)
    }

    /// The record as a `serde_json::Value`, every member decoded.
    pub fn into_value(self) -> Value {
        if let Some(other) = self.other {
            return *other;
        }
        self.to_value()
    }

    /// The record as a `serde_json::Value`, leaving it as it is.
    pub fn to_value(&self) -> Value {
        if let Some(other) = &self.other {
            return (**other).clone();
        }
        Value::Object(
            self.iter()
                .map(|(name, value)| (name.to_owned(), value.clone()))
                .collect(),
        )
    }

    /// Whether the record can be written as its text with the changed values spliced in:
    /// canonical text, names as they are in it, and no member removed.
    fn spliceable(&self) -> bool {
        self.canonical
            && !self.text.is_empty()
            && self.changes.iter().all(|c| match (&c.place, c.last) {
                (_, _) if c.value.is_none() => false,
                (None, _) => true,
                (Some(_), last) => !last && matches!(c.name, Name::Text(..)),
            })
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
        // The names of a map are unique: no search per member.
        let changes = object
            .into_iter()
            .map(|(name, value)| Change {
                name: Name::Owned(name.into_boxed_str()),
                place: None,
                value: Some(value),
                last: true,
            })
            .collect();
        Record {
            changes: Changes(changes),
            ..Record::default()
        }
    }
}

impl From<Record> for Value {
    fn from(record: Record) -> Self {
        record.into_value()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Record {
    /// A name given twice keeps its first place and its last value (as `JSON.parse`).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(members: I) -> Self {
        let object: Map<String, Value> = members
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .collect();
        Record::from(object)
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
        let ours = ser::active();
        if ours && !self.text.is_empty() && self.changes.is_empty() {
            return Raw {
                text: self.text(),
                canonical: self.canonical,
            }
            .serialize(serializer);
        }
        if ours && self.spliceable() {
            return serializer.serialize_newtype_struct(ser::RAW, &Splice(self));
        }
        // Member by member: untouched ones as their text (rewritten where not canonical).
        let mut map = serializer.serialize_map(None)?;
        if self.original.get().is_none() && !self.repeats && !self.text.is_empty() {
            // Each name once: a walk of the text, with no member table built for one write
            // (a table costs more than the record's text, for every record of a page).
            let mut failed = None;
            let walked = super::each_member(self.text(), &UNSCANNED, |name, raw| {
                if failed.is_none() {
                    let raw = raw.start as u32..raw.end as u32;
                    failed = self.write_member(&mut map, &name, &raw, None, ours).err();
                }
            });
            if let Some(error) = failed {
                return Err(error);
            }
            walked.map_err(serde::ser::Error::custom)?;
        } else {
            for slot in self.original() {
                let name = slot.name.get(&self.text);
                self.write_member(&mut map, name, &slot.raw, Some(slot), ours)?;
            }
        }
        for change in self.changes.iter().filter(|c| c.last) {
            if let Some(value) = &change.value {
                map.serialize_entry(change.name.get(&self.text), value)?;
            }
        }
        map.end()
    }
}

impl Record {
    /// Writes the member `name` of the text (whose value is at `raw`): its change if it
    /// has one, else its text (ours) or its value (any other serializer).
    fn write_member<M: SerializeMap>(
        &self,
        map: &mut M,
        name: &str,
        raw: &Range<u32>,
        slot: Option<&Slot>,
        ours: bool,
    ) -> Result<(), M::Error> {
        match self.change(name) {
            Some(i) => {
                let change = &self.changes[i];
                match (&change.value, change.last) {
                    (Some(value), false) => map.serialize_entry(name, value),
                    _ => Ok(()),
                }
            }
            None if ours => map.serialize_entry(
                name,
                &Raw {
                    text: range_of(&self.text, raw),
                    canonical: self.canonical,
                },
            ),
            None => match slot {
                Some(slot) => map.serialize_entry(name, self.value_of(slot)),
                None => map.serialize_entry(name, &decode_value(range_of(&self.text, raw))),
            },
        }
    }
}

/// A canonical record's text with its changed values in place and its added members last:
/// pieces of text copied as they are, values written.
struct Splice<'a>(&'a Record);

/// One piece of a [`Splice`].
enum Piece<'a> {
    Text(&'a str),
    Value(&'a Value),
    Name(&'a str),
}

impl Serialize for Piece<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Piece::Text(text) => serializer.serialize_str(text),
            Piece::Value(value) => serializer.serialize_newtype_struct(ser::RAW, value),
            Piece::Name(name) => serializer.serialize_newtype_struct(ser::RAW, name),
        }
    }
}

impl Serialize for Splice<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let record = self.0;
        let text = record.text();
        let cut = |range: Range<usize>| text.get(range).unwrap_or_default();
        let placed = || {
            record
                .changes
                .iter()
                .filter(|c| !c.last)
                .filter_map(|c| Some((&c.place.as_ref()?.1, c.value.as_ref()?)))
        };
        let mut seq = serializer.serialize_seq(None)?;
        let mut at = 0;
        // The changed values in the order of the text. A function changes a record in a few
        // places: each next one is found by a look at them all, with no vector to sort (an
        // allocation for every record of a page); many are sorted.
        let few = record.changes.len() <= 8;
        let mut sorted: Vec<(&Range<u32>, &Value)> = Vec::new();
        if !few {
            sorted = placed().collect();
            sorted.sort_unstable_by_key(|(raw, _)| raw.start);
        }
        let mut sorted = sorted.into_iter();
        loop {
            let next = if few {
                placed()
                    .filter(|(raw, _)| raw.start as usize >= at)
                    .min_by_key(|(raw, _)| raw.start)
            } else {
                sorted.next()
            };
            let Some((raw, value)) = next else { break };
            seq.serialize_element(&Piece::Text(cut(at..raw.start as usize)))?;
            seq.serialize_element(&Piece::Value(value))?;
            at = raw.end as usize;
        }
        // Up to the closing brace, then the added members.
        let close = text.len().saturating_sub(1);
        seq.serialize_element(&Piece::Text(cut(at..close)))?;
        let mut empty = close <= 1;
        for change in record.changes.iter().filter(|c| c.last) {
            if let Some(value) = &change.value {
                seq.serialize_element(&Piece::Text(if empty { "" } else { "," }))?;
                seq.serialize_element(&Piece::Name(change.name.get(&record.text)))?;
                seq.serialize_element(&Piece::Text(":"))?;
                seq.serialize_element(&Piece::Value(value))?;
                empty = false;
            }
        }
        seq.serialize_element(&Piece::Text("}"))?;
        seq.end()
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
            Some((text, repeats)) => Ok(Record::from_text(text, true, repeats, taken_names())),
            None => foreign_bytes(text),
        }
    }

    fn visit_bytes<E: sde::Error>(self, text: &[u8]) -> Result<Record, E> {
        match super::shared_slice(text) {
            Some((text, repeats)) => Ok(Record::from_text(text, false, repeats, taken_names())),
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

/// The names filter our deserializer left for the record text it handed over.
fn taken_names() -> u64 {
    de::RECORD_NAMES.replace(u64::MAX)
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
        u64::MAX,
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
