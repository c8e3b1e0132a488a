//! The HTTP host over real loopback connections: every item of the protocol (extension-core/docs/protocol.md) section 11's
//! HTTP checklist, the heartbeat and timeouts (with short settings), panics, bad bodies,
//! 1 000 concurrent requests, and a graceful shutdown draining a slow call.

mod common;

use common::client::{raise_open_files, request, Client, Response};
use extension_core::hosts::http::{spawn, HttpConfig, Running, Stopped};
use extension_core::prelude::{
    json_function, post_submit, pre_map, ExtensionError, MapResult, PostSubmitOptions,
    PostSubmitResponse, PreMapOptions, PreMapResponse,
};
use extension_core::serde_json::{json, Value};
use extension_core::{Configuration, Dispatcher};
// The bench kit's hook (`preSavePage`: each record's `name` in capitals, `processed` added).
use typed_hooks as _;

/// A synchronous function that holds its thread: the heartbeat must still go out.
#[json_function(group = "hooks", name = "blockThenRespond")]
fn block_then_respond(options: Value) -> Result<Value, ExtensionError> {
    let ms = options["ms"].as_u64().unwrap_or(0);
    std::thread::sleep(Duration::from_millis(ms));
    Ok(json!({"blocked": ms}))
}

/// Answers with its own options after `ms` milliseconds: every call gets an answer of its
/// own, and slow ones complete after fast ones.
#[json_function(group = "hooks", name = "sleepThenEcho")]
async fn sleep_then_echo(options: Value) -> Result<Value, ExtensionError> {
    let ms = options["ms"].as_u64().unwrap_or(0);
    reference_module::sleep(Duration::from_millis(ms)).await;
    Ok(options)
}

/// Calls of `startThenSleep` that have begun: lets a test act while one is surely in flight.
static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts itself as started, then answers after `ms` milliseconds.
#[json_function(group = "hooks", name = "startThenSleep")]
async fn start_then_sleep(options: Value) -> Result<Value, ExtensionError> {
    STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let ms = options["ms"].as_u64().unwrap_or(0);
    reference_module::sleep(Duration::from_millis(ms)).await;
    Ok(json!({"slept": ms}))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Order {
    id: String,
    total: i64,
}

#[pre_map(name = "typedOrders")]
fn typed_orders(options: PreMapOptions<Order>) -> Result<PreMapResponse<Order>, ExtensionError> {
    Ok(options.data.into_iter().map(MapResult::keep).collect())
}

#[post_submit(name = "echoEntries")]
fn echo_entries(options: PostSubmitOptions) -> Result<PostSubmitResponse, ExtensionError> {
    Ok(options.response_data)
}

/// Waits until `done` holds, failing the test after `limit`.
fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
use std::time::{Duration, Instant};

const TOKEN: &str = "test-system-token";
const AUTH: (&str, &str) = ("Authorization", "Bearer test-system-token");
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn config() -> HttpConfig {
    let mut config = HttpConfig::new(Configuration::diy(), TOKEN);
    config.port = 0;
    config.shutdown_grace = Duration::from_secs(5);
    config
}

fn start(config: HttpConfig) -> Running {
    let dispatcher = Dispatcher::new(config.modules.clone()).unwrap();
    spawn(config, dispatcher).unwrap()
}

fn call(server: &Running, body: &Value) -> Response {
    request(
        server.addr,
        "POST",
        "/function",
        &[AUTH, JSON],
        body.to_string().as_bytes(),
    )
}

/// Sends a call on a kept-alive connection without reading the answer.
fn send_call(client: &mut Client, body: &Value) {
    client.send(
        "POST",
        "/function",
        &[AUTH, JSON],
        body.to_string().as_bytes(),
    );
}

fn hook(function: &str, options: Value) -> Value {
    json!({"diy": true, "type": "hook", "function": function, "options": options})
}

#[test]
fn health_routes() {
    let server = start(config());
    for path in ["/", "/healthCheck", "/HEALTHCHECK", "/healthcheck/"] {
        let r = request(server.addr, "GET", path, &[], b"");
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, "{\"success\":true}"),
            "{path}"
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }
    for path in ["/livez", "/readyz"] {
        let r = request(server.addr, "GET", path, &[], b"");
        assert_eq!((r.status, r.body.as_str()), (200, "OK"));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }
    let r = request(server.addr, "GET", "/nope", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"errors": [{"code": "not_found", "message": "Cannot GET /nope"}]})
    );
    let r = request(server.addr, "GET", "/function", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(server.shutdown(), Stopped::Shutdown);
}

