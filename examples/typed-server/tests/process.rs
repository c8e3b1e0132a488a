//! The server binary as an operator runs it: configuration errors with section 2's texts
//! and exit code 2, SIGTERM drains and exits 0, `/stopServer` exits 1 as Node does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_typed-server");

/// Everything the server logged.
type Logs = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// The server, configured only by what each test passes: none of this machine's
/// `INTEGRATOR_EXTENSION_*` variables (a token there would make a refused start listen).
fn server() -> Command {
    let mut command = Command::new(EXE);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("INTEGRATOR_EXTENSION_") {
            command.env_remove(name);
        }
    }
    command
}

/// Starts the server on a free port and returns it with the port it listens on.
fn start(extra: &[&str]) -> (Child, u16) {
    let (child, port, _) = start_logged(extra);
    (child, port)
}

fn start_logged(extra: &[&str]) -> (Child, u16, Logs) {
    start_logged_at(extra, "info")
}

fn start_logged_at(extra: &[&str], level: &str) -> (Child, u16, Logs) {
    let mut child = server()
        .args(["--port", "0", "--system-token", "system-token-7f3a"])
        .args(extra)
        .env("RUST_LOG", level)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        assert!(
            !line.contains("system-token-7f3a"),
            "the token must not be logged: {line}"
        );
        // `address=127.0.0.1:PORT` as text, `"address":"127.0.0.1:PORT"` as JSON.
        let address = line
            .split("address=")
            .nth(1)
            .or_else(|| line.split("\"address\":\"").nth(1))
            .map(|rest| rest.trim().trim_end_matches(|c: char| !c.is_ascii_digit()));
        if let Some(address) = address {
            let address = address.split('"').next().unwrap();
            let port = address.rsplit(':').next().unwrap().parse().unwrap();
            // Keep reading stderr so the server never blocks on a full pipe.
            let logs = Logs::default();
            let sink = std::sync::Arc::clone(&logs);
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
            return (child, port, logs);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not say where it listens");
}

/// Stops the server with SIGTERM (it must exit 0) and returns its log lines once `calls`
/// `callFunctionInvoked` lines are in (the reader thread sees the last lines once the pipe
/// closes), or after 5 s.
fn stop_and_read_logs(child: &mut Child, logs: &Logs, calls: usize) -> Vec<String> {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(wait(child), 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    let logged = || {
        logs.lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("callFunctionInvoked"))
            .count()
    };
    while logged() < calls && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    logs.lock().unwrap().clone()
}

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer system-token-7f3a\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

fn wait(child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn configuration_errors_exit_2_with_section_2_texts() {
    // Section 2's text first, then what to do about it.
    let output = server().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines = stderr.lines();
    assert_eq!(
        lines.next(),
        Some("missing_parameter: Options parameter is not provided.")
    );
    assert!(lines.next().unwrap().contains("pass --diy"), "{stderr}");
    let output = server()
        .args(["--diy", "--bind", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines = stderr.lines();
    assert_eq!(
        lines.next(),
        Some("missing_required_field: systemToken not provided in options.")
    );
    assert!(lines.next().unwrap().contains("--system-token"), "{stderr}");
}

#[test]
fn sigterm_drains_and_exits_0_and_secrets_stay_out_of_the_logs() {
    let (mut child, port, logs) = start_logged(&["--diy"]);
    assert!(get(port, "/healthCheck").contains("{\"success\":true}"));
    let body = r#"{"diy":true,"type":"hook","function":"preSavePage","options":{"data":[{"name":"ada"}],"bearerToken":"secret-bearer","pageIndex":"not a number"}}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /function?access_token=system-token-7f3a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 422"), "{response}");
    let logs = stop_and_read_logs(&mut child, &logs, 1).join("\n");
    assert!(
        logs.contains("callFunctionInvoked") && logs.contains("reqFinished"),
        "{logs}"
    );
    assert!(
        !logs.contains("system-token-7f3a") && !logs.contains("secret-bearer"),
        "{logs}"
    );
}

#[test]
fn json_logs_are_one_object_per_line_with_numeric_durations() {
    let (mut child, port, logs) = start_logged(&["--diy", "--log-format", "json"]);
    let body = r#"{"diy":true,"type":"hook","function":"preSavePage","options":{"data":[]}}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /function HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer system-token-7f3a\r\ntraceid: t-1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let logs = stop_and_read_logs(&mut child, &logs, 1);
    let lines: Vec<extension_core::serde_json::Value> = logs
        .iter()
        .map(|l| {
            extension_core::serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not one JSON object ({e}): {l}"))
        })
        .collect();
    let call = lines
        .iter()
        .find(|l| l["log_name"] == "callFunctionInvoked")
        .unwrap_or_else(|| panic!("{logs:?}"));
    assert!(call["duration_ms"].is_f64(), "{call}");
    assert_eq!(call["status_code"], 200, "{call}");
    let request = lines
        .iter()
        .find(|l| l["log_name"] == "reqFinished")
        .unwrap_or_else(|| panic!("{logs:?}"));
    assert!(request["response_time_ms"].is_f64(), "{request}");
}

#[test]
fn stop_server_exits_1() {
    let (mut child, port) = start(&["--connector", "c1"]);
    let response = get(port, "/stopServer");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("preparing to shut down."), "{response}");
    assert_eq!(wait(&mut child), 1);
}

/// Open descriptors of a process (Linux).
#[cfg(target_os = "linux")]
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn a_connection_costs_the_server_one_descriptor() {
    let (mut child, port) = start(&["--diy"]);
    let before = open_files(child.id());
    // Kept alive after an answer each, so that every one is accepted and being served.
    let connections: Vec<_> = (0..100)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream
                .write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut status = String::new();
            reader.read_line(&mut status).unwrap();
            assert!(status.starts_with("HTTP/1.1 200"), "{status}");
            reader
        })
        .collect();
    let during = open_files(child.id());
    // A second descriptor per connection (a dup for the heartbeat, say) would halve how many
    // connections the server takes under a 1 024 limit.
    assert!(
        (100..=105).contains(&(during - before)),
        "{before} open before, {during} with 100 connections"
    );
    drop(connections);
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs a command of the binary with `stdin`; answers exit code, stdout, stderr.
fn command(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = server()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn list_invoke_and_schema_run_here_without_a_server() {
    let (code, out, _) = command(&["list", "--json"], "");
    assert_eq!(code, 0);
    let list: extension_core::serde_json::Value =
        extension_core::serde_json::from_str(&out).unwrap();
    let page = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "preSavePage")
        .unwrap();
    // Built with `value-records`, the kit's name goes to the hook of `Value` records.
    let (rust_path, options) = if cfg!(feature = "value-records") {
        (
            "typed_hooks::process_page_as_values",
            "PreSavePageOptions<Value>",
        )
    } else {
        ("typed_hooks::process_page", "PreSavePageOptions")
    };
    assert_eq!(
        (&page["kind"], &page["group"], &page["rustPath"]),
        (&"preSavePage".into(), &"hooks".into(), &rust_path.into())
    );
    assert_eq!(page["file"], "examples/typed-hooks/src/lib.rs");
    assert_eq!(page["options"], options);
    let (code, out, _) = command(&["list"], "");
    assert_eq!(code, 0);
    assert!(
        out.contains("validate_orders") && out.contains("PreMapOptions<Order>"),
        "{out}"
    );

    // The response on stdout, exit 0; the errors on stdout and the status on stderr, exit 1.
    let (code, out, _) = command(
        &["invoke", "preSavePage", "--options", "-"],
        r#"{"data":[{"name":"ada"}],"errors":[]}"#,
    );
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "{\"data\":[{\"name\":\"ADA\",\"processed\":true}],\"errors\":[]}\n"
        )
    );
    let (code, out, err) = command(
        &[
            "invoke",
            "explain_failures",
            "--type",
            "hook",
            "--options",
            "-",
        ],
        r#"{"responseData": 5}"#,
    );
    assert_eq!((code, err.trim()), (1, "422"));
    assert!(
        out.starts_with(r#"{"errors":[{"code":"invalid_field""#),
        "{out}"
    );
    let (code, out, _) = command(
        &[
            "invoke",
            "file_delivered",
            "--connector",
            "c1",
            "--envelope",
            "-",
        ],
        r#"{"options": {"postAggregateData": {"success": false, "message": "gone"}}}"#,
    );
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "{\"errors\":[{\"code\":\"delivery_failed\",\"message\":\"gone\"}]}\n"
        )
    );

    let (code, out, _) = command(&["schema", "validate_orders"], "");
    assert_eq!(code, 0);
    let schema: extension_core::serde_json::Value =
        extension_core::serde_json::from_str(&out).unwrap();
    assert_eq!(schema["kind"], "preMap");
    assert_eq!(schema["options"]["title"], "PreMapOptions");
    let (code, _, err) = command(&["schema", "nope"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no function is registered as `nope`"), "{err}");

    let (code, out, _) = command(&["--version"], "");
    assert_eq!(
        (code, out.trim()),
        (0, "typed-server (extension-core 0.1.0)")
    );
}

#[test]
fn logged_values_cannot_forge_lines_and_no_level_logs_a_secret() {
    for format in ["text", "json"] {
        let (mut child, port, logs) = start_logged_at(&["--diy", "--log-format", format], "trace");
        // Control characters where the logs quote the envelope, a secret in every place
        // one can travel: the query's token, the header's, `bearerToken`, `connection.encrypted`.
        let body = r#"{"diy":true,"type":"hook\nFORGED type","function":"preSavePage\r\nFORGED function","_connectorId":"c\u001b[31m","options":{"data":[{"name":"ada"}],"bearerToken":"secret-bearer","connection":{"encrypted":{"password":"enc-secret-9"}}}}"#;
        for auth in ["", "Authorization: Bearer system-token-7f3a\r\n"] {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                stream,
                "POST /function?access_token=system-token-7f3a HTTP/1.1\r\nHost: x\r\n{auth}traceid: t\tx\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            assert!(response.starts_with("HTTP/1.1 422"), "{response}");
        }
        let logs = stop_and_read_logs(&mut child, &logs, 2);
        let all = logs.join("\n");
        assert!(all.contains("callFunctionInvoked"), "{all}");
        for line in &logs {
            assert!(
                !line.trim_start().starts_with("FORGED"),
                "a forged line: {line}"
            );
            assert!(
                !line.contains('\u{1b}') && !line.contains('\t'),
                "a control character: {line:?}"
            );
            for secret in ["system-token-7f3a", "secret-bearer", "enc-secret-9"] {
                assert!(!line.contains(secret), "{secret} logged ({format}): {line}");
            }
        }
    }
}
