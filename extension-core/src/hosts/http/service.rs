//! The routes of protocol section 6.2 as one `tower::Service`: mount it as the whole server
//! (`hosts::http::Server` does), or route to it from an app of your own
//! ([`ExtensionService::builder`]).

use super::body::{read_body, BodyError};
use super::conn::Heartbeat;
use super::response::ResponseBody;
use super::{HttpConfig, ServerState};
use crate::{Context, Dispatcher, Envelope, ErrorItem, Failure, Host, Reply};
use bytes::Bytes;
use hyper::body::Body;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode, Version};
use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The extension routes as a `tower::Service`.
#[derive(Clone)]
pub struct ExtensionService {
    shared: Arc<Shared>,
    /// The connection's heartbeat, when the server runs the service.
    heartbeat: Option<Heartbeat>,
}

struct Shared {
    dispatcher: Dispatcher,
    system_token: String,
    body_limit: usize,
    /// Body bytes being decoded at once (see [`HttpConfig::decode_budget`]).
    decoding: Decoding,
    heartbeat: Duration,
    call_timeout: Option<Duration>,
    open_operations: bool,
    state: Arc<ServerState>,
    /// Mounted in someone else's app: there is no server of ours to count or stop.
    standalone: bool,
}

impl ExtensionService {
    /// The routes of the server `state` belongs to.
    pub(super) fn new(
        dispatcher: Dispatcher,
        config: &HttpConfig,
        state: Arc<ServerState>,
    ) -> Self {
        crate::budget::tune_allocator();
        ExtensionService {
            heartbeat: None,
            shared: Arc::new(Shared {
                dispatcher,
                system_token: config.system_token.clone(),
                body_limit: config.body_limit,
                decoding: decoding(config.decode_budget),
                heartbeat: config.heartbeat,
                call_timeout: config.call_timeout,
                open_operations: config.open_operations,
                standalone: false,
                state,
            }),
        }
    }

    /// A service to mount in an app of your own: `POST /function` and the health routes,
    /// answering as the server does. It has no heartbeat, and `/openConnections` and
    /// `/stopServer` answer 404: the server they would count or stop is yours.
    pub fn builder(dispatcher: Dispatcher, system_token: impl Into<String>) -> ServiceBuilder {
        let defaults = HttpConfig::new(crate::Configuration::diy(), "");
        ServiceBuilder {
            dispatcher,
            system_token: system_token.into(),
            body_limit: defaults.body_limit,
            decode_budget: None,
            call_timeout: None,
        }
    }

    /// The same service for one connection, able to send it a `102 Processing`.
    pub(super) fn with_heartbeat(&self, heartbeat: Heartbeat) -> Self {
        ExtensionService {
            shared: Arc::clone(&self.shared),
            heartbeat: Some(heartbeat),
        }
    }
}

/// Builds an [`ExtensionService`] to mount in an app of your own.
#[derive(Debug)]
pub struct ServiceBuilder {
    dispatcher: Dispatcher,
    system_token: String,
    body_limit: usize,
    decode_budget: Option<usize>,
    call_timeout: Option<Duration>,
}

impl ServiceBuilder {
    /// The largest request body accepted (50 MiB by default, as Node's).
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Request bytes decoded at once, across calls (twice the body limit by default): calls
    /// past it wait, then are answered 503 (see [`HttpConfig::decode_budget`]).
    #[must_use]
    pub fn decode_budget(mut self, bytes: usize) -> Self {
        self.decode_budget = Some(bytes);
        self
    }

    /// How long a function may take before its call is answered with a 422
    /// `function_timeout` (its `Context::deadline`); none by default.
    #[must_use]
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// The service. Building it sets glibc's allocator thresholds for the process, once, as
    /// the server does (README, "Limits and memory"), unless `GLIBC_TUNABLES` tunes malloc.
    pub fn build(self) -> ExtensionService {
        crate::budget::tune_allocator();
        ExtensionService {
            heartbeat: None,
            shared: Arc::new(Shared {
                dispatcher: self.dispatcher,
                system_token: self.system_token,
                body_limit: self.body_limit,
                decoding: decoding(
                    self.decode_budget
                        .unwrap_or_else(|| self.body_limit.saturating_mul(2)),
                ),
                heartbeat: Duration::MAX,
                call_timeout: self.call_timeout,
                open_operations: false,
                standalone: true,
                state: Arc::default(),
            }),
        }
    }
}