#[test]
fn terminate_needs_the_token_and_fails_readiness_only() {
    let server = start(config());
    let mut ops = Client::connect(server.addr);
    let r = ops.request("GET", "/openConnections?terminate=true", &[], b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("invalid system token"));
    assert_eq!(ops.request("GET", "/readyz", &[], b"").status, 200);
    let path = format!("/openConnections?terminate=true&access_token={TOKEN}");
    let r = ops.request("GET", &path, &[], b"");
    assert_eq!((r.status, r.body.as_str()), (200, "0"));
    for path in ["/livez", "/readyz"] {
        let r = ops.request("GET", path, &[], b"");
        assert_eq!((r.status, r.body.as_str()), (503, "Service Unavailable"));
    }
    // Everything else keeps working while terminating.
    assert_eq!(ops.request("GET", "/healthCheck", &[], b"").status, 200);
    assert_eq!(
        call(&server, &hook("echoResponse", json!({"resp": 1}))).body,
        "1"
    );
    server.shutdown();
}

#[test]
fn open_operations_restore_node_behaviour() {
    let mut config = config();
    config.open_operations = true;
    let server = start(config);
    let r = request(
        server.addr,
        "GET",
        "/openConnections?terminate=true",
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(request(server.addr, "GET", "/readyz", &[], b"").status, 503);
    let r = request(server.addr, "GET", "/stopServer", &[], b"");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "preparing to shut down.")
    );
    assert_eq!(server.join(), Stopped::StopServer);
}

#[test]
fn open_connections_counts_the_others() {
    let server = start(config());
    // One connection asks; the count is of the others.
    let mut ops = Client::connect(server.addr);
    let idle: Vec<Client> = (0..2).map(|_| Client::connect(server.addr)).collect();
    let count = |ops: &mut Client| ops.request("GET", "/openConnections", &[], b"").body;
    wait_until(Duration::from_secs(5), "2 other connections", || {
        count(&mut ops) == "2"
    });
    let r = ops.request("GET", "/stopServer", &[AUTH], b"");
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"errors": [{"code": "connections_still_open", "message": "2 connection(s) still open."}]})
    );
    drop(idle);
    wait_until(Duration::from_secs(5), "no other connection", || {
        count(&mut ops) == "0"
    });
    assert_eq!(ops.request("GET", "/stopServer", &[], b"").status, 401);
    let r = ops.request("GET", "/stopServer", &[AUTH], b"");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "preparing to shut down.")
    );
    drop(ops);
    assert_eq!(server.join(), Stopped::StopServer);
}

#[test]
fn authentication_rules_of_6_3_1() {
    let server = start(config());
    let body = hook("echoResponse", json!({"resp": "ok"})).to_string();
    let unauthorized =
        json!({"errors": [{"code": "unauthorized", "message": "Invalid system token."}]});
    let send = |headers: &[(&str, &str)], path: &str, body: &str| {
        request(server.addr, "POST", path, headers, body.as_bytes())
    };
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let auth = format!("{scheme} {TOKEN}");
        assert_eq!(
            send(&[("Authorization", &auth), JSON], "/function", &body).status,
            200,
            "{scheme}"
        );
    }
    let with_token_in_body = hook("echoResponse", json!({"resp": "ok"}));
    let mut in_body = with_token_in_body.clone();
    in_body["access_token"] = json!(TOKEN);
    for (headers, path, body, status) in [
        (
            vec![("Authorization", "Bearer  test-system-token"), JSON],
            "/function",
            body.clone(),
            401,
        ),
        (
            vec![("Authorization", "Bearer wrong"), JSON],
            "/function",
            in_body.to_string(),
            401,
        ),
        (
            vec![("Authorization", "Basic test-system-token"), JSON],
            "/function",
            body.clone(),
            401,
        ),
        (vec![JSON], "/function", in_body.to_string(), 200),
        (
            vec![JSON],
            "/function?access_token=test-system-token",
            body.clone(),
            200,
        ),
        (vec![JSON], "/function?access_token=nope", body.clone(), 401),
        (vec![JSON], "/function", body.clone(), 401),
    ] {
        let r = send(&headers, path, &body);
        assert_eq!(r.status, status, "{headers:?} {path} {body}");
        if status == 401 {
            assert_eq!(r.json(), unauthorized);
            assert_eq!(r.header("www-authenticate"), Some("invalid system token"));
        }
    }
    // Authentication comes before validation: no 422 without a token.
    assert_eq!(send(&[JSON], "/function", "{}").status, 401);
    server.shutdown();
}

