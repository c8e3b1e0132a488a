//! Encoding responses: a serde `Serializer` that writes what `JSON.stringify` writes (numbers
//! as JavaScript prints them, its escapes), counts the length in UTF-16 units on the way (the
//! size rule of section 5) and stops as soon as a limit is passed, and writes a
//! [`Record`](super::Record)'s text as it came, rewritten only where it was not canonical.

use bytes::Bytes;
use serde::ser::{self, Serialize};
use std::cell::Cell;
use std::fmt;

/// The name a [`Record`](super::Record) serialises its text under, for this serializer to
/// write it as it is.
pub(crate) const RAW: &str = "$extension_core::json::raw_out";

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// It is not plain JSON (a map with keys that are no strings, a failing `Serialize`).
    NotSerializable(String),
    /// It grew past the limit, in UTF-16 units.
    TooLarge,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotSerializable(why) => write!(f, "not serialisable: {why}"),
            Error::TooLarge => f.write_str("larger than the limit"),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error::NotSerializable(message.to_string())
    }
}

/// Encodes `value` as `JSON.stringify` would, failing once its length passes `limit` UTF-16
/// units.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, limit: Option<u64>) -> Result<Vec<u8>, Error> {
    with_capacity(value, limit, 256)
}

/// [`to_vec`], starting with room for `capacity` bytes (bounded by the limit).
pub fn with_capacity<T: Serialize + ?Sized>(
    value: &T,
    limit: Option<u64>,
    capacity: usize,
) -> Result<Vec<u8>, Error> {
    let (parts, last) = encode(value, limit, capacity, 0)?;
    debug_assert!(parts.is_empty());
    Ok(last)
}

/// Parts [`in_parts`] writes: the size of hyper's read buffers (its default `max_buf_size`,
/// 8 KiB + 100 pages), which hold the bodies being read.
///
/// Measured with the bench kit's large page (one-off, sixteen rounds interleaved): answers
/// of 2.6 MB in one block each peaked at a median of 74.5 MiB, in parts of this size at 68.6,
/// CPU unchanged. Blocks of one size leave holes that the next block of that size fits in
/// (the next answer's parts or the next body's read buffers); a block of 2.6 MB needs a hole
/// of its own, and the arena grew for it.
pub const PART: usize = 8192 + 4096 * 100;

/// [`with_capacity`], in parts of about `part` bytes (the last one shorter) when it may be
/// long: parts are cut between the elements of arrays and objects once at least `part` less
/// 8 KiB was written, so an element longer than that makes its part longer. `part` 0 writes
/// one part.
pub fn in_parts<T: Serialize + ?Sized>(
    value: &T,
    limit: Option<u64>,
    capacity: usize,
    part: usize,
) -> Result<Vec<Bytes>, Error> {
    let (mut parts, last) = encode(value, limit, capacity, part)?;
    parts.push(Bytes::from(last));
    Ok(parts)
}

/// The parts cut so far and the rest.
fn encode<T: Serialize + ?Sized>(
    value: &T,
    limit: Option<u64>,
    capacity: usize,
    part: usize,
) -> Result<(Vec<Bytes>, Vec<u8>), Error> {
    let _active = Active(ACTIVE.with(|a| a.replace(true)));
    let capacity = capacity.min(limit.map_or(usize::MAX, |l| l.saturating_add(1) as usize));
    let mut writer = Writer {
        out: Vec::with_capacity(if part > 0 {
            part.min(capacity).max(64)
        } else {
            capacity.max(64)
        }),
        counted: 0,
        units: 0,
        limit: limit.unwrap_or(u64::MAX),
        parts: Vec::new(),
        cut: 0,
        part,
    };
    value.serialize(&mut writer)?;
    writer.count()?;
    Ok((writer.parts, writer.out))
}

thread_local! {
    /// Whether this serializer is running on this thread: a [`Record`](super::Record) then
    /// hands over its text (any other serializer gets its members as values).
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Restores [`ACTIVE`] when an encode ends, also by a panic.
struct Active(bool);

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.set(self.0));
    }
}

