use extension_core::ErrorCode;

#[derive(Debug, thiserror::Error, ErrorCode)]
enum Wrapped<E: std::error::Error + 'static> {
    #[error("inner: {0}")]
    Inner(E),
}

fn main() {}