#[test]
fn results_and_failures_on_the_wire() {
    let server = start(config());
    let r = call(&server, &hook("echoResponse", json!({})));
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(r.header("content-length"), Some("0"));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    for (resp, text) in [
        (json!(null), "null"),
        (json!("abc"), "\"abc\""),
        (json!(5), "5"),
        (json!([1, {"a": 2}]), "[1,{\"a\":2}]"),
    ] {
        let r = call(&server, &hook("echoResponse", json!({"resp": resp})));
        assert_eq!((r.status, r.body.as_str()), (200, text));
    }
    let r = call(&server, &json!({}));
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 3);
    let r = call(&server, &hook("doSomethingError", json!({})));
    assert_eq!(
        (r.status, r.json()),
        (
            422,
            json!({"errors": [{"code": "my_error", "message": "doSomethingError"}]})
        )
    );
    let r = call(
        &server,
        &json!({"diy": true, "type": "hook", "function": "echoResponse", "options": {"resp": "abc"}, "maxResponseSize": 4}),
    );
    assert_eq!(
        r.json(),
        json!({"errors": [{"code": "response_size_exceeded", "message": "response stream exceeded limit of 4 bytes."}]})
    );
    // A record that does not fit the function's record type is that record's error.
    let r = call(
        &server,
        &hook(
            "typedOrders",
            json!({"data": [{"id": "a", "total": 1}, {"id": "b"}]}),
        ),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        r#"[{"data":{"id":"a","total":1}},{"errors":[{"code":"invalid_record","message":"Invalid record for typedOrders (preMap): field `data[1]`: missing field `total`."}]}]"#
    );
    // Typed entries echoed go back with their members as they came.
    let entries =
        r#"[{"id":7,"x":{"b":1,"a":2},"errors":[{"message":"m","code":"c"}],"statusCode":422}]"#;
    let r = call(
        &server,
        &hook(
            "echoEntries",
            json!({"postMapData": [{}], "responseData": extension_core::serde_json::from_str::<Value>(entries).unwrap()}),
        ),
    );
    assert_eq!(r.body, entries);
    // The request's traceId and _reqId are overwritten by the host, never used for dispatch.
    let r = request(server.addr, "POST", "/function", &[AUTH, JSON, ("traceid", "trace-1")],
        json!({"diy": true, "function": "doSomething", "options": {"a": 1}, "traceId": "x", "_reqId": "y"}).to_string().as_bytes());
    assert_eq!(r.json(), json!([{"a": 1, "function": "doSomething"}]));
    server.shutdown();
}

#[test]
fn a_panic_is_a_422_and_the_server_keeps_serving() {
    let server = start(config());
    let r = call(&server, &hook("throwSynchronously", json!({})));
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"errors": [{"code": "function_panicked", "message": "The extension function panicked: boom"}]})
    );
    assert_eq!(
        call(&server, &hook("echoResponse", json!({"resp": 2}))).body,
        "2"
    );
    server.shutdown();
}

