//! The configuration surface every server built with the framework shares: flags and
//! environment variables, checked with the texts of PROTOCOL.md section 2.

use crate::config::options_not_provided;
use crate::hosts::env_flag;
use crate::{Configuration, ExtensionError};
use serde_json::Value;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// How the HTTP host runs. Defaults follow the Node server (section 6.6) except the address,
/// which is loopback unless you choose otherwise.
#[derive(Clone)]
pub struct HttpConfig {
    /// Address to listen on (`127.0.0.1` by default).
    pub bind: IpAddr,
    /// Port to listen on (`0` picks a free one).
    pub port: u16,
    /// The stack's system token: the only credential `/function` accepts.
    pub system_token: String,
    /// DIY or the connector ids served.
    pub modules: Configuration,
    /// Largest request body (50 MiB).
    pub body_limit: usize,
    /// When a still-running call gets its `102 Processing` (270 s).
    pub heartbeat: Duration,
    /// Socket inactivity timeout while a request is in flight (315 s).
    pub socket_timeout: Duration,
    /// Idle keep-alive timeout between requests (301 s).
    pub keep_alive_timeout: Duration,
    /// Time allowed to receive a request's headers (305 s).
    pub headers_timeout: Duration,
    /// How long a graceful shutdown waits for calls in flight (60 s).
    pub shutdown_grace: Duration,
    /// Connections the kernel queues before they are accepted (511, as Node's `listen`;
    /// the kernel caps it at `net.core.somaxconn`). A burst larger than the queue gets
    /// refused or reset connections, so a small one loses calls under load.
    pub backlog: u32,
    /// Let anyone drain (`/openConnections?terminate=true`) or stop (`/stopServer`) the
    /// server without the system token, as the Node server does.
    pub open_operations: bool,
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("system_token", &"<redacted>")
            .field("modules", &self.modules)
            .field("body_limit", &self.body_limit)
            .field("heartbeat", &self.heartbeat)
            .field("socket_timeout", &self.socket_timeout)
            .field("keep_alive_timeout", &self.keep_alive_timeout)
            .field("headers_timeout", &self.headers_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("backlog", &self.backlog)
            .field("open_operations", &self.open_operations)
            .finish()
    }
}

/// Default port of the command line: the Node server's 80 needs privileges on most hosts.
pub const DEFAULT_PORT: u16 = 7000;

impl HttpConfig {
    /// A configuration with the defaults, for `modules` and `system_token`.
    pub fn new(modules: Configuration, system_token: impl Into<String>) -> Self {
        HttpConfig {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: DEFAULT_PORT,
            system_token: system_token.into(),
            modules,
            body_limit: 52_428_800,
            heartbeat: Duration::from_millis(270_000),
            socket_timeout: Duration::from_millis(315_000),
            keep_alive_timeout: Duration::from_millis(301_000),
            headers_timeout: Duration::from_millis(305_000),
            shutdown_grace: Duration::from_secs(60),
            backlog: 511,
            open_operations: false,
        }
    }
}

/// What the command line asked for.
#[derive(Debug)]
pub enum Parsed {
    /// Run with this configuration; `generated_token` is set when the token was generated.
    Run {
        /// The configuration.
        config: Box<HttpConfig>,
        /// Whether the system token was generated (loopback only).
        generated_token: bool,
    },
    /// `--help`: print this.
    Help(String),
}

/// A configuration error: a section 2 error (`code`, `message`) or a bad flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub ExtensionError);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code(), self.0.message())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// What to do about it, for the command line (the code and message stay Node's).
    pub fn hint(&self) -> &'static str {
        match (self.0.code(), self.0.message()) {
            (_, "systemToken not provided in options.") => {
                "pass --system-token TOKEN (or INTEGRATOR_EXTENSION_SYSTEM_TOKEN): \
                 an address other than loopback needs the stack's token"
            }
            ("invalid_argument", _) => "see --help for the flags and their values",
            _ => {
                "pass --diy, or --connector ID once per connector (or INTEGRATOR_EXTENSION_DIY=true, \
                 INTEGRATOR_EXTENSION_CONNECTORS=id1,id2); see --help"
            }
        }
    }
}

