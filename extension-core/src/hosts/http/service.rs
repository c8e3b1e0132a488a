//! The routes of PROTOCOL.md section 6.2 as one `tower::Service`: mount it as the whole
//! server (`hosts::http::Server` does), or route `POST /function` to it in an axum app.

use super::{Heartbeat, ServerState};
use crate::dispatch::Envelope;
use crate::error::{ErrorItem, Failure};
use crate::js::truthy;
use crate::{Dispatcher, Reply};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
    heartbeat: Duration,
    open_operations: bool,
    state: Arc<ServerState>,
    /// Mounted in someone else's app: there is no server of ours to count or stop.
    standalone: bool,
}

impl ExtensionService {
    /// The routes over `dispatcher`, accepting `system_token`, with the server's settings;
    /// `state` is the server's, `None` when the service is mounted elsewhere.
    pub(super) fn new(
        dispatcher: Dispatcher,
        config: &super::HttpConfig,
        state: Option<Arc<ServerState>>,
    ) -> Self {
        ExtensionService {
            heartbeat: None,
            shared: Arc::new(Shared {
                dispatcher,
                system_token: config.system_token.clone(),
                body_limit: config.body_limit,
                heartbeat: config.heartbeat,
                open_operations: config.open_operations,
                standalone: state.is_none(),
                state: state.unwrap_or_default(),
            }),
        }
    }

    /// The same service for one connection, able to send it a `102 Processing`.
    pub(super) fn with_heartbeat(&self, heartbeat: Heartbeat) -> Self {
        ExtensionService {
            shared: Arc::clone(&self.shared),
            heartbeat: Some(heartbeat),
        }
    }

