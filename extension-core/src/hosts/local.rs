//! The in-process host: the seam and nothing else. Tests and the command line's `invoke` call
//! functions through it exactly as the servers do, on a runtime of its own.

use crate::{Context, Dispatcher, Envelope, Host, JsonText, Outcome};
use bytes::Bytes;
use std::sync::atomic::{AtomicU64, Ordering};

/// Calls functions in process, through the same dispatcher as the servers.
#[derive(Debug)]
pub struct Local {
    dispatcher: Dispatcher,
    /// Always `Some` but in `drop`.
    runtime: Option<tokio::runtime::Runtime>,
    calls: AtomicU64,
}

impl Local {
    /// A host for `dispatcher`, with a runtime of its own: `async fn`s run on it and plain
    /// `fn`s on its blocking pool, as in the servers.
    pub fn new(dispatcher: Dispatcher) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Local {
            dispatcher,
            runtime: Some(runtime),
            calls: AtomicU64::new(0),
        })
    }

    /// The dispatcher it calls.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }

    /// Calls with an envelope as the HTTP host receives it: JSON text with the function
    /// options in its `options` member. Text that is not JSON is a 400 `invalid_json`, as over
    /// HTTP.
    pub fn call(&self, envelope: impl Into<Bytes>) -> Outcome {
        let envelope = Envelope::read(envelope.into(), &[]).map_err(invalid("request body"))?;
        self.run(envelope)
    }

    /// Calls with an envelope and the options apart, as the Lambda host receives them (the
    /// client context and the event).
    pub fn call_parts(&self, envelope: impl Into<Bytes>, options: impl Into<Bytes>) -> Outcome {
        let envelope = Envelope::read(envelope.into(), &[]).map_err(invalid("envelope"))?;
        let options = JsonText::parse(options.into()).map_err(invalid("options"))?;
        self.run(envelope.with_options(Some(options)))
    }

    /// Dispatches on this host's runtime.
    pub fn run(&self, envelope: Envelope) -> Outcome {
        let id = self.calls.fetch_add(1, Ordering::Relaxed);
        let context = Context::new(Host::Local, format!("local-{id}"));
        self.block_on(self.dispatcher.dispatch(&envelope, context))
    }

    /// Runs any future on this host's runtime (a test's own async code).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        match &self.runtime {
            Some(runtime) => runtime.block_on(future),
            None => unreachable!("the runtime is only taken when dropped"),
        }
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        // Without waiting: a host may be dropped inside an async test, where blocking is not
        // allowed, and a plain function still running is left to finish on its own.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn invalid(what: &'static str) -> impl Fn(serde_json::Error) -> crate::Failure {
    move |e| crate::Failure {
        status_code: 400,
        errors: vec![crate::ErrorItem::new(
            "invalid_json",
            format!("The {what} is not valid JSON: {e}."),
        )],
    }
}
