//! One record that does not fit the function's record type fails that record only: the
//! function gets the records that fit, and the record that does not gets its own error in
//! the response, at its index, in the slot its kind has for it (the `misfits` column of the
//! kinds table; README "Records that do not fit").
//!
//! How: the record fields of the options types read their elements through `records`,
//! whose elements our decoder tries one by one when the call isolates them (a decode of any
//! other deserializer fails as a whole, as before). A record that does not fit is skipped and
//! noted here, with its text; the call takes the aligned elements of the other arrays
//! (`preMapData[i]`, `responseData[i]`, `files[i]`) out of the options
//! (`SetAside::set_aside`) and puts the record's error back in the response
//! (`PutBack::put_back`).

use crate::error::ErrorItem;
use crate::hooks::{
    MapResult, NewErrorAndRetryData, PostMapOptions, PostSubmitOptions, PreMapOptions,
    PreSavePageOptions, PreSavePageResponse, ResponseData,
};
use crate::json::Record;
use crate::types::RecordError;
use crate::wrappers::{ImportOptions, ImportResult};
use bytes::Bytes;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

/// The code of a record's own error when it does not fit the function's record type.
pub(crate) const CODE: &str = "invalid_record";

/// A record of the options that did not fit the function's record type.
#[doc(hidden)]
pub struct Misfit {
    /// Its index in the records as sent.
    pub(crate) index: usize,
    /// Where inside the record it did not fit (`total`, `lines[2].sku`; `.` for the record
    /// itself) and serde's message.
    pub(crate) path: String,
    pub(crate) detail: String,
    /// Its text as sent (a slice of the body, not a copy).
    pub(crate) text: Bytes,
    /// The error the caller gets for it (set by the call, which knows the function's name).
    pub(crate) message: String,
}

/// What the options gave up with their misfit records: the `responseData` entries of a
/// postSubmit, which go back with the records' errors.
#[doc(hidden)]
#[derive(Default)]
pub struct Aside {
    response_data: Vec<ResponseData>,
}

/// What a decode that isolates records found: a record that did not fit, waiting for its
/// text and path, and the misfits finished.
#[derive(Default)]
struct Found {
    pending: Option<Pending>,
    misfits: Vec<Misfit>,
}

/// A record that did not fit: serde's message, then (from our decoder, which skipped it) its
/// text and the budget left.
struct Pending {
    detail: String,
    skipped: Option<(Bytes, u64)>,
}

thread_local! {
    /// Set while a decode on this thread isolates records.
    static FOUND: RefCell<Option<Found>> = const { RefCell::new(None) };
}

/// Runs `decode` isolating records, and answers what it decoded with the misfits found.
pub(crate) fn collecting<T>(decode: impl FnOnce() -> T) -> (T, Vec<Misfit>) {
    struct Restore(Option<Found>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            FOUND.with(|f| *f.borrow_mut() = previous);
        }
    }
    let _restore = Restore(FOUND.with(|f| f.borrow_mut().replace(Found::default())));
    let value = decode();
    let found = FOUND.with(|f| f.borrow_mut().take()).unwrap_or_default();
    (value, found.misfits)
}

/// A record did not fit: when records are isolated, its error is kept for it and `true`
/// says the decode goes on.
fn swallow(detail: String) -> bool {
    FOUND.with(|f| match &mut *f.borrow_mut() {
        Some(found) => {
            found.pending = Some(Pending {
                detail,
                skipped: None,
            });
            true
        }
        None => false,
    })
}

/// For our decoder, after an element: whether its record did not fit (and was not read to
/// its end: the decoder skips it, then says where with [`skipped`]).
pub(crate) fn unfit() -> bool {
    FOUND.with(|f| {
        matches!(
            &*f.borrow(),
            Some(Found {
                pending: Some(Pending { skipped: None, .. }),
                ..
            })
        )
    })
}

/// For our decoder: the text of the record that did not fit, and the budget left.
pub(crate) fn skipped(text: Bytes, budget: u64) {
    FOUND.with(|f| {
        if let Some(Found {
            pending: Some(pending),
            ..
        }) = &mut *f.borrow_mut()
        {
            pending.skipped = Some((text, budget));
        }
    });
}

