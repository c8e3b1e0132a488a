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
