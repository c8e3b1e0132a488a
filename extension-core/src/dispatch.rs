//! The dispatcher: PROTOCOL.md sections 3 to 5, shared by every host.

use crate::config::Configuration;
use crate::error::{ErrorItem, Failure};
use crate::js::{to_js_number, to_js_string, truthy, truthy_opt, utf16_len};
use crate::kind::Group;
use crate::registry::{Pending, Registration, Registry, RegistryError, Reply};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Response limit when the envelope sets none (5 MiB, counted in UTF-16 units).
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 5_242_880;

/// The extension options of one call: which module, group and function, the response
/// limit, and the function options as unparsed JSON text (decoded straight into the
/// function's own options type). Over HTTP this is the request body; on Lambda the client
/// context plus the event.
#[derive(Debug, Default, Deserialize)]
pub struct Envelope<'a> {
    /// `diy` (JavaScript truthiness).
    #[serde(default)]
    pub diy: Option<Value>,
    /// `_connectorId`.
    #[serde(rename = "_connectorId", default)]
    pub connector_id: Option<Value>,
    /// `type`: the group, absent for flat requests.
    #[serde(rename = "type", default)]
    pub type_: Option<Value>,
    /// `function`: the function's wire name.
    #[serde(default)]
    pub function: Option<Value>,
    /// `maxResponseSize`: overrides the response limit when truthy.
    #[serde(rename = "maxResponseSize", default)]
    pub max_response_size: Option<Value>,
    /// `options`: the function options.
    #[serde(borrow, default)]
    pub options: Option<&'a RawValue>,
    /// `access_token`: the HTTP host's fallback credential (section 6.3.1).
    #[serde(default)]
    pub access_token: Option<Value>,
}

impl<'a> Envelope<'a> {
    /// Reads an HTTP-style envelope (the function options in its `options` member). A JSON
    /// value that is not an object is an envelope with nothing set, as in Node.
    pub fn from_json(text: &'a str) -> Result<Self, serde_json::Error> {
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text)
        } else {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map(|_| Envelope::default())
        }
    }
}

/// Finds and calls registered functions for a host's [`Configuration`].
#[derive(Clone, Debug)]
pub struct Dispatcher {
    config: Configuration,
    registry: &'static Registry,
}

impl Dispatcher {
    /// A dispatcher over the functions linked into this binary. Fails when none are
    /// registered or two answer the same request.
    pub fn new(config: Configuration) -> Result<Self, RegistryError> {
        Ok(Dispatcher::with_registry(config, Registry::global()?))
    }

    /// A dispatcher over a registry of your own (tests, embedding).
    pub fn with_registry(config: Configuration, registry: &'static Registry) -> Self {
        Dispatcher { config, registry }
    }

    /// The configuration served.
    pub fn configuration(&self) -> &Configuration {
        &self.config
    }

    /// The registered functions.
    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    /// Reads an HTTP-style envelope and dispatches it. Text that is not JSON fails with 400
    /// `invalid_json`: hosts normally reject it before dispatching.
    pub async fn call_json(&self, body: &str) -> Result<Reply, Failure> {
        match Envelope::from_json(body) {
            Ok(envelope) => self.call(&envelope).await,
            Err(e) => Err(Failure {
                status_code: 400,
                errors: vec![ErrorItem::new(
                    "invalid_json",
                    format!("The request body is not valid JSON: {e}."),
                )],
            }),
        }
    }

    /// Validates the envelope, finds the function, runs it and checks its result (sections
    /// 3.1 to 3.8 and 5). A panic in the function is a 422 `function_panicked`.
    pub async fn call(&self, envelope: &Envelope<'_>) -> Result<Reply, Failure> {
        let (registration, options) = self.resolve(envelope)?;
        let reply = run(registration, options).await?;
        check_size(&reply, envelope.max_response_size.as_ref())?;
        Ok(reply)
    }