    /// A service to mount in an app of your own: `/function` and the health routes. There is
    /// no heartbeat, and `/openConnections` and `/stopServer` answer 404, since the server
    /// they would count or stop is yours.
    pub fn standalone(dispatcher: Dispatcher, config: &super::HttpConfig) -> Self {
        ExtensionService::new(dispatcher, config, None)
    }
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send>>;

impl<B> tower_service::Service<Request<B>> for ExtensionService
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
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
            let status = response.status().as_u16();
            {
                // The path only: the query may carry an access_token.
                tracing::info!(
                    log_name = "reqFinished",
                    method = %method,
                    url = %path,
                    status_code = status,
                    response_time_ms = %format_args!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
                );
            }
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

async fn route<B>(
    shared: &Shared,
    heartbeat: Option<Heartbeat>,
    request: Request<B>,
) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let path = normalise(request.uri().path());
    let get = matches!(*request.method(), Method::GET | Method::HEAD);
    match (path.as_str(), get, request.method() == Method::POST) {
        ("/" | "/healthcheck", true, _) => {
            json(StatusCode::OK, Bytes::from_static(b"{\"success\":true}"))
        }
        ("/livez" | "/readyz", true, _) => {
            if shared.state.terminating.load(Ordering::SeqCst) {
                tracing::warn!(log_name = "healthCheckFailure", path = %path);
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

fn open_connections<B>(shared: &Shared, request: &Request<B>) -> Response<Full<Bytes>> {
    let terminate = query_param(request.uri().query(), "terminate").as_deref() == Some("true");
    if terminate {
        if !operations_allowed(shared, request) {
            return unauthorized();
        }
        shared.state.terminating.store(true, Ordering::SeqCst);
    }
    let others = shared
        .state
        .connections
        .load(Ordering::SeqCst)
        .saturating_sub(1);
    let mut response = Response::new(Full::new(Bytes::from(others.to_string())));
    *response.status_mut() = StatusCode::OK;
    response
}

fn stop_server<B>(shared: &Shared, request: &Request<B>) -> Response<Full<Bytes>> {
    if !operations_allowed(shared, request) {
        return unauthorized();
    }
    let others = shared
        .state
        .connections
        .load(Ordering::SeqCst)
        .saturating_sub(1);
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
    request_token(request.headers(), None, request.uri().query())
        .is_some_and(|t| same_token(&t, &shared.system_token))
}

async fn function<B>(
    shared: &Shared,
    heartbeat: Option<Heartbeat>,
    request: Request<B>,
) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let (parts, body) = request.into_parts();
    let limit = shared.body_limit;
    let too_large = || {
        failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("The request body is larger than the limit of {limit} bytes (the server's --body-limit)."),
        )
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large();
    }
    // Node's body parser inflates gzip and deflate (zlib) bodies; the limit applies to the
    // inflated body as well.
    let encoding = parts
        .headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    let gzip = match encoding.as_deref() {
        None | Some("" | "identity") => None,
        Some("gzip") => Some(true),
        Some("deflate") => Some(false),
        Some(other) => {
            return failure(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_content_encoding",
                format!("Content-Encoding `{other}` is not supported: send the body as identity, gzip or deflate."),
            )
        }
    };
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return too_large(),
        Err(e) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("The request body could not be read: {e}."),
            )
        }
    };
    let bytes = match gzip {
        None => bytes,
        Some(gzip) => match inflate(&bytes, gzip, limit) {
            Ok(inflated) => Bytes::from(inflated),
            Err(None) => return too_large(),
            Err(Some(e)) => {
                return failure(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    format!("The request body could not be decompressed: {e}."),
                )
            }
        },
    };
    let is_json = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    let text = if is_json {
        match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(_) => {
                return failure(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    "The request body is not valid UTF-8.",
                )
            }
        }
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        // Node's parser leaves a body that is not JSON-typed as `{}`.
        "{}"
    } else {
        return failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The request body must be JSON, sent with `Content-Type: application/json`.",
        );
    };
    if !matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        return failure(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "The request body must be a JSON object or array.",
        );
    }
    let envelope = match Envelope::from_json(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("The request body is not valid JSON: {e}."),
            )
        }
    };

    let token = request_token(
        &parts.headers,
        envelope.access_token.as_ref(),
        parts.uri.query(),
    );
    if !token.is_some_and(|t| same_token(&t, &shared.system_token)) {
        return unauthorized();
    }

    let logged = tracing::enabled!(tracing::Level::INFO);
    let trace_id = parts
        .headers
        .get("traceid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let started = Instant::now();
    shared.state.in_flight.fetch_add(1, Ordering::SeqCst);
    let _in_flight = InFlight(&shared.state);

    // Cancelled when the call ends, or when the connection drops this future.
    let ticket = heartbeat.map(|beat| super::heartbeat::schedule(beat, shared.heartbeat));
    let result = shared.dispatcher.call(&envelope).await;
    drop(ticket);
    let shown = |v: &Option<Value>| v.as_ref().map(crate::js::to_js_string).unwrap_or_default();
    let status = result.as_ref().map_or_else(|f| f.status_code, |_| 200);
    if logged {
        let request_id = request_id();
        tracing::info!(
        log_name = "callFunctionInvoked",
        r#type = %shown(&envelope.type_),
        function = %shown(&envelope.function),
        connector_id = %shown(&envelope.connector_id),
        req_id = %request_id,
        trace_id = trace_id.as_deref().unwrap_or(""),
        status_code = status,
            duration_ms = %format_args!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
        );
    }
    match result {
        Ok(Reply::Json(body)) => json(StatusCode::OK, Bytes::from(body)),
        Ok(Reply::NoValue) => json(StatusCode::OK, Bytes::new()),
        Err(failure) => failure_response(&failure),
    }
}

/// Inflates a gzip or zlib body; `Err(None)` when it grows past `limit`.
fn inflate(bytes: &[u8], gzip: bool, limit: usize) -> Result<Vec<u8>, Option<std::io::Error>> {
    use std::io::Read;
    let reader: Box<dyn Read + '_> = if gzip {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(flate2::read::ZlibDecoder::new(bytes))
    };
    let mut out = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(Some)?;
    if out.len() > limit {
        return Err(None);
    }
    Ok(out)
}

struct InFlight<'a>(&'a ServerState);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// The request's token (section 6.3.1): the first source present is the only one consulted.
/// `body` is the envelope's `access_token`; the operations routes have no body.
fn request_token(
    headers: &hyper::HeaderMap,
    body: Option<&Value>,
    query: Option<&str>,
) -> Option<String> {
    if let Some(from_header) = header_token(headers) {
        return from_header;
    }
    match body.filter(|v| truthy(v)) {
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => None,
        None => query_param(query, "access_token"),
    }
}

