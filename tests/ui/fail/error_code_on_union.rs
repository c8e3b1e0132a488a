use extension_core::ErrorCode;

#[derive(ErrorCode)]
union Bits {
    a: u32,
    b: f32,
}

fn main() {}
