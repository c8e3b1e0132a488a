// Extra arguments after the options: the call's context and shared state, in any order, for
// plain and async functions, with patterns.
use extension_core::prelude::*;
use extension_core::{Configuration, Dispatcher, States};

#[derive(Clone)]
struct Pool(std::sync::Arc<String>);

#[derive(Clone)]
struct Settings {
    prefix: String,
}

#[pre_save_page]
fn tag(
    options: PreSavePageOptions,
    State(settings): State<Settings>,
    context: Context,
) -> Result<PreSavePageResponse, ExtensionError> {
    let data = options
        .data
        .into_iter()
        .map(|_| json!(format!("{}{}", settings.prefix, context.request_id())).into())
        .collect();
    Ok(PreSavePageResponse { data, ..Default::default() })
}

#[wrapper_import]
async fn write(
    options: ImportOptions,
    pool: State<Pool>,
) -> Result<ImportResponse, ExtensionError> {
    let State(Pool(name)) = pool;
    Ok(options.post_map_data.iter().map(|_| ImportResult::ok(name.as_str())).collect())
}

#[json_function]
fn deadline(_options: Value, context: Context) -> Result<Value, ExtensionError> {
    Ok(json!(context.deadline().is_some()))
}

fn main() {
    let states = States::new()
        .with(Pool(std::sync::Arc::new("db".into())))
        .with(Settings { prefix: "p-".into() });
    let dispatcher = Dispatcher::builder(Configuration::diy()).states(states).build().unwrap();
    let tag = dispatcher.registry().flat("tag").unwrap();
    let needs: Vec<_> = tag.state_types().collect();
    assert!(needs.len() == 1 && needs[0].ends_with("::Settings"), "{needs:?}");
}
