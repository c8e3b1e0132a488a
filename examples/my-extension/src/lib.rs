//! The README's first extension ("Your first extension"): the README shows this file.

use extension_core::prelude::*;
use extension_core::States;

/// A record as the export delivers it: the fields we use, typed; the rest kept as sent.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Contact {
    pub email: String,
    #[serde(flatten)]
    pub rest: extension_core::serde_json::Map<String, Value>,
}

/// Settings loaded once at start-up and handed to every call.
#[derive(Clone)]
pub struct Domains {
    pub blocked: Vec<String>,
}

/// Drops contacts at blocked domains and lower-cases the others' addresses.
#[pre_save_page]
pub async fn clean_contacts(
    options: PreSavePageOptions<Contact>,
    State(domains): State<Domains>,
    context: Context,
) -> Result<PreSavePageResponse<Contact>, ExtensionError> {
    let before = options.data.len();
    let data: Vec<Contact> = options
        .data
        .into_iter()
        .filter(|c| {
            !domains
                .blocked
                .iter()
                .any(|d| c.email.ends_with(d.as_str()))
        })
        .map(|mut c| {
            c.email = c.email.to_lowercase();
            c
        })
        .collect();
    tracing::info!(kept = data.len(), dropped = before - data.len(), trace_id = ?context.trace_id(), "contacts cleaned");
    Ok(PreSavePageResponse {
        data,
        errors: options.errors,
        ..Default::default()
    })
}

/// What the functions are given at start-up.
pub fn states() -> States {
    let blocked = std::env::var("BLOCKED_DOMAINS").unwrap_or_else(|_| "@spam.example".into());
    States::new().with(Domains {
        blocked: blocked.split(',').map(str::to_owned).collect(),
    })
}