/// A request body the service reads: any `http_body::Body` of `Bytes` (hyper's, axum's, ...).
pub trait RequestBody: Body<Data = Bytes, Error = Self::ReadError> + Send + 'static {
    /// The body's error.
    type ReadError: std::error::Error + Send + Sync + 'static;
}

impl<B> RequestBody for B
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type ReadError = B::Error;
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>>;

impl<B: RequestBody> tower_service::Service<Request<B>> for ExtensionService {
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> BoxFuture {
        let shared = Arc::clone(&self.shared);
        let heartbeat = self.heartbeat.clone();
        Box::pin(async move {
            let logged = tracing::enabled!(tracing::Level::INFO)
                && !matches!(request.uri().path(), "/livez" | "/readyz");
            if !logged {
                return Ok(route(&shared, heartbeat, request).await);
            }
            let started = Instant::now();
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            let response = route(&shared, heartbeat, request).await;
            // The path only: the query may carry an access_token.
            tracing::info!(
                log_name = "reqFinished",
                method = %method,
                url = %path.escape_debug(),
                status_code = response.status().as_u16(),
                response_time_ms = started.elapsed().as_secs_f64() * 1000.0,
            );
            Ok(response)
        })
    }
}

/// Express's routing defaults: case-insensitive paths, a trailing slash tolerated.
fn normalise(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_ascii_lowercase()
    }
}

async fn route<B: RequestBody>(
    shared: &Shared,
    heartbeat: Option<Heartbeat>,
    request: Request<B>,
) -> Response<ResponseBody> {
    let path = normalise(request.uri().path());
    let get = matches!(*request.method(), Method::GET | Method::HEAD);
    match (path.as_str(), get, request.method() == Method::POST) {
        ("/" | "/healthcheck", true, _) => {
            json(StatusCode::OK, Bytes::from_static(b"{\"success\":true}"))
        }
        ("/livez" | "/readyz", true, _) => {
            if shared.state.terminating.load(Ordering::SeqCst) {
                tracing::warn!(log_name = "healthCheckFailure", path = %path.escape_debug());
                text(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
            } else {
                text(StatusCode::OK, "OK")
            }
        }
        ("/function", _, true) => function(shared, heartbeat, request).await,
        ("/openconnections", true, _) if !shared.standalone => open_connections(shared, &request),
        ("/stopserver", true, _) if !shared.standalone => stop_server(shared, &request),
        _ => failure(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Cannot {} {}", request.method(), request.uri().path()),
        ),
    }
}

fn open_connections<B>(shared: &Shared, request: &Request<B>) -> Response<ResponseBody> {
    let terminate = query_param(request.uri().query(), "terminate").as_deref() == Some("true");
    if terminate {
        if !operations_allowed(shared, request) {
            return unauthorized();
        }
        shared.state.terminating.store(true, Ordering::SeqCst);
    }
    let others = shared.state.other_connections();
    Response::new(ResponseBody::one(Bytes::from(others.to_string())))
}

fn stop_server<B>(shared: &Shared, request: &Request<B>) -> Response<ResponseBody> {
    if !operations_allowed(shared, request) {
        return unauthorized();
    }
    let others = shared.state.other_connections();
    if others > 1 {
        return failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            "connections_still_open",
            format!("{others} connection(s) still open."),
        );
    }
    shared.state.request_stop(true);
    text(StatusCode::OK, "preparing to shut down.")
}

/// Draining or stopping needs the system token (header or query), unless opened up.
fn operations_allowed<B>(shared: &Shared, request: &Request<B>) -> bool {
    if shared.open_operations {
        return true;
    }
    operations_token(request.headers(), request.uri().query())
        .is_some_and(|t| same_token(&t, &shared.system_token))
}