fn bad(message: String) -> ConfigError {
    ConfigError(ExtensionError::new("invalid_argument", message))
}

/// The usage text.
pub fn usage(program: &str) -> String {
    format!(
        "usage: {program} [--diy | --connector ID ...] [options]

Serves this binary's extension functions over HTTP (POST /function).

  --diy                      serve the functions as the DIY module      INTEGRATOR_EXTENSION_DIY=true
  --connector ID             serve them for this _connectorId (repeat)  INTEGRATOR_EXTENSION_CONNECTORS=id1,id2
  --system-token TOKEN       the stack's system token                   INTEGRATOR_EXTENSION_SYSTEM_TOKEN
  --port PORT                port (default {DEFAULT_PORT}, 0 = any free)       INTEGRATOR_EXTENSION_PORT
  --bind ADDRESS             address (default 127.0.0.1)                INTEGRATOR_EXTENSION_BIND
  --body-limit BYTES         largest request body (default 52428800)    INTEGRATOR_EXTENSION_BODY_LIMIT
  --heartbeat-ms MS          102 Processing after (default 270000)      INTEGRATOR_EXTENSION_HEARTBEAT_MS
  --timeout-ms MS            socket inactivity timeout (default 315000) INTEGRATOR_EXTENSION_TIMEOUT_MS
  --keep-alive-timeout-ms MS idle keep-alive timeout (default 301000)   INTEGRATOR_EXTENSION_KEEP_ALIVE_TIMEOUT_MS
  --headers-timeout-ms MS    time to receive headers (default 305000)   INTEGRATOR_EXTENSION_HEADERS_TIMEOUT_MS
  --shutdown-grace-ms MS     drain deadline on SIGTERM (default 60000)  INTEGRATOR_EXTENSION_SHUTDOWN_GRACE_MS
  --backlog N                pending-connection queue (default 511)     INTEGRATOR_EXTENSION_BACKLOG
  --open-operations          allow /stopServer and ?terminate=true      INTEGRATOR_EXTENSION_OPEN_OPERATIONS=true
                             without the system token (Node's behaviour)

Flags win over the environment. Without a system token on a loopback address one is
generated and printed once; on any other address the server refuses to start."
    )
}

/// Reads flags (`args` without the program name) and the environment (`env`).
pub fn parse(
    program: &str,
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Parsed, ConfigError> {
    let mut diy = None::<bool>;
    let mut connectors: Option<Vec<String>> = None;
    let mut token = None;
    let mut values: Vec<(&'static str, String)> = Vec::new();
    let mut open_operations = false;
    let mut given_any = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| bad(format!("{name} needs a value")))
        };
        given_any = true;
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help(usage(program))),
            "--diy" => diy = Some(true),
            "--connector" => connectors
                .get_or_insert_with(Vec::new)
                .push(value("--connector")?),
            "--system-token" => token = Some(value("--system-token")?),
            "--open-operations" => open_operations = true,
            other => match SETTINGS.iter().find(|(known, _)| *known == other) {
                Some(&(name, _)) => values.push((name, value(name)?)),
                None => return Err(bad(format!("unknown argument `{other}` (see --help)"))),
            },
        }
    }
    let from_env = |name: &str| env(name).filter(|v| !v.is_empty());
    if diy.is_none() {
        if let Some(v) = from_env("INTEGRATOR_EXTENSION_DIY") {
            given_any = true;
            diy = Some(env_flag(&v));
        }
    }
    if connectors.is_none() {
        if let Some(v) = from_env("INTEGRATOR_EXTENSION_CONNECTORS") {
            given_any = true;
            connectors = Some(v.split(',').map(str::trim).map(str::to_owned).collect());
        }
    }
    let token = token.or_else(|| from_env("INTEGRATOR_EXTENSION_SYSTEM_TOKEN"));
    given_any |= token.is_some();
    open_operations |=
        from_env("INTEGRATOR_EXTENSION_OPEN_OPERATIONS").is_some_and(|v| env_flag(&v));
    let setting = |flag: &str| {
        let var = SETTINGS.iter().find(|(f, _)| *f == flag).map(|(_, v)| *v)?;
        values
            .iter()
            .rev()
            .find(|(f, _)| *f == flag)
            .map(|(_, v)| v.clone())
            .or_else(|| from_env(var))
    };

    // Section 2.1, in order, on what was given.
    if !given_any && SETTINGS.iter().all(|(_, var)| from_env(var).is_none()) {
        return Err(ConfigError(options_not_provided()));
    }
    let connectors = connectors.map(|ids| {
        ids.into_iter()
            .filter(|id| !id.is_empty())
            .map(Value::String)
            .collect::<Value>()
    });
    let modules = Configuration::from_members(diy.unwrap_or(false), connectors.as_ref())
        .map_err(ConfigError)?;

    let mut config = HttpConfig::new(modules, String::new());
    if let Some(v) = setting("--bind") {
        config.bind = v
            .parse()
            .map_err(|_| bad(format!("--bind: `{v}` is not an IP address")))?;
    }
    if let Some(v) = setting("--port") {
        config.port = v
            .parse()
            .map_err(|_| bad(format!("--port: `{v}` is not a port number")))?;
    }
    if let Some(v) = setting("--body-limit") {
        config.body_limit = number("--body-limit", &v)? as usize;
    }
    if let Some(v) = setting("--backlog") {
        config.backlog = match number("--backlog", &v)? {
            n @ 1..=0x7fff_ffff => n as u32,
            _ => {
                return Err(bad(format!(
                    "--backlog: `{v}` is not between 1 and 2147483647"
                )))
            }
        };
    }
    for (flag, field) in [
        ("--heartbeat-ms", &mut config.heartbeat),
        ("--timeout-ms", &mut config.socket_timeout),
        ("--keep-alive-timeout-ms", &mut config.keep_alive_timeout),
        ("--headers-timeout-ms", &mut config.headers_timeout),
        ("--shutdown-grace-ms", &mut config.shutdown_grace),
    ] {
        if let Some(v) = setting(flag) {
            *field = Duration::from_millis(number(flag, &v)?);
        }
    }
    config.open_operations = open_operations;

    let generated_token = match token {
        Some(t) => {
            config.system_token = t;
            false
        }
        None if config.bind.is_loopback() => {
            config.system_token = generate_token();
            true
        }
        None => {
            return Err(ConfigError(ExtensionError::new(
                "missing_required_field",
                "systemToken not provided in options.",
            )))
        }
    };
    Ok(Parsed::Run {
        config: Box::new(config),
        generated_token,
    })
}