/// Reads a record field: every element when our decoder isolates records, else as a
/// `Vec<R>` reads (the first element that does not fit fails the decode).
pub(crate) fn records<'de, D: Deserializer<'de>, R: DeserializeOwned + 'static>(
    deserializer: D,
) -> Result<Vec<R>, D::Error> {
    use std::any::TypeId;
    // `Record` and `Value` take any record: read as any vector is, at no cost at all.
    if TypeId::of::<R>() == TypeId::of::<Record>() || TypeId::of::<R>() == TypeId::of::<Value>() {
        return <Vec<R> as serde::Deserialize>::deserialize(deserializer);
    }
    deserializer.deserialize_seq(Records(PhantomData))
}

struct Records<R>(PhantomData<R>);

impl<'de, R: DeserializeOwned> Visitor<'de> for Records<R> {
    type Value = Vec<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As serde words it for a `Vec`, so that the message stays what it was.
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<R>, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let mut index = 0;
        while let Some(slot) = seq.next_element_seed(Isolated::<R>(PhantomData))? {
            match slot {
                Some(record) => records.push(record),
                None => finish::<R>(index),
            }
            index += 1;
        }
        Ok(records)
    }
}

/// One element: `Some` record, or `None` when our decoder skipped it as a misfit.
struct Isolated<R>(PhantomData<R>);

impl<'de, R: DeserializeOwned> DeserializeSeed<'de> for Isolated<R> {
    type Value = Option<R>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<R>, D::Error> {
        deserializer.deserialize_newtype_struct(crate::json::de::ISOLATED, self)
    }
}

impl<'de, R: DeserializeOwned> Visitor<'de> for Isolated<R> {
    type Value = Option<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Option<R>, D::Error> {
        match R::deserialize(d) {
            Ok(record) => Ok(Some(record)),
            Err(e) if swallow(e.to_string()) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Our decoder's word for a record it did not read.
    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<R>, E> {
        Ok(None)
    }
}

/// Turns the record our decoder just skipped into a misfit: the path inside it, found by
/// decoding it alone again (with what is left of the budget; the path is left out when that
/// runs out).
fn finish<R: DeserializeOwned>(index: usize) {
    let Some(Pending {
        detail,
        skipped: Some((text, budget)),
    }) = FOUND.with(|f| f.borrow_mut().as_mut().and_then(|f| f.pending.take()))
    else {
        return;
    };
    // Not isolating while the record is decoded again: its own errors are what is wanted.
    let found = FOUND.with(|f| f.borrow_mut().take());
    let (path, detail) =
        crate::json::misfit_path::<R>(&text, budget).unwrap_or_else(|| (".".to_owned(), detail));
    FOUND.with(|f| *f.borrow_mut() = found);
    FOUND.with(|f| {
        if let Some(found) = &mut *f.borrow_mut() {
            found.misfits.push(Misfit {
                index,
                path,
                detail,
                text,
                message: String::new(),
            });
        }
    });
}

/// Options whose records may not fit: the elements of other arrays aligned with a misfit
/// record leave with it.
pub(crate) trait SetAside {
    /// Takes out what goes with the records at `misfits` (ascending indexes of the records as
    /// sent, `sent` of them); `None` when the kind cannot answer them one by one (a
    /// postSubmit whose `responseData` is not aligned with its records).
    fn set_aside(&mut self, misfits: &[usize], sent: usize) -> Option<Aside>;
}

/// Removes the elements at `misfits` from an array aligned with the records (as long as they
/// were, else left as it is); answers the removed ones.
fn remove_aligned<T>(array: &mut Vec<T>, misfits: &[usize], sent: usize) -> Vec<T> {
    if array.len() != sent {
        return Vec::new();
    }
    let mut removed = Vec::with_capacity(misfits.len());
    let mut next = misfits.iter().peekable();
    let mut kept = Vec::with_capacity(sent - misfits.len());
    for (i, element) in std::mem::take(array).into_iter().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            removed.push(element);
        } else {
            kept.push(element);
        }
    }
    *array = kept;
    removed
}

