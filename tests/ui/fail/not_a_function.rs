use extension_core::prelude::*;

#[pre_save_page]
struct NotAFunction;

fn main() {}