async fn function<B: RequestBody>(
    shared: &Shared,
    heartbeat: Option<Heartbeat>,
    request: Request<B>,
) -> Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    // The body's share of the decode budget. A caller whose header carries the token (as
    // integrator.io's does) takes it before the body is read, which bounds the bodies being
    // read too; anyone else only once the token is checked, so that a stranger trickling a
    // large declared body cannot hold the budget and turn everyone else away.
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&len| len <= shared.body_limit);
    let from_header = header_token(&parts.headers);
    let trusted = from_header
        .as_ref()
        .and_then(Option::as_deref)
        .is_some_and(|t| same_token(t, &shared.system_token));
    let mut permit = match declared.filter(|_| trusted) {
        Some(len) => match admit(shared, len).await {
            Ok(permit) => Some(permit),
            Err(busy) => return busy,
        },
        None => None,
    };
    let bytes = match read_body(&parts.headers, body, shared.body_limit).await {
        Ok(bytes) => bytes,
        Err(e) => return body_error(e),
    };
    let body_len = bytes.len();
    // Whatever the answer, a large body's memory goes back to the system after it.
    let _trims = Trims(crate::budget::LargeCall::of(body_len));
    let large = body_len >= OFF_WORKERS;
    let read = if large {
        // The scan of a large body takes milliseconds: not on a worker the health routes and
        // other connections need.
        tokio::task::spawn_blocking(move || Envelope::read(bytes, &["access_token"]))
            .await
            .unwrap_or_else(|e| Err(serde::de::Error::custom(e)))
    } else {
        Envelope::read(bytes, &["access_token"])
    };
    let envelope = match read {
        Ok(envelope) => envelope,
        Err(e) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("The request body is not valid JSON: {e}."),
            )
        }
    };
    let body_token = envelope.member("access_token").filter(|m| m.truthy());
    let token = match from_header {
        Some(from_header) => from_header,
        // A body token that is not a string is no token; only an absent one falls through.
        None => match body_token {
            Some(member) => member.as_str(),
            None => query_param(parts.uri.query(), "access_token").map(Cow::Owned),
        },
    };
    if !token.is_some_and(|t| same_token(&t, &shared.system_token)) {
        return unauthorized();
    }
    if permit.is_none() {
        permit = match admit(shared, body_len).await {
            Ok(permit) => Some(permit),
            Err(busy) => return busy,
        };
    }

    let trace_id = parts
        .headers
        .get("traceid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let deadline = shared.call_timeout.map(|timeout| Instant::now() + timeout);
    let context = Context::new(Host::Http, request_id())
        .with_trace_id(trace_id)
        .with_deadline(deadline);
    let span = tracing::info_span!(
        "call",
        req_id = %context.request_id(),
        trace_id = %context.trace_id().unwrap_or("").escape_debug(),
    );
    let started = Instant::now();
    // RFC 9110 forbids interim responses to HTTP/1.0 clients.
    let heartbeat = heartbeat.filter(|_| parts.version != Version::HTTP_10);
    // A long answer comes in parts, sent as they are (`json::ser::PART`).
    let kept = crate::reply::Parts::for_body(body_len);
    // Pinned where it is built: moved into the timeout or the span's wrapper, this future
    // (kilobytes) was copied twice per call. In a block of its own, so that a call cut short
    // is dropped (its decoded options freed) before its share of the decode budget is
    // released, as when it was dropped with the timeout.
    let result = {
        let call = std::pin::pin!(with_heartbeat(
            dispatch(&shared.dispatcher, &envelope, context, large, kept.clone()),
            heartbeat,
            shared.heartbeat,
        ));
        match shared.call_timeout {
            None => call.instrument(span.clone()).await,
            Some(timeout) => match tokio::time::timeout(timeout, call)
                .instrument(span.clone())
                .await
            {
                Ok(result) => result,
                // A plain fn cannot be stopped: it finishes on the blocking pool, unanswered.
                Err(_) => Err(Failure::single(
                    "function_timeout",
                    format!(
                        "The extension function did not answer within {} ms (the server's --call-timeout-ms).",
                        timeout.as_millis()
                    ),
                )),
            },
        }
    };
    if tracing::enabled!(tracing::Level::INFO) {
        let shown = |m: Option<crate::Member<'_>>| m.map(|m| m.to_js_string()).unwrap_or_default();
        let _entered = span.enter();
        tracing::info!(
            log_name = "callFunctionInvoked",
            r#type = %shown(envelope.type_()).escape_debug(),
            function = %shown(envelope.function()).escape_debug(),
            connector_id = %shown(envelope.connector_id()).escape_debug(),
            status_code = result.as_ref().map_or_else(|f| f.status_code, |_| 200),
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        );
    }
    drop(permit);
    match result {
        Ok(Reply::Json(last)) => {
            let mut body = kept.map(|k| k.take()).unwrap_or_default();
            if body.is_empty() {
                return json(StatusCode::OK, last);
            }
            body.push(last);
            with_type(StatusCode::OK, ResponseBody::parts(body), JSON)
        }
        Ok(Reply::NoValue) => json(StatusCode::OK, Bytes::new()),
        Err(failure) => failure_response(&failure),
    }
}

