//! Unit-testing extension functions: call any registered function, by its wire name or its
//! Rust path, with typed options or JSON, through the same dispatcher as the servers, on a
//! real tokio runtime (async I/O inside the function works), and read the typed response or
//! the exact wire bytes and status.
//!
//! ```
//! use extension_core::prelude::*;
//! use extension_core::testing::TestHost;
//!
//! #[pre_map]
//! async fn keep_named(options: PreMapOptions) -> Result<PreMapResponse, ExtensionError> {
//!     Ok(options.data.into_iter().map(MapResult::keep).collect())
//! }
//!
//! # fn main() {
//! let host = TestHost::new();
//! let reply = host
//!     .call("keep_named")
//!     .options(&PreMapOptions::from_json(json!({"data": [{"name": "ada"}]})).unwrap())
//!     .send();
//! assert_eq!(reply.status(), 200);
//! let response: PreMapResponse = reply.response();
//! assert_eq!(response[0].data.as_ref().unwrap()["name"], "ada");
//! # }
//! ```

use crate::hosts::local::Local;
use crate::{
    Configuration, Context, Dispatcher, Envelope, ErrorItem, Host, JsonText, Outcome, Registration,
    Registry, Reply, StateValue, States,
};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// Functions served in process for tests: every function linked into the test binary (or a
/// registry of your own), as the DIY module unless connectors are given, with the state they
/// need.
pub struct TestHost {
    local: Local,
    connector: Option<String>,
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost::new()
    }
}

impl TestHost {
    /// Every linked function, as the DIY module, with no state. Panics with the start-up
    /// error (no function, a duplicate name, a function that needs state) when there is one.
    pub fn new() -> Self {
        TestHost::builder().build()
    }

    /// A host with state, connectors, or a registry of your own.
    pub fn builder() -> TestHostBuilder {
        TestHostBuilder {
            connectors: Vec::new(),
            states: States::new(),
            registry: None,
        }
    }

    /// The dispatcher the calls go through.
    pub fn dispatcher(&self) -> &Dispatcher {
        self.local.dispatcher()
    }

    /// Runs a future on the host's runtime (to call an `async fn` directly, say).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.local.block_on(future)
    }

    /// A call of the function registered under this wire name.
    pub fn call(&self, function: &str) -> TestCall<'_> {
        TestCall {
            host: self,
            function: function.to_owned(),
            type_: None,
            options: Some(Value::Object(Map::new())),
            envelope: Map::new(),
        }
    }

    /// A call of the function at this Rust path: the whole path (`my_crate::hooks::tag`) or
    /// its end (`hooks::tag`, `tag`). Panics when none or several functions match.
    pub fn call_path(&self, rust_path: &str) -> TestCall<'_> {
        let registration = self.find(rust_path);
        let call = self.call(registration.name());
        match registration.group() {
            Some(group) => call.type_(group.type_name()),
            None => call,
        }
    }

    fn find(&self, rust_path: &str) -> &'static Registration {
        let matches: Vec<_> = self
            .dispatcher()
            .registry()
            .iter()
            .filter(|r| {
                let path = r.rust_path();
                path == rust_path || path.ends_with(&format!("::{rust_path}"))
            })
            .collect();
        match matches.as_slice() {
            [one] => one,
            [] => panic!("no registered function at the Rust path `{rust_path}`"),
            several => panic!(
                "`{rust_path}` names {} functions: {}; give more of the path",
                several.len(),
                several
                    .iter()
                    .map(|r| r.rust_path())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn envelope(&self, call: &TestCall<'_>) -> (Envelope, Context) {
        let mut envelope = call.envelope.clone();
        match &self.connector {
            Some(id) => envelope.insert("_connectorId".into(), Value::String(id.clone())),
            None => envelope.insert("diy".into(), Value::Bool(true)),
        };
        envelope.insert("function".into(), Value::String(call.function.clone()));
        if let Some(type_) = &call.type_ {
            envelope.insert("type".into(), Value::String(type_.clone()));
        }
        let text = Bytes::from(Value::Object(envelope).to_string());
        let envelope = Envelope::read(text, &[]).expect("JSON we wrote");
        let options = call
            .options
            .as_ref()
            .map(|o| JsonText::parse(Bytes::from(o.to_string())).expect("JSON we wrote"));
        let context = Context::new(Host::Local, "test");
        (envelope.with_options(options), context)
    }
}

/// Builds a [`TestHost`].
pub struct TestHostBuilder {
    connectors: Vec<String>,
    states: States,
    registry: Option<Arc<Registry>>,
}

impl TestHostBuilder {
    /// Serve the functions as this connector's module, and call them with its
    /// `_connectorId` (instead of `diy`).
    #[must_use]
    pub fn connector(mut self, id: impl Into<String>) -> Self {
        self.connectors.push(id.into());
        self
    }

    /// Give functions this value as their `State<T>`.
    #[must_use]
    pub fn state<T: StateValue>(mut self, value: T) -> Self {
        self.states.insert(value);
        self
    }

    /// Serve these functions instead of every linked one.
    #[must_use]
    pub fn registry(mut self, registry: impl Into<Arc<Registry>>) -> Self {
        self.registry = Some(registry.into());
        self
    }

    /// The host. Panics with the start-up error, as a server would refuse to start.
    pub fn build(self) -> TestHost {
        let modules = if self.connectors.is_empty() {
            Configuration::diy()
        } else {
            Configuration::connectors(self.connectors.iter().cloned())
                .expect("connectors were given")
        };
        let mut builder = Dispatcher::builder(modules).states(self.states);
        if let Some(registry) = self.registry {
            builder = builder.registry(registry);
        }
        let dispatcher = builder.build().unwrap_or_else(|e| panic!("{e}"));
        TestHost {
            local: Local::new(dispatcher).expect("a tokio runtime"),
            connector: self.connectors.into_iter().next(),
        }
    }
}

/// One call being prepared: options `{}` unless given.
pub struct TestCall<'a> {
    host: &'a TestHost,
    function: String,
    type_: Option<String>,
    options: Option<Value>,
    envelope: Map<String, Value>,
}