/// Whether [`to_vec`] is encoding on this thread.
pub(crate) fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// The output, and its length in UTF-16 units up to `counted` bytes.
pub(crate) struct Writer {
    /// The part being written.
    pub(crate) out: Vec<u8>,
    /// How much of `out` is counted in `units`.
    counted: usize,
    /// UTF-16 units written, counted only once the bytes pass the limit.
    units: u64,
    limit: u64,
    /// The parts cut before `out`.
    parts: Vec<Bytes>,
    /// Their length in bytes.
    cut: usize,
    /// The length a part is cut at, 0 for one part.
    part: usize,
}

impl Writer {
    /// Counts what was written since the last count; fails past the limit. Called at each
    /// element, so that a response far too large stops early instead of growing.
    #[inline]
    fn count(&mut self) -> Result<(), Error> {
        // A UTF-16 unit takes at least one byte of UTF-8: within the limit in bytes is within
        // it in units, and nothing needs counting (the common case, at no cost).
        let written = self.cut + self.out.len();
        if written as u64 > self.limit {
            if self.units == 0 {
                // Past the limit in bytes for the first time (no text is zero units): the
                // parts cut before count now.
                self.units = self
                    .parts
                    .iter()
                    .map(|p| crate::js::utf16_len(p) as u64)
                    .sum();
            }
            self.units += crate::js::utf16_len(&self.out[self.counted..]) as u64;
            self.counted = self.out.len();
            if self.units > self.limit {
                return Err(Error::TooLarge);
            }
        }
        if self.part > 0 && self.out.len() >= self.part.saturating_sub(8 << 10) {
            self.cut_part();
        }
        Ok(())
    }

    /// Ends the part being written (the writer is between two elements).
    #[cold]
    fn cut_part(&mut self) {
        let full = std::mem::replace(&mut self.out, Vec::with_capacity(self.part));
        self.cut += full.len();
        self.parts.push(Bytes::from(full));
        self.counted = 0;
    }

    fn string(&mut self, s: &str) {
        write_string(&mut self.out, s);
    }

    fn f64(&mut self, v: f64) {
        write_f64(&mut self.out, v);
    }
}

/// `JSON.stringify` of a string: `"`, `\` and control characters escaped, the rest as is.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut at = 0;
    loop {
        let run = super::scan::plain_run(&bytes[at..]);
        out.extend_from_slice(&bytes[at..at + run]);
        at += run;
        let Some(&b) = bytes.get(at) else {
            break;
        };
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            _ => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ],
        };
        out.extend_from_slice(escape);
        at += 1;
    }
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `JSON.stringify` of a number: `Number.prototype.toString`, `null` when not finite.
pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) {
    use std::io::Write;
    if !v.is_finite() {
        out.extend_from_slice(b"null");
    } else if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        // Integral and exact (also where -0 becomes `0`).
        let mut buffer = itoa::Buffer::new();
        out.extend_from_slice(buffer.format(v as i64).as_bytes());
    } else if (1e-6..1e21).contains(&v.abs()) {
        let _ = write!(out, "{v}");
    } else {
        out.extend_from_slice(crate::js::number_to_string(v).as_bytes());
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.f64(f64::from(v));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.f64(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if name == RAW {
            return value.serialize(RawOut(self));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        self.out.push(b'[');
        Ok(Compound {
            w: self,
            first: true,
            close: b"]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound {
            w: self,
            first: true,
            close: b"]}",
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        self.out.push(b'{');
        Ok(Compound {
            w: self,
            first: true,
            close: b"}",
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound {
            w: self,
            first: true,
            close: b"}}",
        })
    }
}

/// An array or object being written.
pub(crate) struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    close: &'static [u8],
}

impl Compound<'_> {
    fn separate(&mut self) -> Result<(), Error> {
        if self.first {
            self.first = false;
        } else {
            self.w.out.push(b',');
        }
        self.w.count()
    }

    fn close(self) -> Result<(), Error> {
        self.w.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate()?;
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate()?;
        key.serialize(Key(&mut *self.w))?;
        self.w.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.separate()?;
        self.w.string(key);
        self.w.out.push(b':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A member name: strings, and numbers and booleans written as strings (as serde_json does).
struct Key<'a>(&'a mut Writer);

macro_rules! key_as_text {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Error> {
            self.0.string(&v.to_string());
            Ok(())
        }
    )*};
}

macro_rules! not_a_key {
    ($($method:ident($($arg:ty),*) -> $ret:ty),*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ret, Error> {
            Err(Error::NotSerializable("a member name must be a string".into()))
        }
    )*};
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    key_as_text!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char);
    not_a_key!(serialize_f32(f32) -> (), serialize_f64(f64) -> (), serialize_bytes(&[u8]) -> (),
        serialize_none() -> (), serialize_unit() -> (), serialize_unit_struct(&'static str) -> (),
        serialize_seq(Option<usize>) -> Self::SerializeSeq, serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant);
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(Error::NotSerializable(
            "a member name must be a string".into(),
        ))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error::NotSerializable(
            "a member name must be a string".into(),
        ))
    }
}