/// Bodies at least this long are scanned, decoded and encoded on the blocking pool, where
/// they cannot hold up the health routes for long (a 50 MiB body takes about a second).
/// Smaller ones stay on the workers: a few milliseconds there is harmless, and the blocking
/// pool's many threads each get an allocator arena of their own, which measured 3.4 times
/// the peak memory on the bench kit's 2.5 MB pages.
const OFF_WORKERS: usize = 8 << 20;

/// How long a call waits for its share of the decode budget before a 503.
const ADMISSION_WAIT: Duration = Duration::from_secs(5);

/// The decode budget: permits of one KiB of body each (a semaphore hands out `u32`s).
struct Decoding {
    permits: Arc<Semaphore>,
    total: u32,
}

/// A decode budget of `bytes`.
fn decoding(bytes: usize) -> Decoding {
    let total = (bytes / 1024).clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    Decoding {
        permits: Arc::new(Semaphore::new(total)),
        total: total as u32,
    }
}

/// Takes a body's share of the decode budget (the whole budget at most, so that a body
/// larger than it still runs, alone), waiting up to [`ADMISSION_WAIT`]; else the 503.
async fn admit(
    shared: &Shared,
    len: usize,
) -> Result<OwnedSemaphorePermit, Response<ResponseBody>> {
    let want = u32::try_from(len / 1024 + 1)
        .map_or(shared.decoding.total, |kib| kib.min(shared.decoding.total));
    let permits = Arc::clone(&shared.decoding.permits);
    match tokio::time::timeout(ADMISSION_WAIT, permits.acquire_many_owned(want)).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            tracing::warn!(
                bytes = len,
                "decode budget exhausted: call refused with 503"
            );
            let mut response = failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                "The server is decoding as many request bytes as its --decode-budget allows: retry shortly.",
            );
            response
                .headers_mut()
                .insert(hyper::header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(response)
        }
    }
}

/// When a call of a large body ends (its answer still being written), gives the memory it
/// freed back to the system: one, two and four seconds later, on the blocking pool (a trim
/// of hundreds of MB takes a while), the allocator returning freed memory eagerly till then.
struct Trims(Option<crate::budget::LargeCall>);

impl Drop for Trims {
    fn drop(&mut self) {
        let Some(call) = self.0.take() else { return };
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        tokio::spawn(async move {
            let call = std::sync::Arc::new(call);
            for wait in [1, 1, 2] {
                tokio::time::sleep(Duration::from_secs(wait)).await;
                let call = call.clone();
                let _ = tokio::task::spawn_blocking(move || call.release_memory()).await;
            }
        });
    }
}

/// Dispatches a call; a large one wholly on the blocking pool (decoding its options and
/// encoding its answer take milliseconds), with its `async fn` driven there.
async fn dispatch(
    dispatcher: &Dispatcher,
    envelope: &Envelope,
    context: Context,
    large: bool,
    parts: Option<crate::reply::Parts>,
) -> crate::Outcome {
    if !large {
        return dispatcher.dispatch_in_parts(envelope, context, parts).await;
    }
    let (dispatcher, envelope) = (dispatcher.clone(), envelope.clone());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let outcome = runtime.block_on(dispatcher.dispatch_in_parts(&envelope, context, parts));
        // The call's options were decoded and dropped on this thread: its arena's free top
        // goes back now (the answer is freed wherever hyper drops it).
        crate::budget::settle_thread();
        outcome
    })
    .await
    .unwrap_or_else(|e| {
        Err(Failure::single(
            "function_panicked",
            format!("The extension function did not complete: {e}"),
        ))
    })
}