impl TestCall<'_> {
    /// Typed options (or anything serialisable).
    #[must_use]
    pub fn options<T: Serialize>(mut self, options: &T) -> Self {
        self.options = Some(serde_json::to_value(options).expect("options serialise to JSON"));
        self
    }

    /// Options as JSON.
    #[must_use]
    pub fn json(mut self, options: Value) -> Self {
        self.options = Some(options);
        self
    }

    /// No options at all (the call then fails as section 3.1 says).
    #[must_use]
    pub fn without_options(mut self) -> Self {
        self.options = None;
        self
    }

    /// Send a `type` (a grouped, 1.0-style request) instead of a flat one.
    #[must_use]
    pub fn type_(mut self, type_: &str) -> Self {
        self.type_ = Some(type_.to_owned());
        self
    }

    /// Any other envelope member (`maxResponseSize`, say).
    #[must_use]
    pub fn envelope(mut self, member: &str, value: Value) -> Self {
        self.envelope.insert(member.to_owned(), value);
        self
    }

    /// Sends the call on the host's runtime and waits for its answer.
    pub fn send(self) -> TestReply {
        let host = self.host;
        host.local.block_on(self.send_async())
    }

    /// Sends the call on the caller's runtime (inside `#[tokio::test]`).
    pub async fn send_async(self) -> TestReply {
        let (envelope, context) = self.host.envelope(&self);
        TestReply::from(self.host.dispatcher().dispatch(&envelope, context).await)
    }
}

/// What a call answered, as HTTP carries it: the status and the exact body.
#[derive(Clone, PartialEq, Eq)]
pub struct TestReply {
    status: u16,
    body: Bytes,
}

impl From<Outcome> for TestReply {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Ok(Reply::Json(body)) => TestReply { status: 200, body },
            Ok(Reply::NoValue) => TestReply {
                status: 200,
                body: Bytes::new(),
            },
            Err(failure) => TestReply {
                status: failure.status_code,
                body: serde_json::to_vec(&serde_json::json!({ "errors": failure.errors }))
                    .unwrap_or_default()
                    .into(),
            },
        }
    }
}

impl TestReply {
    /// The HTTP status: 200, or the failure's (422 mostly).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body byte for byte: the result's JSON, nothing for no value, or
    /// `{"errors":[...]}`.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as JSON (`null` for no value).
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body).expect("the dispatcher writes JSON")
    }

    /// The typed response. Panics, with the errors, when the call failed.
    pub fn response<T: DeserializeOwned>(&self) -> T {
        assert_eq!(self.status, 200, "the call failed: {self:?}");
        serde_json::from_value(self.json())
            .unwrap_or_else(|e| panic!("the response does not fit the type asked for: {e}"))
    }

    /// The errors of a failed call (none for a success).
    pub fn errors(&self) -> Vec<ErrorItem> {
        if self.status == 200 {
            return Vec::new();
        }
        serde_json::from_value(self.json()["errors"].clone()).unwrap_or_default()
    }
}

impl fmt::Debug for TestReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, String::from_utf8_lossy(&self.body))
    }
}
