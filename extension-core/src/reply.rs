//! What a call answers, before a host encodes it for its transport.

use crate::error::Failure;
use bytes::Bytes;

/// What a function answered, already encoded as compact JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The function completed with no value (`Result<(), E>`): an empty HTTP body, `null` on
    /// Lambda.
    NoValue,
    /// The compact JSON text of the result.
    Json(Bytes),
}

impl Reply {
    /// The JSON text, or `None` for no value.
    pub fn json(&self) -> Option<&[u8]> {
        match self {
            Reply::NoValue => None,
            Reply::Json(bytes) => Some(bytes),
        }
    }
}

/// The outcome of one call: the reply, or the failure (status and errors) to answer instead.
pub type Outcome = Result<Reply, Failure>;

/// The response size limit of one call (section 5): the result's compact JSON may be at most
/// this long in UTF-16 units. The encoder counts on the way and stops once past it.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct SizeLimit {
    /// The limit as JavaScript compares it (`size > limit`).
    limit: f64,
    /// `maxResponseSize` as sent, for the message; `None` for the default.
    sent: Option<Box<str>>,
    /// How long the options were: responses are often about as long (a page echoed), so the
    /// encoder starts with that much room instead of growing by copies.
    pub(crate) hint: usize,
    /// Where a host that sends an answer in parts takes all of them but the last
    /// ([`Parts`]); `None` to encode one part.
    parts: Option<Parts>,
}

/// The parts of a long answer before its last, which the `Reply` holds: a host that sends
/// parts as they are (HTTP) gives the encoder a place for them, so that a page of megabytes
/// is not one block (see `json::ser::PART`), and every other caller still gets one buffer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Parts(std::sync::Arc<std::sync::Mutex<Vec<Bytes>>>);

impl Parts {
    /// A place for the parts of the answer to a body of `len` bytes. The encoder cuts a part
    /// only once an answer is a part long, whatever the body; bodies under 64 KiB, whose
    /// answers are rarely that long, are spared the place's allocation.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn for_body(len: usize) -> Option<Parts> {
        (len >= 64 << 10).then(Parts::default)
    }

    /// Keeps the parts of the last encode, all but its last.
    pub(crate) fn set(&self, parts: Vec<Bytes>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = parts;
    }

    /// The parts kept, leaving none.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn take(&self) -> Vec<Bytes> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl SizeLimit {
    /// The limit of `maxResponseSize` (its JavaScript number when it is truthy, else the
    /// default).
    pub(crate) fn of(sent: Option<crate::Member<'_>>) -> Self {
        match sent.filter(crate::Member::truthy) {
            Some(member) => SizeLimit {
                limit: member.to_js_number(),
                sent: Some(member.raw().into()),
                hint: 0,
                parts: None,
            },
            None => SizeLimit::default(),
        }
    }

    /// The same limit, with room for the answer to options of `sent` bytes from the start.
    pub(crate) fn with_room_for(mut self, sent: usize) -> Self {
        // About their length (a page echoed), and an eighth for what a function adds.
        self.hint = sent + sent / 8;
        self
    }

    /// The same limit, an answer encoded in parts kept in `parts` (when it is long enough
    /// to be cut).
    pub(crate) fn in_parts(mut self, parts: Option<Parts>) -> Self {
        self.parts = parts;
        self
    }

    /// Where to keep the parts of an answer, when it is to be encoded in parts.
    pub(crate) fn parts(&self) -> Option<&Parts> {
        self.parts.as_ref()
    }

    /// The most UTF-16 units a result may have.
    pub(crate) fn units(&self) -> u64 {
        // `size > limit` for a whole size: past the limit's floor; a limit that is no number
        // never fails, a negative one always does (no JSON text is empty).
        if self.limit.is_nan() {
            u64::MAX
        } else {
            self.limit.max(0.0).floor() as u64
        }
    }

    /// Whether a result of `size` units is too long.
    pub(crate) fn exceeded_by(&self, size: u64) -> bool {
        size as f64 > self.limit
    }

    /// The failure of a result past the limit.
    pub(crate) fn failure(&self) -> Failure {
        // Worded only when needed.
        let shown = match &self.sent {
            Some(raw) => crate::Member::from_raw(raw).to_js_string(),
            None => crate::DEFAULT_MAX_RESPONSE_SIZE.to_string(),
        };
        Failure::single(
            "response_size_exceeded",
            format!("response stream exceeded limit of {shown} bytes."),
        )
    }
}

impl Default for SizeLimit {
    fn default() -> Self {
        SizeLimit {
            limit: crate::DEFAULT_MAX_RESPONSE_SIZE as f64,
            sent: None,
            hint: 0,
            parts: None,
        }
    }
}
