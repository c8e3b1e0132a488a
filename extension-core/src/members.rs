//! Typed structs a function echoes (`RecordError`, `ResponseData`) go back with their members
//! in the order they came in, as `JSON.stringify(JSON.parse(..))` writes them: integrator.io
//! and the people reading its logs compare what comes back with what went out.
//!
//! serde's derive writes a struct's fields in declaration order, and cannot be told otherwise,
//! so these structs are read and written by [`echoed_members!`]: reading records which member
//! came when ([`MemberOrder`]), writing follows that record.

use serde::de::{self, DeserializeSeed, Visitor};
use serde::ser::SerializeMap;
use serde_json::{Map, Value};
use std::fmt;

/// Tag of a member the struct does not name (kept in its `extra` map, in arrival order).
const EXTRA: u8 = 15;

/// The order a typed struct's members came in, so that a value a function echoes goes back
/// as it came. A value built in code has none: its members are written in the struct's
/// order. A member set on a value that came in is written after those that came. Ignored by
/// `==`: two values with the same members are equal whatever their order.
#[derive(Clone, Default)]
pub struct MemberOrder {
    /// The first 16 tags, four bits each (a typed struct names fewer than 15 members, and
    /// errors or responseData entries rarely carry more than a few unknown ones).
    packed: u64,
    len: u8,
    /// Tags after the 16th.
    rest: Vec<u8>,
}

impl MemberOrder {
    fn push(&mut self, tag: u8) {
        if self.len < 16 {
            self.packed |= u64::from(tag) << (4 * self.len);
            self.len += 1;
        } else {
            self.rest.push(tag);
        }
    }

    fn tags(&self) -> impl Iterator<Item = u8> + '_ {
        (0..self.len)
            .map(|i| ((self.packed >> (4 * i)) & 0xf) as u8)
            .chain(self.rest.iter().copied())
    }
}

impl PartialEq for MemberOrder {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for MemberOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.tags().map(|tag| match tag {
                EXTRA => None,
                known => Some(known),
            }))
            .finish()
    }
}

/// Which members of a struct have come, while reading it.
#[derive(Default)]
pub(crate) struct Arrivals {
    order: MemberOrder,
    seen: u16,
}

impl Arrivals {
    /// The `index`th named member came (again: `JSON.parse` keeps the last value in the first
    /// place).
    pub(crate) fn named(&mut self, index: u8) {
        if self.seen & (1 << index) == 0 {
            self.seen |= 1 << index;
            self.order.push(index);
        }
    }

    /// An unknown member came: kept in `extra`, where it takes its place the first time.
    pub(crate) fn extra(&mut self, extra: &mut Map<String, Value>, name: String, value: Value) {
        if extra.insert(name, value).is_none() {
            self.order.push(EXTRA);
        }
    }

    pub(crate) fn finish(self) -> MemberOrder {
        self.order
    }
}

/// A member's name, as the struct reading it sees it.
pub(crate) enum Key {
    /// The `n`th member the struct names.
    Named(u8),
    /// A member it does not name.
    Other(String),
}