/// Runs `call`, sending the connection's `102 Processing` once if it is still running after
/// `delay` (section 6.3.3).
async fn with_heartbeat<F: Future>(
    call: F,
    heartbeat: Option<Heartbeat>,
    delay: Duration,
) -> F::Output {
    let Some(heartbeat) = heartbeat else {
        return call.await;
    };
    tokio::pin!(call);
    tokio::select! {
        biased;
        output = &mut call => output,
        () = tokio::time::sleep(delay) => {
            heartbeat.send().await;
            call.await
        }
    }
}

fn body_error(e: BodyError) -> Response<ResponseBody> {
    let (status, code, message) = e.describe();
    failure(status, code, message)
}

/// The request's token (section 6.3.1) for the operations routes, which have no body: the
/// header when present, else the query.
fn operations_token<'a>(
    headers: &'a hyper::HeaderMap,
    query: Option<&str>,
) -> Option<Cow<'a, str>> {
    match header_token(headers) {
        Some(from_header) => from_header,
        None => query_param(query, "access_token").map(Cow::Owned),
    }
}

/// `Some(token)` when an Authorization header decides (even to "no token"), `None` when
/// there is none and the body or query may be consulted. The token is borrowed from the
/// header unless it is not ASCII, so the secret is not copied on every call.
pub(super) fn header_token(headers: &hyper::HeaderMap) -> Option<Option<Cow<'_, str>>> {
    let value = headers.get(AUTHORIZATION)?;
    if value.is_empty() {
        return None;
    }
    // Node splits on single spaces and wants exactly two parts.
    let mut parts = value.as_bytes().split(|&b| b == b' ');
    Some(match (parts.next(), parts.next(), parts.next()) {
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case(b"bearer") => {
            Some(latin1(token))
        }
        _ => None,
    })
}

/// Header bytes as Node reads them, as Latin-1: a header that is not ASCII still decides.
fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(ascii) if bytes.is_ascii() => Cow::Borrowed(ascii),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Compares in time independent of where the first difference is.
pub(super) fn same_token(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// `_reqId`: epoch milliseconds followed by four characters of `[0-9a-z]`.
fn request_id() -> String {
    use std::fmt::Write as _;
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    // Not a secret, only different from one call to the next: a count of the calls mixed
    // with a key drawn once per process. A `getrandom` per call was a system call per
    // request, the only one beyond the kit's baseline server's (`strace -c` under its load).
    // On a failing random source the count alone still tells calls apart.
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let key = *KEY.get_or_init(|| getrandom::u64().unwrap_or(0));
    let mut n = mix(key ^ CALLS.fetch_add(1, Ordering::Relaxed));
    // Sized up front: `format!` grew it by `realloc`, which takes the allocator's lock.
    let mut id = String::with_capacity(32);
    let _ = write!(id, "{millis}");
    for _ in 0..4 {
        id.push(char::from(
            b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize],
        ));
        n /= 36;
    }
    id
}

/// SplitMix64's finaliser: a bijection of `u64` that scatters consecutive counts.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn json(status: StatusCode, body: Bytes) -> Response<ResponseBody> {
    with_type(status, ResponseBody::one(body), JSON)
}

fn text(status: StatusCode, body: &'static str) -> Response<ResponseBody> {
    with_type(
        status,
        ResponseBody::one(Bytes::from_static(body.as_bytes())),
        TEXT,
    )
}

fn with_type(
    status: StatusCode,
    body: ResponseBody,
    content_type: &'static str,
) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn failure(status: StatusCode, code: &str, message: impl Into<String>) -> Response<ResponseBody> {
    failure_response(&Failure {
        status_code: status.as_u16(),
        errors: vec![ErrorItem::new(code, message)],
    })
}