#[test]
fn bad_bodies_get_clear_errors_before_authentication() {
    let mut config = config();
    config.body_limit = 1_000;
    let server = start(config);
    let code = |r: &Response| r.json()["errors"][0]["code"].as_str().unwrap().to_owned();
    let r = request(server.addr, "POST", "/function", &[JSON], b"{\"diy\": tru");
    assert_eq!((r.status, code(&r)), (400, "invalid_json".into()));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let r = request(
        server.addr,
        "POST",
        "/function",
        &[JSON],
        b"\"just a string\"",
    );
    assert_eq!((r.status, code(&r)), (400, "invalid_json".into()));
    let r = request(
        server.addr,
        "POST",
        "/function",
        &[("Content-Type", "text/plain")],
        b"hello",
    );
    assert_eq!((r.status, code(&r)), (415, "unsupported_media_type".into()));
    let r = request(
        server.addr,
        "POST",
        "/function",
        &[JSON, ("Content-Encoding", "br")],
        b"{}",
    );
    assert_eq!(
        (r.status, code(&r)),
        (415, "unsupported_content_encoding".into())
    );
    // gzip and deflate are inflated, as Node's parser does; garbage is a clear 400.
    let body = hook("echoResponse", json!({"resp": "zipped"})).to_string();
    for (encoding, packed) in [
        ("gzip", gzip(body.as_bytes())),
        ("deflate", zlib(body.as_bytes())),
    ] {
        let headers = [AUTH, JSON, ("Content-Encoding", encoding)];
        let r = request(server.addr, "POST", "/function", &headers, &packed);
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, "\"zipped\""),
            "{encoding}"
        );
    }
    let headers = [AUTH, JSON, ("Content-Encoding", "gzip")];
    let r = request(server.addr, "POST", "/function", &headers, b"not gzip");
    assert_eq!((r.status, code(&r)), (400, "invalid_body".into()));
    // The limit applies to the inflated body too.
    let bomb = gzip_run(b'x', 20);
    assert!(bomb.len() < 100, "{} bytes on the wire", bomb.len());
    let r = request(server.addr, "POST", "/function", &headers, &bomb);
    assert_eq!((r.status, code(&r)), (413, "payload_too_large".into()));
    // No body and no JSON type: Node's `{}`, so auth then validation decide.
    let r = request(server.addr, "POST", "/function", &[AUTH], b"");
    assert_eq!(
        (r.status, r.json()["errors"].as_array().unwrap().len()),
        (422, 3)
    );
    // The limit: exactly at it passes, one more byte is a 413.
    let envelope =
        |pad: usize| hook("echoResponse", json!({"resp": 1, "pad": "x".repeat(pad)})).to_string();
    let base = envelope(0).len();
    let at_limit = envelope(1_000 - base);
    assert_eq!(at_limit.len(), 1_000);
    assert_eq!(
        request(
            server.addr,
            "POST",
            "/function",
            &[AUTH, JSON],
            at_limit.as_bytes()
        )
        .status,
        200
    );
    let over = envelope(1_001 - base);
    let r = request(
        server.addr,
        "POST",
        "/function",
        &[AUTH, JSON],
        over.as_bytes(),
    );
    assert_eq!((r.status, code(&r)), (413, "payload_too_large".into()));
    // A charset parameter is fine.
    let r = request(
        server.addr,
        "POST",
        "/function",
        &[AUTH, ("Content-Type", "application/json; charset=utf-8")],
        at_limit.as_bytes(),
    );
    assert_eq!(r.status, 200);
    server.shutdown();
}

#[test]
fn heartbeat_sends_one_102_then_the_answer() {
    let mut config = config();
    // Margins of a second and more: a fast call must stay fast on a loaded machine.
    config.heartbeat = Duration::from_millis(500);
    let server = start(config);
    let mut client = Client::connect(server.addr);
    send_call(&mut client, &hook("sleepThenRespond", json!({"ms": 1500})));
    let started = Instant::now();
    let first = client.read().unwrap();
    assert_eq!(first.status, 102);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    let last = client.read().unwrap();
    assert_eq!((last.status, last.body.as_str()), (200, "{\"done\":true}"));
    // Also while a synchronous function blocks its thread.
    send_call(&mut client, &hook("blockThenRespond", json!({"ms": 1500})));
    assert_eq!(client.read().unwrap().status, 102);
    let last = client.read().unwrap();
    assert_eq!(
        (last.status, last.body.as_str()),
        (200, "{\"blocked\":1500}")
    );
    // A fast call gets no 102, and the connection is reusable.
    send_call(&mut client, &hook("echoResponse", json!({"resp": 3})));
    let r = client.read().unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "3"));
    server.shutdown();
}

#[test]
fn socket_timeout_drops_a_silent_call_and_keep_alive_closes_idle_connections() {
    let mut config = config();
    config.heartbeat = Duration::from_secs(60);
    config.socket_timeout = Duration::from_millis(300);
    config.keep_alive_timeout = Duration::from_millis(300);
    let server = start(config);
    let mut client = Client::connect(server.addr);
    send_call(&mut client, &hook("sleepThenRespond", json!({"ms": 1500})));
    let started = Instant::now();
    assert!(client.read().is_none(), "destroyed without a response");
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    let mut idle = Client::connect(server.addr);
    let r = idle.request("GET", "/healthCheck", &[], b"");
    assert_eq!(r.status, 200);
    let started = Instant::now();
    assert!(idle.closed());
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    server.shutdown();
}

#[test]
fn headers_timeout_closes_a_connection_that_never_sends_them() {
    let mut config = config();
    config.headers_timeout = Duration::from_millis(200);
    let server = start(config);
    let mut client = Client::connect(server.addr);
    // Half a request line, then silence.
    client.send_partial(b"POST /function HTTP/1.1\r\n");
    let started = Instant::now();
    assert!(client.closed());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    server.shutdown();
}