/// Where a record's text goes: written as it is (a string: canonical), or rewritten as
/// `JSON.stringify` would write it (bytes: not canonical).
struct RawOut<'a>(&'a mut Writer);

impl<'a> ser::Serializer for RawOut<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Splice<'a>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.out.extend_from_slice(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        // A name given twice is kept once, as `JSON.parse` keeps it: that text is read as a
        // value and written from it (rare: the scan says so).
        match super::scan::scan(v, super::LIMITS) {
            Ok(scanned) if !scanned.repeated => {
                canonical(&mut self.0.out, v);
                Ok(())
            }
            _ => {
                let text = std::str::from_utf8(v).unwrap_or("null");
                super::record::decode_value(text).serialize(&mut *self.0)
            }
        }
    }
    not_a_key!(serialize_bool(bool) -> (), serialize_i8(i8) -> (), serialize_i16(i16) -> (),
        serialize_i32(i32) -> (), serialize_i64(i64) -> (), serialize_u8(u8) -> (),
        serialize_u16(u16) -> (), serialize_u32(u32) -> (), serialize_u64(u64) -> (),
        serialize_f32(f32) -> (), serialize_f64(f64) -> (), serialize_char(char) -> (),
        serialize_none() -> (), serialize_unit() -> (), serialize_unit_struct(&'static str) -> (),
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant,
        serialize_unit_variant(&'static str, u32, &'static str) -> ());
    fn serialize_seq(self, _: Option<usize>) -> Result<Splice<'a>, Error> {
        Ok(Splice(self.0))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(Error::NotSerializable("raw text".into()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error::NotSerializable("raw text".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error::NotSerializable("raw text".into()))
    }
}

/// A record's text spliced with values: its pieces are text to copy as it is (strings) or
/// values to write (newtypes).
pub(crate) struct Splice<'a>(&'a mut Writer);

impl ser::SerializeSeq for Splice<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, piece: &T) -> Result<(), Error> {
        piece.serialize(PieceOut(&mut *self.0))
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// Where one piece of a [`Splice`] goes.
struct PieceOut<'a>(&'a mut Writer);

impl ser::Serializer for PieceOut<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.out.extend_from_slice(v.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(&mut *self.0)
    }
    not_a_key!(serialize_bool(bool) -> (), serialize_i8(i8) -> (), serialize_i16(i16) -> (),
        serialize_i32(i32) -> (), serialize_i64(i64) -> (), serialize_u8(u8) -> (),
        serialize_u16(u16) -> (), serialize_u32(u32) -> (), serialize_u64(u64) -> (),
        serialize_f32(f32) -> (), serialize_f64(f64) -> (), serialize_char(char) -> (),
        serialize_bytes(&[u8]) -> (),
        serialize_none() -> (), serialize_unit() -> (), serialize_unit_struct(&'static str) -> (),
        serialize_seq(Option<usize>) -> Self::SerializeSeq, serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant,
        serialize_unit_variant(&'static str, u32, &'static str) -> ());
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(Error::NotSerializable("a piece of a record".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error::NotSerializable("a piece of a record".into()))
    }
}