    /// The function an envelope names, after the checks of sections 3.1, 3.3 and 3.4.
    pub fn resolve<'e>(
        &self,
        envelope: &Envelope<'e>,
    ) -> Result<(&'static Registration, &'e RawValue), Failure> {
        let mut errors = Vec::new();
        if truthy_opt(envelope.diy.as_ref()) {
            if !self.config.is_diy() {
                errors.push(ErrorItem::new(
                    "missing_required_field",
                    "DIY is not configured in the extension configuration.",
                ));
            }
        } else if let Some(id) = envelope.connector_id.as_ref().filter(|v| truthy(v)) {
            if !self.config.serves_connector(&to_js_string(id)) {
                errors.push(ErrorItem::new(
                    "invalid_field",
                    "The _connectorId set in the extension options does't match any of the _connectorId's present in extension configuration.",
                ));
            }
        } else {
            errors.push(ErrorItem::new(
                "missing_required_field",
                "Need to set either the diy or _connectorId field in extension options.",
            ));
        }
        let function = match envelope.function.as_ref() {
            Some(f) if truthy(f) => match f {
                Value::String(name) => Some(name.as_str()),
                _ => {
                    errors.push(ErrorItem::new(
                        "invalid_field",
                        "The function field in the extension options must be of type string.",
                    ));
                    None
                }
            },
            _ => {
                errors.push(ErrorItem::new(
                    "missing_required_field",
                    "Missing required field function in the extension options.",
                ));
                None
            }
        };
        let options = envelope.options.filter(|raw| raw_truthy(raw));
        if options.is_none() {
            errors.push(ErrorItem::new(
                "missing_required_field",
                "Function options haven't been provided.",
            ));
        }
        let (Some(function), Some(options), true) = (function, options, errors.is_empty()) else {
            return Err(Failure::unprocessable(errors));
        };

        let registration = match envelope.type_.as_ref().filter(|t| truthy(t)) {
            Some(type_) => {
                let type_ = to_js_string(type_);
                let group = Group::from_type(&type_).filter(|g| self.registry.has_group(*g));
                let Some(group) = group else {
                    return Err(Failure::single(
                        "object_not_found",
                        format!("The object {type_} doesn't exist in the module."),
                    ));
                };
                self.registry.grouped(group, function)
            }
            None => self.registry.flat(function),
        };
        registration.map(|r| (r, options)).ok_or_else(|| {
            Failure::single(
                "invalid_function",
                "The function passed in the extension options doesn't map to a function.",
            )
        })
    }
}

/// Truthiness of raw JSON text without parsing objects and arrays (always truthy).
fn raw_truthy(raw: &RawValue) -> bool {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{' | b'[') => true,
        _ => serde_json::from_str::<Value>(text).is_ok_and(|v| truthy(&v)),
    }
}

/// Runs a function, turning a panic (while decoding or running) into a 422.
async fn run(registration: &'static Registration, options: &RawValue) -> Result<Reply, Failure> {
    match catch_unwind(AssertUnwindSafe(|| (registration.invoke)(options))) {
        Ok(pending) => CatchUnwind(pending).await,
        Err(payload) => Err(panic_failure(payload)),
    }
}

/// Polls a call, answering a panic as a failure instead of unwinding into the host.
struct CatchUnwind(Pending);

impl Future for CatchUnwind {
    type Output = Result<Reply, Failure>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(panic_failure(payload))),
        }
    }
}

fn panic_failure(payload: Box<dyn std::any::Any + Send>) -> Failure {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    Failure::single(
        "function_panicked",
        format!("The extension function panicked: {detail}"),
    )
}

/// Section 5: the result's compact JSON length in UTF-16 units must not exceed the limit.
fn check_size(reply: &Reply, max: Option<&Value>) -> Result<(), Failure> {
    let size = match reply {
        Reply::NoValue => 0,
        Reply::Json(bytes) => utf16_len(bytes),
    };
    let limit = max.filter(|v| truthy(v));
    let exceeded = match limit {
        // JavaScript's `size > limit`: a limit that is no number never fails.
        Some(limit) => size as f64 > to_js_number(limit),
        None => size as u64 > DEFAULT_MAX_RESPONSE_SIZE,
    };
    if exceeded {
        // Worded only when needed: this runs on every call.
        let shown = limit.map_or_else(|| DEFAULT_MAX_RESPONSE_SIZE.to_string(), to_js_string);
        return Err(Failure::single(
            "response_size_exceeded",
            format!("response stream exceeded limit of {shown} bytes."),
        ));
    }
    Ok(())
}
