//! What a host knows about a call besides its envelope: the seam's second input.

use crate::kinds::FunctionKind;
use std::time::Instant;

/// The host a call came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// The HTTP server (`hosts::http`).
    Http,
    /// AWS Lambda (`hosts::lambda`).
    Lambda,
    /// In process: tests, the command line's `invoke` (`hosts::local`).
    Local,
}

/// Where a call came from and how long it may take.
#[derive(Clone, Debug)]
pub struct Context {
    host: Host,
    request_id: String,
    trace_id: Option<String>,
    deadline: Option<Instant>,
    function: Option<(&'static str, FunctionKind)>,
}

impl Context {
    /// A call through `host`, with the host's id for it (`_reqId` over HTTP, the AWS request
    /// id on Lambda).
    pub fn new(host: Host, request_id: impl Into<String>) -> Self {
        Context {
            host,
            request_id: request_id.into(),
            trace_id: None,
            deadline: None,
            function: None,
        }
    }

    /// The same context with integrator.io's `traceid`.
    #[must_use]
    pub fn with_trace_id(mut self, trace_id: Option<String>) -> Self {
        self.trace_id = trace_id;
        self
    }

    /// The same context with the instant by which the call must have answered.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Option<Instant>) -> Self {
        self.deadline = deadline;
        self
    }

    pub(crate) fn for_function(mut self, name: &'static str, kind: FunctionKind) -> Self {
        self.function = Some((name, kind));
        self
    }

    /// The host the call came through.
    pub fn host(&self) -> Host {
        self.host
    }

    /// The host's id for the call.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// integrator.io's trace id (the `traceid` header over HTTP), when it sent one.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// When the call must have answered: Lambda's deadline, or the HTTP host's configured
    /// call timeout.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The wire name of the function called, once the dispatcher found it.
    pub fn function(&self) -> Option<&'static str> {
        self.function.map(|(name, _)| name)
    }

    /// The kind of the function called, once the dispatcher found it.
    pub fn kind(&self) -> Option<FunctionKind> {
        self.function.map(|(_, kind)| kind)
    }
}
