fn main() -> std::process::ExitCode {
    extension_core::hosts::http::run_with(my_extension::states())
}
