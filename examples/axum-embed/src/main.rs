//! `cargo run -p axum-embed`: the app of `lib.rs` on 127.0.0.1:7100, serving the typed hooks
//! as the DIY module. The token comes from `INTEGRATOR_EXTENSION_SYSTEM_TOKEN`.

use extension_core::{Configuration, Dispatcher};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let token = std::env::var("INTEGRATOR_EXTENSION_SYSTEM_TOKEN")
        .unwrap_or_else(|_| "local-dev-token".to_owned());
    let dispatcher = Dispatcher::new(Configuration::diy()).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:7100").await?;
    eprintln!("listening on {}", listener.local_addr()?);
    axum::serve(listener, axum_embed::app(dispatcher, &token)).await
}
