//! The JSON engine of the request path: one validating scan of a body ([`scan`]), options
//! decoded from the scanned text with JavaScript's reading of values ([`de`]), responses
//! encoded as `JSON.stringify` writes them with the size rule counted on the way ([`ser`]),
//! and [`Record`], the default record type, which keeps a record's text and decodes only the
//! members a function touches.
//!
//! Why not serde_json alone: it builds a tree for every record (most of a page's cost, and
//! slower than V8), and its raw values cannot say whether a record's text is what
//! `JSON.stringify` would write, which is what lets an untouched record be echoed as bytes.
//! serde_json stays for `Value` itself and for everything off the request path.

pub(crate) mod de;
mod record;
pub(crate) mod scan;
pub(crate) mod ser;

pub use record::Record;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

/// Limits every scan of a body enforces: serde_json's nesting limit (so that texts it took
/// before still read), and the bookkeeping bounds of the scan itself.
pub(crate) const LIMITS: scan::Limits = scan::Limits {
    depth: 128,
    regions: 4096,
    indexed: 128,
};

/// A scanned JSON text: its bytes (UTF-8, checked) and what the scan found.
pub(crate) struct Document {
    bytes: Bytes,
    pub(crate) scanned: scan::Scanned,
}

impl Document {
    /// The text.
    pub(crate) fn text(&self) -> &str {
        // SAFETY: `scan`, the only constructor, checked that the bytes are UTF-8, and `Bytes`
        // never changes its contents.
        unsafe { std::str::from_utf8_unchecked(&self.bytes) }
    }

    /// Scans `bytes` (UTF-8 is checked by the scan).
    pub(crate) fn scan(bytes: Bytes) -> Result<Arc<Document>, scan::ScanError> {
        if bytes.len() > u32::MAX as usize {
            return Err(scan::ScanError {
                offset: u32::MAX as usize,
                message: "the text is too long",
            });
        }
        let scanned = scan::scan(&bytes, LIMITS)?;
        Ok(Arc::new(Document { bytes, scanned }))
    }
}

thread_local! {
    /// The body being decoded on this thread, so that a [`Record`] can keep its text as a
    /// slice of it instead of a copy.
    /// With it, whether any object in it names a member twice.
    static SOURCE: RefCell<Option<(Bytes, bool)>> = const { RefCell::new(None) };
}

/// Restores the previous [`SOURCE`] when a decode ends, also by a panic.
struct SourceGuard(Option<(Bytes, bool)>);

impl Drop for SourceGuard {
    fn drop(&mut self) {
        let previous = self.0.take();
        SOURCE.with(|s| *s.borrow_mut() = previous);
    }
}

/// Decodes the value at `range` of a scanned document as `T`; the values built may take
/// `budget` bytes (an error with [`de::EXHAUSTED`] past it). With `isolate`, a record that
/// does not fit its type is skipped and answered among the misfits (see `crate::isolate`).
pub(crate) fn decode<T: DeserializeOwned>(
    doc: &Document,
    range: Range<usize>,
    budget: u64,
    isolate: bool,
) -> Result<(T, Vec<crate::isolate::Misfit>), de::Error> {
    let _guard = SourceGuard(SOURCE.with(|s| {
        s.borrow_mut()
            .replace((doc.bytes.clone(), doc.scanned.repeated))
    }));
    let text = doc.text().get(range.clone()).unwrap_or("null");
    let mut de = de::Deserializer::new(text, &doc.scanned, range.start, budget);
    de.isolate = isolate;
    let (value, misfits) = if isolate {
        crate::isolate::collecting(|| T::deserialize(&mut de))
    } else {
        (T::deserialize(&mut de), Vec::new())
    };
    if de.exhausted {
        return Err(de::Error::exhausted());
    }
    let value = value?;
    de.end()?;
    Ok((value, misfits))
}

/// Where a record's text (checked by a scan) does not fit `T`: the path inside it and
/// serde's message; `None` when it fits or the budget runs out first.
pub(crate) fn misfit_path<T: DeserializeOwned>(
    text: &[u8],
    budget: u64,
) -> Option<(String, String)> {
    let text = std::str::from_utf8(text).ok()?;
    let mut de = de::Deserializer::new(text, &record::UNSCANNED, 0, budget);
    let found = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => Some((e.path().to_string(), e.into_inner().to_string())),
        Ok(_) => None,
    };
    found.filter(|_| !de.exhausted)
}

/// Decodes as [`decode`] does, saying where the value did not fit: the path (`data[3].id`,
/// `.` for the whole value) and serde's message. Only for the error path: it is slower.
/// With `isolate`, records are skipped (as [`decode`] skips those that do not fit): the
/// error found is one that failed the call.
pub(crate) fn decode_path<T: DeserializeOwned>(
    doc: &Document,
    range: Range<usize>,
    budget: u64,
    isolate: bool,
) -> (String, String) {
    let _guard = SourceGuard(SOURCE.with(|s| {
        s.borrow_mut()
            .replace((doc.bytes.clone(), doc.scanned.repeated))
    }));
    let text = doc.text().get(range.clone()).unwrap_or("null");
    let mut de = de::Deserializer::new(text, &doc.scanned, range.start, budget);
    // Not decoded at all: a record's own error, even swallowed, would be the path reported.
    de.skip_records = isolate;
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        Ok(_) => (".".to_owned(), "the value does not fit".to_owned()),
    }
}

/// `text` as a slice of the document being decoded on this thread, shared without copying,
/// and whether a name may repeat in its objects; `None` when it is not part of it.
pub(crate) fn shared_slice(text: &[u8]) -> Option<(Bytes, bool)> {
    SOURCE.with(|s| match &*s.borrow() {
        Some((source, repeated)) if contains(source, text) => {
            Some((source.slice_ref(text), *repeated))
        }
        _ => None,
    })
}

fn contains(outer: &[u8], inner: &[u8]) -> bool {
    let outer = outer.as_ptr_range();
    let inner = inner.as_ptr_range();
    outer.start <= inner.start && inner.end <= outer.end
}

/// The members of the object at the start of `text`, scanned already: each name (decoded)
/// and its value's byte range in `text`; `None` when the value is not an object.
pub(crate) fn members<'t>(
    text: &'t str,
    scanned: &'t scan::Scanned,
    base: usize,
) -> Result<Option<de::MemberList<'t>>, de::Error> {
    de::Deserializer::new(text, scanned, base, u64::MAX).members()
}

/// Calls `each` with the members of the object at the start of `text`, keeping none (an
/// envelope of millions of members costs nothing to read); `false` when it is not an object.
pub(crate) fn each_member<'t>(
    text: &'t str,
    scanned: &'t scan::Scanned,
    each: impl FnMut(std::borrow::Cow<'t, str>, Range<usize>),
) -> Result<bool, de::Error> {
    de::Deserializer::new(text, scanned, 0, u64::MAX).each_member(each)
}

#[cfg(test)]
mod tests;