#[test]
fn a_thousand_concurrent_requests_get_their_own_answers() {
    // Both ends of every connection live in this process.
    let open_files = raise_open_files(2_400);
    assert!(
        open_files >= 2_400,
        "this test holds 2 000 sockets; the open-file limit is {open_files} (ulimit -n)"
    );
    let server = start(config());
    let addr = server.addr;
    // A thousand connections, released at once, each asking for its own answer; every
    // tenth one waits a little on the server, so that answers complete out of order.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(1_000));
    let threads: Vec<_> = (0..1_000)
        .map(|n| {
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    // A refused connection still reaches the barrier, so the others go on
                    // and the failure is reported instead of hanging the test.
                    let client = Client::try_connect(addr);
                    // Every answer is this request's own, so a mix-up cannot go unseen.
                    let (body, expected) = if n % 2 == 0 {
                        let options = json!({"n": n, "ms": if n % 5 == 0 { 50 } else { 0 }});
                        (hook("sleepThenEcho", options.clone()), options)
                    } else {
                        (
                            hook("echoResponse", json!({"resp": {"n": n}})),
                            json!({"n": n}),
                        )
                    };
                    barrier.wait();
                    let mut client = client.unwrap_or_else(|e| panic!("{n}: connect: {e}"));
                    let r = client.request(
                        "POST",
                        "/function",
                        &[AUTH, JSON],
                        body.to_string().as_bytes(),
                    );
                    assert_eq!(r.status, 200, "{n}: {}", r.body);
                    assert_eq!(r.json(), expected, "request {n}");
                })
                .unwrap()
        })
        .collect();
    let answered = threads
        .into_iter()
        .map(|t| t.join())
        .filter(Result::is_ok)
        .count();
    assert_eq!(answered, 1_000);
    server.shutdown();
}

#[test]
fn graceful_shutdown_drains_a_call_in_flight() {
    let server = start(config());
    let addr = server.addr;
    let started = STARTED.load(std::sync::atomic::Ordering::SeqCst);
    let slow = std::thread::spawn(move || {
        let body = hook("startThenSleep", json!({"ms": 1000}));
        request(
            addr,
            "POST",
            "/function",
            &[AUTH, JSON],
            body.to_string().as_bytes(),
        )
    });
    // Shut down only once the call is surely running on the server.
    wait_until(Duration::from_secs(10), "the slow call starts", || {
        STARTED.load(std::sync::atomic::Ordering::SeqCst) > started
    });
    server.handle.shutdown();
    wait_until(Duration::from_secs(5), "the listener closes", || {
        std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err()
    });
    let r = slow.join().unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "{\"slept\":1000}"));
    assert_eq!(server.join(), Stopped::Shutdown);
}

/// gzip with stored (uncompressed) deflate blocks plus a CRC: enough to exercise inflating
/// without a compression library in the tests.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend(stored_blocks(data));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// zlib (RFC 1950) around stored deflate blocks.
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(stored_blocks(data));
    out.extend(adler32(data).to_be_bytes());
    out
}