/// Reads a member's name against the struct's wire names.
pub(crate) struct Names(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Names {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Names {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match self.0.iter().position(|known| *known == name) {
            Some(index) => Key::Named(index as u8),
            None => Key::Other(name.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match self.0.iter().position(|known| *known == name) {
            Some(index) => Key::Named(index as u8),
            None => Key::Other(name),
        })
    }
}

/// Writes a struct's members: first in the order they came (`order`), then the named ones
/// that did not come, in the struct's order, then unknown ones added since.
/// `named(map, i)` writes the `i`th named member unless it is to be left out.
pub(crate) fn write<M: SerializeMap>(
    map: &mut M,
    order: &MemberOrder,
    count: u8,
    extra: &Map<String, Value>,
    mut named: impl FnMut(&mut M, u8) -> Result<(), M::Error>,
) -> Result<(), M::Error> {
    let mut written = 0u16;
    let mut extras = extra.iter();
    for tag in order.tags() {
        if tag == EXTRA {
            // An unknown member the function removed leaves `extra` one shorter: the next
            // one takes its place rather than being lost.
            if let Some((name, value)) = extras.next() {
                map.serialize_entry(name, value)?;
            }
        } else if written & (1 << tag) == 0 {
            written |= 1 << tag;
            named(map, tag)?;
        }
    }
    for index in 0..count {
        if written & (1 << index) == 0 {
            named(map, index)?;
        }
    }
    for (name, value) in extras {
        map.serialize_entry(name, value)?;
    }
    Ok(())
}

/// `Serialize` and `Deserialize` for a struct with named members, `extra: Extra` and
/// `order: MemberOrder`, in the order its members came:
/// `echoed_members!(RecordError, "an error object" { 0 => code: "code", skip if String::is_empty; .. })`.
macro_rules! echoed_members {
    ($ty:ident, $expecting:literal {
        $($index:literal => $field:ident: $wire:literal $(, skip if $skip:path)?;)*
    }) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                const COUNT: u8 = [$($wire),*].len() as u8;
                let mut map = serializer.serialize_map(None)?;
                $crate::members::write(&mut map, &self.order, COUNT, &self.extra, |map, index| {
                    match index {
                        $($index => {
                            $(if $skip(&self.$field) {
                                return Ok(());
                            })?
                            map.serialize_entry($wire, &self.$field)
                        })*
                        _ => Ok(()),
                    }
                })?;
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Members;
                impl<'de> serde::de::Visitor<'de> for Members {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        use $crate::members::Key;
                        const NAMES: &[&str] = &[$($wire),*];
                        let mut value = $ty::default();
                        let mut arrivals = $crate::members::Arrivals::default();
                        while let Some(key) = map.next_key_seed($crate::members::Names(NAMES))? {
                            match key {
                                Key::Named(index) => {
                                    match index {
                                        $($index => value.$field = map.next_value()?,)*
                                        _ => {
                                            map.next_value::<serde::de::IgnoredAny>()?;
                                        }
                                    }
                                    arrivals.named(index);
                                }
                                Key::Other(name) => {
                                    let member = map.next_value()?;
                                    arrivals.extra(&mut value.extra, name, member);
                                }
                            }
                        }
                        value.order = arrivals.finish();
                        Ok(value)
                    }
                }
                deserializer.deserialize_map(Members)
            }
        }
    };
}
pub(crate) use echoed_members;

#[cfg(test)]
mod tests {
    use crate::hooks::ResponseData;
    use crate::types::RecordError;
    use serde_json::json;

    fn echoed<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<T>(text).unwrap()).unwrap()
    }

    #[test]
    fn more_members_than_the_packed_tags_hold_keep_their_order() {
        let mut text = String::from("{");
        for i in 0..40 {
            if i == 20 {
                text.push_str(r#""message":"m","#);
            }
            text.push_str(&format!(r#""x{i}":{i},"#));
        }
        text.push_str(r#""code":"c"}"#);
        assert_eq!(echoed::<RecordError>(&text), text);
    }

    #[test]
    fn values_built_in_code_are_written_in_the_struct_order() {
        let mut error = RecordError::new("c", "m").with_source("s");
        error.extra.insert("x".into(), json!(1));
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"c","message":"m","source":"s","x":1}"#
        );
        let entry = ResponseData {
            id: Some(8.into()),
            status_code: Some(200),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"statusCode":200,"errors":[],"id":8}"#
        );
    }

    #[test]
    fn order_is_not_part_of_equality() {
        let a: RecordError = serde_json::from_str(r#"{"message":"m","code":"c"}"#).unwrap();
        assert_eq!(a, RecordError::new("c", "m"));
        assert_eq!(format!("{:?}", a.order), "[Some(1), Some(0)]");
    }

    #[test]
    fn read_from_a_value_too() {
        let entry: ResponseData =
            serde_json::from_value(json!({"id": "a", "z": true, "statusCode": 422})).unwrap();
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"id":"a","z":true,"statusCode":422,"errors":[]}"#
        );
        // A member that does not fit is named with its path, as derived structs name it.
        let entries = json!([{"id": 1}, {"errors": [{"code": 5}]}]);
        let wrong = serde_path_to_error::deserialize::<_, Vec<ResponseData>>(entries).unwrap_err();
        assert_eq!(wrong.path().to_string(), "[1].errors[0].code");
        let wrong = serde_json::from_value::<ResponseData>(json!([1])).unwrap_err();
        assert!(
            wrong.to_string().contains("a responseData entry"),
            "{wrong}"
        );
    }
}