/// A failure as HTTP answers it: its status, and `{"errors":[...]}` (section 6.3.4).
fn failure_response(failure: &Failure) -> Response<ResponseBody> {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        errors: &'a [ErrorItem],
    }
    let status =
        StatusCode::from_u16(failure.status_code).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let body = serde_json::to_vec(&Body {
        errors: &failure.errors,
    })
    .unwrap_or_default();
    json(status, Bytes::from(body))
}

fn unauthorized() -> Response<ResponseBody> {
    let mut response = failure(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Invalid system token.",
    );
    response.headers_mut().insert(
        hyper::header::WWW_AUTHENTICATE,
        HeaderValue::from_static("invalid system token"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mounted_service_has_no_server_to_count_or_stop() {
        let dispatcher = Dispatcher::new(crate::Configuration::diy()).unwrap();
        let service = ExtensionService::builder(dispatcher, "tok").build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let call = |method: Method, path: &str| {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .header(AUTHORIZATION, "Bearer tok")
                .body(http_body_util::Full::new(Bytes::new()))
                .unwrap();
            let call = tower_service::Service::call(&mut service.clone(), request);
            runtime.block_on(call).unwrap().status()
        };
        for path in ["/openConnections", "/stopServer"] {
            assert_eq!(call(Method::GET, path), StatusCode::NOT_FOUND);
        }
        assert_eq!(call(Method::GET, "/readyz"), StatusCode::OK);
        assert_eq!(call(Method::GET, "/healthCheck"), StatusCode::OK);
    }

    #[test]
    fn bearer_parsing_follows_section_6_3_1() {
        let headers = |v: &str| {
            let mut h = hyper::HeaderMap::new();
            h.insert(AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert_eq!(
            header_token(&headers("Bearer abc")),
            Some(Some("abc".into()))
        );
        assert_eq!(
            header_token(&headers("bEaReR abc")),
            Some(Some("abc".into()))
        );
        assert_eq!(header_token(&headers("Bearer  abc")), Some(None));
        assert_eq!(header_token(&headers("Basic abc")), Some(None));
        assert_eq!(header_token(&headers("abc")), Some(None));
        assert_eq!(header_token(&hyper::HeaderMap::new()), None);
        // Not ASCII: the header still decides, so the body's token is not consulted.
        let mut latin1 = hyper::HeaderMap::new();
        latin1.insert(
            AUTHORIZATION,
            HeaderValue::from_bytes(b"Bearer caf\xe9").unwrap(),
        );
        assert_eq!(header_token(&latin1), Some(Some("caf\u{e9}".into())));
        // UTF-8 is read byte by byte too, as Node does.
        let utf8 = headers("Bearer caf\u{e9}");
        assert_eq!(header_token(&utf8), Some(Some("caf\u{c3}\u{a9}".into())));
        // An ASCII token, the common case, is not copied out of the header.
        let ascii = headers("Bearer abc");
        assert!(matches!(
            header_token(&ascii),
            Some(Some(Cow::Borrowed("abc")))
        ));
        let none = hyper::HeaderMap::new();
        assert_eq!(
            operations_token(&none, Some("access_token=q")),
            Some("q".into())
        );
    }

    #[test]
    fn helpers() {
        assert!(same_token("abc", "abc") && !same_token("abd", "abc") && !same_token("ab", "abc"));
        assert_eq!(
            query_param(Some("a=1&access_token=x%2By&b"), "access_token").as_deref(),
            Some("x+y")
        );
        assert_eq!(
            query_param(Some("terminate=true"), "terminate").as_deref(),
            Some("true")
        );
        assert_eq!(query_param(Some("a=%zz%4"), "a").as_deref(), Some("%zz%4"));
        assert_eq!(normalise("/HealthCheck/"), "/healthcheck");
        assert_eq!(normalise("/"), "/");
        let id = request_id();
        assert!(
            id.len() >= 17
                && id[id.len() - 4..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        );
        // Consecutive calls get scattered suffixes: of 1 000, nearly all differ.
        let suffixes: std::collections::HashSet<String> = (0..1000)
            .map(|_| {
                let id = request_id();
                id[id.len() - 4..].to_owned()
            })
            .collect();
        assert!(suffixes.len() > 990, "{}", suffixes.len());
    }
}
