//! The body of the service's responses.

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The body of [`ExtensionService`](super::ExtensionService)'s responses: an answer's bytes,
/// in one part, or for a long answer in the parts it was written in (a few hundred KiB each),
/// sent as they are. Its length is known (`Content-Length`), as Node's server sends it.
#[derive(Debug, Default)]
pub struct ResponseBody {
    /// The part sent next (none when sent or empty), apart so that a body of one part, the
    /// common case, allocates nothing.
    next: Option<Bytes>,
    /// The parts after it.
    rest: VecDeque<Bytes>,
    /// The bytes not sent yet.
    len: u64,
}

impl ResponseBody {
    /// A body of `bytes`.
    pub(crate) fn one(bytes: Bytes) -> Self {
        ResponseBody {
            len: bytes.len() as u64,
            next: Some(bytes).filter(|b| !b.is_empty()),
            rest: VecDeque::new(),
        }
    }

    /// A body of `parts`, in order.
    pub(crate) fn parts(parts: Vec<Bytes>) -> Self {
        let mut rest: VecDeque<Bytes> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        let len = rest.iter().map(|p| p.len() as u64).sum();
        let next = rest.pop_front();
        ResponseBody { next, rest, len }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        let part = this.next.take();
        this.next = this.rest.pop_front();
        Poll::Ready(part.map(|part| {
            this.len -= part.len() as u64;
            Ok(Frame::data(part))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.next.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}