/// Copies valid JSON text (or a run of its tokens) as `JSON.stringify` would write what it
/// stands for: white space dropped, numbers printed by JavaScript's rules, strings escaped as
/// JavaScript escapes them (a lone surrogate stays an escape).
pub(crate) fn canonical(out: &mut Vec<u8>, text: &[u8]) {
    let mut at = 0;
    while let Some(&b) = text.get(at) {
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => at += 1,
            b'"' => {
                let start = at;
                at += 1;
                loop {
                    at += super::scan::plain_run(text.get(at..).unwrap_or_default());
                    match text.get(at) {
                        Some(b'\\') => at += 2,
                        Some(_) => {
                            at += 1;
                            break;
                        }
                        None => break,
                    }
                }
                canonical_string(out, &text[start..at]);
            }
            b'-' | b'0'..=b'9' => {
                let start = at;
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = text.get(at) {
                    at += 1;
                }
                let number = std::str::from_utf8(&text[start..at]).unwrap_or("0");
                match number.parse::<i64>() {
                    Ok(n)
                        if n.unsigned_abs() < 9_007_199_254_740_992
                            && !number.starts_with("-0") =>
                    {
                        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                    }
                    // JavaScript reads every number as a double.
                    _ => write_f64(out, number.parse().unwrap_or(f64::NAN)),
                }
            }
            _ => {
                out.push(b);
                at += 1;
            }
        }
    }
}

/// One string token (quotes included), written as `JSON.stringify` writes its value.
fn canonical_string(out: &mut Vec<u8>, token: &[u8]) {
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .unwrap_or_default();
    let inner = std::str::from_utf8(inner).unwrap_or_default();
    if !inner.contains('\\') {
        out.extend_from_slice(token);
        return;
    }
    // Decoded piece by piece, so that a lone surrogate is kept as its escape.
    out.push(b'"');
    let mut rest = inner;
    while let Some(i) = rest.find('\\') {
        let mut run = String::new();
        run.push_str(&rest[..i]);
        let escape = &rest[i..];
        let taken = if escape.starts_with("\\u") {
            let unit = u32::from_str_radix(escape.get(2..6).unwrap_or("0"), 16).unwrap_or(0);
            if (0xD800..0xDC00).contains(&unit) && escape[6..].starts_with("\\u") {
                let low = u32::from_str_radix(escape.get(8..12).unwrap_or("0"), 16).unwrap_or(0);
                if (0xDC00..0xE000).contains(&low) {
                    let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                    run.push(c.unwrap_or('\u{FFFD}'));
                    12
                } else {
                    push_lone(out, &run, unit);
                    run.clear();
                    6
                }
            } else if (0xD800..0xE000).contains(&unit) {
                push_lone(out, &run, unit);
                run.clear();
                6
            } else {
                run.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                6
            }
        } else {
            run.push(match escape.as_bytes().get(1) {
                Some(b'n') => '\n',
                Some(b't') => '\t',
                Some(b'r') => '\r',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(&c) => char::from(c),
                None => '\\',
            });
            2
        };
        let mut piece = Vec::new();
        write_string(&mut piece, &run);
        out.extend_from_slice(&piece[1..piece.len() - 1]);
        rest = escape.get(taken..).unwrap_or_default();
    }
    let mut piece = Vec::new();
    write_string(&mut piece, rest);
    out.extend_from_slice(&piece[1..piece.len() - 1]);
    out.push(b'"');
}

/// `run` then a lone surrogate, as `JSON.stringify` writes one: `\udxxx`.
fn push_lone(out: &mut Vec<u8>, run: &str, unit: u32) {
    let mut piece = Vec::new();
    write_string(&mut piece, run);
    out.extend_from_slice(&piece[1..piece.len() - 1]);
    out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
}
