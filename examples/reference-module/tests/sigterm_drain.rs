//! SIGTERM on the server binary while a call is in flight: the call still gets its answer,
//! and the process exits 0.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_reference-server");

#[test]
fn sigterm_lets_a_call_in_flight_finish() {
    let mut child = Command::new(EXE)
        .args(["--diy", "--port", "0", "--system-token", "tok"])
        .args(["--heartbeat-ms", "200", "--shutdown-grace-ms", "10000"])
        .env("RUST_LOG", "info")
        .env_remove("INTEGRATOR_EXTENSION_CONNECTORS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let port: u16 = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the server ended before it listened"
        );
        if let Some(address) = line.split("address=").nth(1) {
            break address.trim().rsplit(':').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));

    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = r#"{"diy":true,"type":"hook","function":"sleepThenRespond","options":{"ms":1500}}"#;
    write!(
        stream,
        "POST /function HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // The 102 says the call is running on the server: now is "in flight".
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 102"), "{line}");
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());

    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    // The rest of the 102, then the answer; the server closes the connection as it drains.
    assert!(rest.contains("HTTP/1.1 200 OK"), "{rest}");
    assert!(rest.ends_with("{\"done\":true}"), "{rest}");

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}
