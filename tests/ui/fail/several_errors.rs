use extension_core::prelude::*;

#[pre_save_page(name = "bad name")]
unsafe fn f<T>(_a: u8, _b: u8) {}

fn main() {}