/// The flags that take a value, and the variable each falls back to.
const SETTINGS: &[(&str, &str)] = &[
    ("--port", "INTEGRATOR_EXTENSION_PORT"),
    ("--bind", "INTEGRATOR_EXTENSION_BIND"),
    ("--body-limit", "INTEGRATOR_EXTENSION_BODY_LIMIT"),
    ("--heartbeat-ms", "INTEGRATOR_EXTENSION_HEARTBEAT_MS"),
    ("--timeout-ms", "INTEGRATOR_EXTENSION_TIMEOUT_MS"),
    (
        "--keep-alive-timeout-ms",
        "INTEGRATOR_EXTENSION_KEEP_ALIVE_TIMEOUT_MS",
    ),
    (
        "--headers-timeout-ms",
        "INTEGRATOR_EXTENSION_HEADERS_TIMEOUT_MS",
    ),
    (
        "--shutdown-grace-ms",
        "INTEGRATOR_EXTENSION_SHUTDOWN_GRACE_MS",
    ),
    ("--backlog", "INTEGRATOR_EXTENSION_BACKLOG"),
];

fn number(flag: &str, v: &str) -> Result<u64, ConfigError> {
    v.parse()
        .map_err(|_| bad(format!("{flag}: `{v}` is not a whole number")))
}