/// `Some(token)` when an Authorization header decides (even to "no token"), `None` when
/// there is none and the body or query may be consulted.
fn header_token(headers: &hyper::HeaderMap) -> Option<Option<String>> {
    let value = headers.get(AUTHORIZATION)?;
    if value.is_empty() {
        return None;
    }
    // Node reads header bytes as Latin-1: a header that is not ASCII still decides.
    let value: String = value.as_bytes().iter().map(|&b| char::from(b)).collect();
    let parts: Vec<&str> = value.split(' ').collect();
    Some(match parts.as_slice() {
        [scheme, token] if scheme.eq_ignore_ascii_case("bearer") => Some((*token).to_owned()),
        _ => None,
    })
}

/// Compares in time independent of where the first difference is.
fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                match hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()) {
                    Some(decoded) => {
                        out.push(decoded);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `_reqId`: epoch milliseconds followed by four characters of `[0-9a-z]`.
fn request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(millis);
    let mut n = hasher.finish();
    let suffix: String = (0..4)
        .map(|_| {
            let c = b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect();
    format!("{millis}{suffix}")
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    with_type(status, body, JSON)
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    with_type(status, Bytes::from_static(body.as_bytes()), TEXT)
}

fn with_type(status: StatusCode, body: Bytes, content_type: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn failure(status: StatusCode, code: &str, message: impl Into<String>) -> Response<Full<Bytes>> {
    failure_response(&Failure {
        status_code: status.as_u16(),
        errors: vec![ErrorItem::new(code, message)],
    })
}

fn failure_response(failure: &Failure) -> Response<Full<Bytes>> {
    let status =
        StatusCode::from_u16(failure.status_code).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    json(status, Bytes::from(failure.body()))
}

fn unauthorized() -> Response<Full<Bytes>> {
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

    /// Calls `service` with a bodiless request.
    fn call(service: &ExtensionService, method: Method, path: &str) -> Response<Full<Bytes>> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(AUTHORIZATION, "Bearer tok")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let call = tower_service::Service::call(&mut service.clone(), request);
        crate::block_on(call).unwrap()
    }

    #[test]
    fn a_standalone_service_has_no_server_to_count_or_stop() {
        static ONE: crate::Registration = crate::Registration {
            name: "f",
            group: None,
            kind: "function",
            rust_path: "tests::f",
            file: file!(),
            line: line!(),
            invoke: |_| crate::__private::ready(Ok(crate::Reply::NoValue)),
        };
        let registry = Box::leak(Box::new(crate::Registry::new([&ONE]).unwrap()));
        let modules = crate::Configuration::diy();
        let dispatcher = Dispatcher::with_registry(modules.clone(), registry);
        let config = super::super::HttpConfig::new(modules, "tok");
        let service = ExtensionService::standalone(dispatcher, &config);
        for path in ["/openConnections", "/stopServer"] {
            assert_eq!(
                call(&service, Method::GET, path).status(),
                StatusCode::NOT_FOUND
            );
        }
        assert_eq!(
            call(&service, Method::GET, "/readyz").status(),
            StatusCode::OK
        );
        assert_eq!(
            call(&service, Method::GET, "/healthCheck").status(),
            StatusCode::OK
        );
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
        let body = Value::from("system-token");
        assert_eq!(
            request_token(&latin1, Some(&body), None),
            Some("caf\u{e9}".into())
        );
        let none = hyper::HeaderMap::new();
        assert_eq!(
            request_token(&none, Some(&body), Some("access_token=q")),
            Some("system-token".into())
        );
        assert_eq!(
            request_token(&none, Some(&Value::from(0)), Some("access_token=q")),
            Some("q".into())
        );
        assert_eq!(request_token(&none, Some(&Value::from(5)), None), None);
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
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(normalise("/HealthCheck/"), "/healthcheck");
        assert_eq!(normalise("/"), "/");
        let id = request_id();
        assert!(
            id.len() >= 17
                && id[id.len() - 4..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        );
    }
}
