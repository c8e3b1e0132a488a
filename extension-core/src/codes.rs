//! Which `code` integrator.io receives for an error: the one its type chooses
//! ([`ErrorCode`]), one a JavaScript user would recognise for the errors of `serde_json` and
//! `std::io`, or else the type's name (the Rust counterpart of a JavaScript error's `name`).

use std::borrow::Cow;
use std::error::Error;

/// Chooses the `code` integrator.io receives for an error type of yours (the default is the
/// type's name). Derive it for an enum, with `#[code = "..."]` on the type or on each variant:
///
/// ```
/// use extension_core::ErrorCode;
///
/// #[derive(Debug, thiserror::Error, ErrorCode)]
/// #[code = "lookup_failed"]
/// enum LookupError {
///     #[error("no customer {0}")]
///     #[code = "not_found"]
///     NotFound(String),
///     #[error("the database is unreachable")]
///     Offline,
/// }
/// # fn main() {}
/// ```
///
/// or implement it by hand and register the implementation with
/// [`register_error_code!`](crate::register_error_code): errors travel as
/// `Box<dyn Error>`, `anyhow::Error` or inside others, and the registration is how the code is
/// found for them wherever they end up.
pub trait ErrorCode: Error + 'static {
    /// The code of this error.
    fn code(&self) -> Cow<'static, str>;
}

/// Registers a hand-written [`ErrorCode`] implementation, so that the code is found for errors
/// of that type wherever they travel: `register_error_code!(MyError);`. (`#[derive(ErrorCode)]`
/// registers itself.)
#[macro_export]
macro_rules! register_error_code {
    ($type:ty) => {
        const _: () = {
            $crate::__private::inventory::submit!($crate::__private::CodeProvider(
                $crate::__private::code_of::<$type>
            ));
        };
    };
}

/// Reads the code of errors of one type that implements [`ErrorCode`].
#[doc(hidden)]
pub struct CodeProvider(pub fn(&(dyn Error + 'static)) -> Option<Cow<'static, str>>);

inventory::collect!(CodeProvider);

/// The code of `error` if it is a `T`.
#[doc(hidden)]
pub fn code_of<T: ErrorCode>(error: &(dyn Error + 'static)) -> Option<Cow<'static, str>> {
    error.downcast_ref::<T>().map(ErrorCode::code)
}

/// The code `error` chooses, by its type's [`ErrorCode`] or by the codes this crate knows.
fn chosen(error: &(dyn Error + 'static)) -> Option<Cow<'static, str>> {
    if let Some(e) = error.downcast_ref::<serde_json::Error>() {
        // `JSON.parse` throws a SyntaxError; a value of the wrong type is a TypeError in
        // JavaScript's terms.
        return Some(
            match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    "SyntaxError"
                }
                serde_json::error::Category::Data => "TypeError",
                serde_json::error::Category::Io => "Error",
            }
            .into(),
        );
    }
    if let Some(e) = error.downcast_ref::<std::io::Error>() {
        return io_code(e.kind()).map(Cow::Borrowed);
    }
    inventory::iter::<CodeProvider>
        .into_iter()
        .find_map(|provider| (provider.0)(error))
}

/// The code Node gives a system error of this kind (`err.code`, from errno).
fn io_code(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "ENOENT",
        K::PermissionDenied => "EACCES",
        K::ConnectionRefused => "ECONNREFUSED",
        K::ConnectionReset => "ECONNRESET",
        K::ConnectionAborted => "ECONNABORTED",
        K::NotConnected => "ENOTCONN",
        K::AddrInUse => "EADDRINUSE",
        K::AddrNotAvailable => "EADDRNOTAVAIL",
        K::BrokenPipe => "EPIPE",
        K::AlreadyExists => "EEXIST",
        K::WouldBlock => "EAGAIN",
        K::TimedOut => "ETIMEDOUT",
        K::Interrupted => "EINTR",
        K::InvalidInput => "EINVAL",
        K::Unsupported => "ENOTSUP",
        K::OutOfMemory => "ENOMEM",
        _ => return None,
    })
}

/// The code of an error of the named type: the one it chooses, else its type's name. An error
/// that came as a container (`String`, `&str`, `Box<dyn Error>`, `anyhow::Error`) has no name
/// of its own: the first error of its chain that chooses a code gives it, else `Error`, as a
/// JavaScript `Error`'s `name`.
pub(crate) fn resolve(error: &(dyn Error + 'static), type_name: &'static str) -> Cow<'static, str> {
    if let Some(code) = chosen(error) {
        return code;
    }
    if !is_container(type_name) {
        return type_name.into();
    }
    let mut source = error.source();
    while let Some(error) = source {
        if let Some(code) = chosen(error) {
            return code;
        }
        source = error.source();
    }
    "Error".into()
}

fn is_container(name: &str) -> bool {
    name.starts_with('&') || matches!(name, "String" | "Box" | "Cow" | "Arc" | "Error")
}

/// `JavaScript`-style `name` for a Rust type: `core::num::ParseIntError` → `ParseIntError`.
pub(crate) fn short_type_name<E: ?Sized>() -> &'static str {
    let full = std::any::type_name::<E>();
    let base = full.split('<').next().unwrap_or(full);
    let name = base.rsplit("::").next().unwrap_or(base);
    if name.is_empty() || name.starts_with("dyn ") {
        "Error"
    } else {
        name
    }
}