impl<R> SetAside for PreSavePageOptions<R> {
    fn set_aside(&mut self, misfits: &[usize], sent: usize) -> Option<Aside> {
        if let Some(files) = &mut self.files {
            remove_aligned(files, misfits, sent);
        }
        Some(Aside::default())
    }
}

impl<R> SetAside for PreMapOptions<R> {
    fn set_aside(&mut self, _: &[usize], _: usize) -> Option<Aside> {
        Some(Aside::default())
    }
}

impl<R> SetAside for PostMapOptions<R> {
    fn set_aside(&mut self, misfits: &[usize], sent: usize) -> Option<Aside> {
        remove_aligned(&mut self.pre_map_data, misfits, sent);
        Some(Aside::default())
    }
}

impl<R> SetAside for PostSubmitOptions<R> {
    fn set_aside(&mut self, misfits: &[usize], sent: usize) -> Option<Aside> {
        // Its answer is `responseData`: a misfit record's entry must be there to go back.
        if self.response_data.len() != sent {
            return None;
        }
        remove_aligned(&mut self.pre_map_data, misfits, sent);
        let response_data = remove_aligned(&mut self.response_data, misfits, sent);
        Some(Aside { response_data })
    }
}

impl<R> SetAside for ImportOptions<R> {
    fn set_aside(&mut self, misfits: &[usize], sent: usize) -> Option<Aside> {
        remove_aligned(&mut self.pre_map_data, misfits, sent);
        Some(Aside::default())
    }
}

/// Responses with a slot for a record's own error: the misfits' errors go there.
pub(crate) trait PutBack {
    /// Puts each misfit's error in (its `message` set), at its index where the response has
    /// one element per record.
    fn put_back(&mut self, misfits: Vec<Misfit>, aside: Aside);
}

fn record_error(misfit: &Misfit) -> RecordError {
    RecordError::new(CODE, misfit.message.clone())
}

/// Inserts one element per misfit at its index (ascending, so each lands where it was sent).
fn insert_at<T>(elements: &mut Vec<T>, misfits: &[Misfit], mut make: impl FnMut(usize) -> T) {
    for (i, misfit) in misfits.iter().enumerate() {
        let at = misfit.index.min(elements.len());
        elements.insert(at, make(i));
    }
}

impl<R> PutBack for PreSavePageResponse<R> {
    fn put_back(&mut self, misfits: Vec<Misfit>, _: Aside) {
        // The record goes back as retry data (as sent), so that integrator.io keeps it.
        for misfit in &misfits {
            self.new_errors_and_retry_data.push(NewErrorAndRetryData {
                retry_data: Record::from_sent(misfit.text.clone()),
                errors: vec![record_error(misfit)],
            });
        }
    }
}

impl<R> PutBack for Vec<MapResult<R>> {
    fn put_back(&mut self, misfits: Vec<Misfit>, _: Aside) {
        insert_at(self, &misfits, |i| MapResult {
            data: None,
            errors: vec![record_error(&misfits[i])],
        });
    }
}

impl PutBack for Vec<ResponseData> {
    fn put_back(&mut self, misfits: Vec<Misfit>, aside: Aside) {
        let mut entries = aside.response_data.into_iter();
        let entries: Vec<ResponseData> = misfits
            .iter()
            .map(|misfit| {
                let mut entry = entries.next().unwrap_or_default();
                entry.errors.push(record_error(misfit));
                entry
            })
            .collect();
        let mut entries = entries.into_iter();
        insert_at(self, &misfits, |_| entries.next().unwrap_or_default());
    }
}

impl PutBack for Vec<ImportResult> {
    fn put_back(&mut self, misfits: Vec<Misfit>, _: Aside) {
        insert_at(self, &misfits, |i| ImportResult {
            status_code: 422,
            id: None,
            ignored: None,
            errors: vec![ErrorItem::new(CODE, misfits[i].message.clone())],
        });
    }
}
