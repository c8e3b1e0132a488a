use extension_core::prelude::*;

// The state goes out in the response and comes back in the next call's options: one type.
#[wrapper_export]
fn f(options: ExportOptions<u64>) -> Result<ExportResponse<String>, ExtensionError> {
    Ok(ExportResponse {
        state: options.state.map(|page| page.to_string()),
        ..Default::default()
    })
}

fn main() {}
