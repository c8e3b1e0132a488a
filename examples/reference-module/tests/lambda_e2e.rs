//! The Lambda host end to end under AWS's Runtime Interface Emulator: invocations carry the
//! envelope as a base64 client context, exactly as integrator.io's Invoke calls do.
//!
//! The emulator comes from `scripts/install-rie.sh` (`.ci/run` calls it). Without it these
//! tests print why and pass locally; with `CI` set they fail.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BOOTSTRAP: &str = env!("CARGO_BIN_EXE_reference-lambda");

fn emulator() -> Option<PathBuf> {
    let path = std::env::var_os("AWS_LAMBDA_RIE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/integrator-extension/aws-lambda-rie")
        });
    if path.is_file() {
        return Some(path);
    }
    let why = format!(
        "the Lambda emulator is not installed at {} (run scripts/install-rie.sh)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("SKIPPED: {why}");
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Emulator {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(env: &[(&str, &str)]) -> Option<Emulator> {
    start_logging(env, None)
}

/// Starts the emulator with the function; its output (the function's logs among it) goes to
/// `log` when given.
fn start_logging(env: &[(&str, &str)], log: Option<&std::fs::File>) -> Option<Emulator> {
    let rie = emulator()?;
    let (port, api_port) = (free_port(), free_port());
    let mut command = Command::new(rie);
    command
        .args([
            "--runtime-interface-emulator-address",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--runtime-api-address", &format!("127.0.0.1:{api_port}")])
        .arg(BOOTSTRAP)
        .env_remove("AWS_LAMBDA_MAX_CONCURRENCY")
        .env_remove("INTEGRATOR_EXTENSION_DIY")
        .env_remove("INTEGRATOR_EXTENSION_CONNECTORS")
        .env_remove("AWS_LAMBDA_LOG_FORMAT")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(log) = log {
        command
            .stdout(log.try_clone().unwrap())
            .stderr(log.try_clone().unwrap());
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.spawn().expect("the emulator starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "the emulator does not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Emulator { child, addr })
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Invokes the function; answers the status, whether it failed, and the body. (The emulator
/// does not set `X-Amz-Function-Error` as the Lambda service does: a failure is the
/// `{errorMessage, errorType}` body our runtime posted to the error endpoint.)
fn invoke(
    emulator: &Emulator,
    client_context: Option<&str>,
    event: &str,
) -> (u16, Option<String>, String) {
    let mut stream = TcpStream::connect(emulator.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "POST /2015-03-31/functions/function/invocations HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        event.len()
    );
    if let Some(context) = client_context {
        head.push_str(&format!(
            "X-Amz-Client-Context: {}\r\n",
            base64(context.as_bytes())
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(event.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    let failed = extension_core::serde_json::from_str::<extension_core::serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("errorMessage")
                .and_then(|m| m.as_str())
                .map(str::to_owned)
        });
    (status, failed, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn value(text: &str) -> extension_core::serde_json::Value {
    extension_core::serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The `{statusCode, errors}` an error invocation carries in `errorMessage`.
fn failure(body: &str) -> extension_core::serde_json::Value {
    let error = value(body);
    value(
        error["errorMessage"]
            .as_str()
            .unwrap_or_else(|| panic!("no errorMessage in {body}")),
    )
}

#[test]
fn invocations_end_to_end() {
    let Some(emulator) = start(&[("INTEGRATOR_EXTENSION_DIY", "true")]) else {
        return;
    };
    let hook = |function: &str| format!(r#"{{"diy":true,"type":"hook","function":"{function}"}}"#);

    // Success, and no value as `null`.
    let (status, error, body) = invoke(&emulator, Some(&hook("doSomething")), r#"{"a":1}"#);
    assert_eq!(
        (status, error, value(&body)),
        (200, None, value(r#"[{"a":1,"function":"doSomething"}]"#))
    );
    let (_, error, body) = invoke(&emulator, Some(&hook("echoResponse")), "{}");
    assert_eq!((error, body.as_str()), (None, "null"));

    // A function error: errorMessage is exactly the compact JSON text.
    let (_, error, body) = invoke(&emulator, Some(&hook("doSomethingError")), "{}");
    assert!(error.is_some(), "posted as a function error: {body}");
    assert_eq!(
        value(&body)["errorMessage"],
        r#"{"statusCode":422,"errors":[{"code":"my_error","message":"doSomethingError"}]}"#
    );
    assert_eq!(value(&body)["errorType"], "my_error");

    // The envelope errors of section 4 that apply on Lambda.
    let cases = [
        (
            r#"{"diy":0,"_connectorId":"x","function":5}"#,
            "null",
            vec!["invalid_field", "invalid_field", "missing_required_field"],
        ),
        (
            r#"{"diy":true,"type":"foo","function":"doSomething"}"#,
            "{}",
            vec!["object_not_found"],
        ),
        (
            r#"{"diy":true,"type":"hook","function":"toString"}"#,
            "{}",
            vec!["invalid_function"],
        ),
        (
            r#"{"diy":true,"type":"hook","function":"respondWithNonSearializableObject"}"#,
            "{}",
            vec!["invalid_extension_response"],
        ),
        (
            r#"{"diy":true,"type":"hook","function":"echoResponse","maxResponseSize":2}"#,
            r#"{"resp":"abc"}"#,
            vec!["response_size_exceeded"],
        ),
        (
            r#"{"_connectorId":"c1","function":"doSomething"}"#,
            "{}",
            vec!["invalid_field"],
        ),
    ];
    for (context, event, codes) in cases {
        let (_, error, body) = invoke(&emulator, Some(context), event);
        assert!(error.is_some(), "{context}");
        let failure = failure(&body);
        assert_eq!(failure["statusCode"], 422, "{context}");
        let got: Vec<_> = failure["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, codes, "{context}");
    }

    // No client context, and a malformed one: 422s, and the function keeps serving.
    let (_, _, body) = invoke(&emulator, None, "{}");
    let codes: Vec<_> = failure(&body)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].clone())
        .collect();
    assert_eq!(codes, ["missing_required_field", "missing_required_field"]);
    let (_, _, body) = invoke(&emulator, Some("{not json"), "{}");
    assert_eq!(
        failure(&body)["errors"][0]["code"],
        "invalid_client_context"
    );

    // A panic is an error, then the next call succeeds.
    let (_, error, body) = invoke(&emulator, Some(&hook("throwSynchronously")), "{}");
    assert!(error.is_some());
    assert_eq!(failure(&body)["errors"][0]["code"], "function_panicked");
    let (_, error, body) = invoke(&emulator, Some(&hook("echoResponse")), r#"{"resp":"back"}"#);
    assert_eq!((error, body.as_str()), (None, "\"back\""));

    // A 1 MB event.
    let big = format!(r#"{{"resp":"{}"}}"#, "x".repeat(1_000_000));
    let (_, error, body) = invoke(&emulator, Some(&hook("echoResponse")), &big);
    assert_eq!((error, body.len()), (None, 1_000_002));
}

#[test]
fn connector_routing_and_configuration_errors() {
    let Some(emulator) = start(&[("INTEGRATOR_EXTENSION_CONNECTORS", "c1,c2")]) else {
        return;
    };
    let (_, error, body) = invoke(
        &emulator,
        Some(r#"{"_connectorId":"c2","type":"installer","function":"runInstallerSuccessStep"}"#),
        r#"{"x":1}"#,
    );
    assert_eq!(
        (error, value(&body)),
        (
            None,
            value(r#"{"x":1,"function":"runInstallerSuccessStep"}"#)
        )
    );
    let (_, _, body) = invoke(
        &emulator,
        Some(r#"{"diy":true,"function":"doSomething"}"#),
        "{}",
    );
    assert_eq!(
        failure(&body)["errors"][0]["message"],
        "DIY is not configured in the extension configuration."
    );
    drop(emulator);

    // A broken deploy answers every invocation with the configuration error (section 2.1).
    let Some(emulator) = start(&[]) else { return };
    for _ in 0..2 {
        let (_, _, body) = invoke(
            &emulator,
            Some(r#"{"diy":true,"function":"doSomething"}"#),
            "{}",
        );
        assert_eq!(
            failure(&body),
            value(
                r#"{"statusCode":422,"errors":[{"code":"missing_parameter","message":"Options parameter is not provided."}]}"#
            )
        );
    }
}

#[test]
fn logs_are_json_objects_when_the_function_asks_for_json() {
    let path = std::env::temp_dir().join(format!("lambda-json-logs-{}.log", std::process::id()));
    let log = std::fs::File::create(&path).unwrap();
    let Some(emulator) = start_logging(
        &[
            ("INTEGRATOR_EXTENSION_DIY", "true"),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
        ],
        Some(&log),
    ) else {
        return;
    };
    let (_, error, _) = invoke(
        &emulator,
        Some(r#"{"diy":true,"type":"hook","function":"doSomething"}"#),
        "{}",
    );
    assert_eq!(error, None);
    let (_, error, _) = invoke(
        &emulator,
        Some(r#"{"diy":true,"type":"hook","function":"doSomethingError"}"#),
        r#"{"bearerToken":"secret-bearer"}"#,
    );
    assert!(error.is_some());
    drop(emulator);
    let logs = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let ours: Vec<extension_core::serde_json::Value> = logs
        .lines()
        .filter(|l| l.contains("integrator-extension") || l.contains("invocation failed"))
        .map(value)
        .collect();
    let messages: Vec<&str> = ours.iter().filter_map(|l| l["message"].as_str()).collect();
    assert!(
        messages.contains(&"Loaded integrator-extension configuration.")
            && messages.contains(&"invocation failed"),
        "{logs}"
    );
    assert!(ours.iter().all(|l| l["level"].is_string()), "{logs}");
    assert!(!logs.contains("secret-bearer"), "{logs}");
}