fn stored_blocks(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*chunk);
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// gzip of one byte repeated `1 + 258 * matches` times, compressed with fixed-Huffman
/// back-references: a small body that inflates past a limit.
fn gzip_run(byte: u8, matches: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        used: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, count: u32) {
            for i in 0..count {
                if self.used.is_multiple_of(8) {
                    self.out.push(0);
                }
                let bit = ((value >> i) & 1) as u8;
                *self.out.last_mut().unwrap() |= bit << (self.used % 8);
                self.used += 1;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            let reversed = (0..len).fold(0, |acc, i| acc | (((code >> i) & 1) << (len - 1 - i)));
            self.put(reversed, len);
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        used: 0,
    };
    bits.put(1, 1); // last block
    bits.put(1, 2); // fixed Huffman
    bits.code(0x30 + u32::from(byte), 8); // the literal (0..=143: 8-bit codes from 0x30)
    for _ in 0..matches {
        bits.code(0xC0 + (285 - 280), 8); // length 258
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    let data = vec![byte; 1 + 258 * matches];
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend(bits.out);
    out.extend(crc32(&data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Calls of `holdBudget` that have begun (its own counter: other tests run in parallel).
static HOLDING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Holds its call's share of the decode budget for `ms` milliseconds.
#[json_function(group = "hooks", name = "holdBudget")]
async fn hold_budget(options: Value) -> Result<Value, ExtensionError> {
    HOLDING.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let ms = options["ms"].as_u64().unwrap_or(0);
    reference_module::sleep(Duration::from_millis(ms)).await;
    Ok(json!({"held": ms}))
}

#[test]
fn memory_is_bounded_per_call_and_across_calls() {
    let mut config = config();
    config.decode_budget = 64 * 1024;
    let server = start(config);

    // Options that would expand past their budget (300 000 tiny objects in a free-form
    // member: ~150 MB as values) are refused, in the protocol's shape, before they are built.
    let tiny: Vec<Value> = (0..300_000).map(|_| json!({"k": 1})).collect();
    let r = call(
        &server,
        &hook("sleepThenEcho", json!({"ms": 0, "big": tiny})),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let body: Value = extension_core::serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["errors"][0]["code"], "options_too_large");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--expansion-limit"),
        "{body}"
    );
    // ... and what a function can change: `Value` records are what most often takes it.
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("take records as `Record`"),
        "{body}"
    );

    // While one call holds the whole decode budget (64 KiB), another waits for it, then is
    // answered 503 with Retry-After; the health routes answer throughout.
    let padding = "x".repeat(70 * 1024);
    let addr = server.addr;
    let slow_body = hook("holdBudget", json!({"ms": 6_500, "pad": padding}));
    let slow = std::thread::spawn(move || {
        request(
            addr,
            "POST",
            "/function",
            &[AUTH, JSON],
            slow_body.to_string().as_bytes(),
        )
    });
    wait_until(Duration::from_secs(10), "the slow call starts", || {
        HOLDING.load(std::sync::atomic::Ordering::SeqCst) > 0
    });
    let waited = Instant::now();
    let r = call(
        &server,
        &hook("sleepThenEcho", json!({"ms": 0, "pad": padding})),
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        waited.elapsed() >= Duration::from_secs(4),
        "{:?}",
        waited.elapsed()
    );
    assert_eq!(r.header("retry-after"), Some("1"));
    let body: Value = extension_core::serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["errors"][0]["code"], "server_busy");
    let health = Instant::now();
    assert_eq!(request(addr, "GET", "/healthCheck", &[], b"").status, 200);
    assert!(health.elapsed() < Duration::from_millis(200));
    assert_eq!(slow.join().unwrap().status, 200);
    // Once it is done, the budget is free again.
    let r = call(
        &server,
        &hook("sleepThenEcho", json!({"ms": 0, "pad": "p"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // A stranger (no token in the header) trickling a large declared body holds no budget:
    // a call with the token still gets in at once.
    let mut stranger = Client::connect(addr);
    stranger.send_partial(
        b"POST /function HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n{\"diy\":",
    );
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let r = call(
        &server,
        &hook("sleepThenEcho", json!({"ms": 0, "pad": padding})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drop(stranger);
}

/// A long answer is sent in the parts it was written in: byte for byte the answer the
/// dispatcher gives in one buffer, with its length declared, and held to `maxResponseSize`
/// in UTF-16 units as one buffer is.
#[test]
fn a_long_answer_is_sent_whole_in_parts_and_within_the_limit() {
    let page: Vec<Value> = (0..20_000)
        .map(|i| json!({"id": i, "name": format!("é{i}"), "total": 12.5, "tags": ["a", "b"]}))
        .collect();
    let body = hook("preSavePage", json!({"data": page, "errors": []}));
    assert!(
        body.to_string().len() > 1 << 20,
        "a body long enough to be cut"
    );
    let local =
        extension_core::hosts::local::Local::new(Dispatcher::new(Configuration::diy()).unwrap())
            .unwrap();
    let whole = match local.call(bytes::Bytes::from(body.to_string())) {
        Ok(extension_core::Reply::Json(bytes)) => String::from_utf8(bytes.to_vec()).unwrap(),
        other => panic!("an answer: {other:?}"),
    };
    let server = start(config());
    let r = call(&server, &body);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-length"),
        Some(whole.len().to_string().as_str())
    );
    assert!(r.body == whole, "the same answer");
    let units = whole.encode_utf16().count();
    let mut limited = body.clone();
    limited["maxResponseSize"] = json!(units);
    assert_eq!(call(&server, &limited).status, 200);
    limited["maxResponseSize"] = json!(units - 1);
    let r = call(&server, &limited);
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["code"], "response_size_exceeded");
}
