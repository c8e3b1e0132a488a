use extension_core::ErrorCode;

#[derive(Debug, thiserror::Error, ErrorCode)]
enum LookupError {
    #[error("not found")]
    #[code = 404]
    NotFound,
    #[error("offline")]
    #[code = ""]
    Offline,
    #[error("busy")]
    #[code("busy")]
    Busy,
}

fn main() {}
