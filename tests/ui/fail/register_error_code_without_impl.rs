#[derive(Debug, thiserror::Error)]
#[error("quota used up")]
struct Quota;

// `register_error_code!` registers an `ErrorCode` implementation: there is none.
extension_core::register_error_code!(Quota);

fn main() {}