/// A random token for local runs: 32 characters from the system's randomness.
fn generate_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    // `RandomState` is seeded from the OS: enough for a throwaway local token.
    (0..4)
        .map(|i| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(i);
            format!("{:016x}", h.finish())
        })
        .collect::<String>()[..32]
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Parsed, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        parse("server", args.iter().map(|a| (*a).to_owned()), move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    fn config(parsed: Result<Parsed, ConfigError>) -> (HttpConfig, bool) {
        match parsed.unwrap() {
            Parsed::Run {
                config,
                generated_token,
            } => (*config, generated_token),
            Parsed::Help(_) => panic!("help"),
        }
    }

    fn error(parsed: Result<Parsed, ConfigError>) -> (String, String) {
        let e = parsed.unwrap_err().0;
        (e.code().to_owned(), e.message().to_owned())
    }

    #[test]
    fn section_2_checks_with_their_texts() {
        assert_eq!(
            error(run(&[], &[])),
            (
                "missing_parameter".into(),
                "Options parameter is not provided.".into()
            )
        );
        assert_eq!(
            error(run(&["--port", "7001"], &[])),
            (
                "missing_required_field".into(),
                "Either DIY or connectors field needs to be set.".into()
            )
        );
        assert_eq!(
            error(run(&["--diy", "--connector", "c1"], &[])).0,
            "invalid_configuration"
        );
        assert_eq!(
            error(run(&["--connector", ""], &[])),
            (
                "invalid_field".into(),
                "No connector modules provided in the connectors field.".into()
            )
        );
        // Any setting makes the configuration non-empty, from a flag or a variable alike.
        assert_eq!(
            error(run(&[], &[("INTEGRATOR_EXTENSION_HEARTBEAT_MS", "5")])).0,
            "missing_required_field"
        );
        assert_eq!(
            error(run(
                &["--connector", "c1"],
                &[("INTEGRATOR_EXTENSION_DIY", "yes")]
            ))
            .0,
            "invalid_configuration"
        );
        assert_eq!(
            error(run(&["--diy", "--bind", "0.0.0.0"], &[])),
            (
                "missing_required_field".into(),
                "systemToken not provided in options.".into()
            )
        );
    }

    #[test]
    fn flags_and_environment() {
        let (c, generated) = config(run(&["--diy", "--port=7100", "--heartbeat-ms", "50"], &[]));
        assert!(c.modules.is_diy() && generated && c.system_token.len() == 32);
        assert_eq!((c.port, c.heartbeat), (7100, Duration::from_millis(50)));
        assert_eq!(c.backlog, 511);
        let (c, _) = config(run(
            &["--diy", "--backlog", "2048"],
            &[("INTEGRATOR_EXTENSION_BACKLOG", "64")],
        ));
        assert_eq!(c.backlog, 2048);
        let (c, _) = config(run(&["--diy"], &[("INTEGRATOR_EXTENSION_BACKLOG", "64")]));
        assert_eq!(c.backlog, 64);
        assert_eq!(
            error(run(&["--diy", "--backlog", "0"], &[])).0,
            "invalid_argument"
        );
        assert!(c.bind.is_loopback());
        let env = [
            ("INTEGRATOR_EXTENSION_CONNECTORS", "a, b"),
            ("INTEGRATOR_EXTENSION_SYSTEM_TOKEN", "tok"),
            ("INTEGRATOR_EXTENSION_PORT", "7200"),
        ];
        let (c, generated) = config(run(&["--port", "7300"], &env));
        assert_eq!(c.modules.connector_ids(), ["a", "b"]);
        assert_eq!(
            (c.system_token.as_str(), generated, c.port),
            ("tok", false, 7300)
        );
        assert!(
            !format!("{c:?}").contains("tok\""),
            "the token stays out of Debug"
        );
        assert!(matches!(run(&["--help"], &[]), Ok(Parsed::Help(_))));
        assert_eq!(error(run(&["--diy", "--nope"], &[])).0, "invalid_argument");
        assert_eq!(
            error(run(&["--diy", "--port", "x"], &[])).0,
            "invalid_argument"
        );
    }
}
