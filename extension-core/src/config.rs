//! Which module a host serves ([protocol](crate::protocol) section 2.1).
//!
//! A binary has one set of registered functions: its module. A host serves that module either
//! as the DIY module or as the module of one or more integration apps (connectors). Every
//! configured `_connectorId` maps to the same module; to serve different functions to
//! different connectors, deploy one binary per connector.

use crate::error::ExtensionError;
use crate::js::truthy_opt;
use serde_json::Value;

/// The module configuration of a host: DIY, or a set of connector ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configuration {
    modules: Modules,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Modules {
    Diy,
    Connectors(Vec<String>),
}

impl Configuration {
    /// Serve the functions as the DIY module.
    pub fn diy() -> Self {
        Configuration {
            modules: Modules::Diy,
        }
    }

    /// Serve the functions as the module of each of these connectors (`_connectorId`s).
    /// Fails with check 4 of section 2.1 when there are none.
    pub fn connectors<I, S>(ids: I) -> Result<Self, ExtensionError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut unique: Vec<String> = Vec::new();
        // Each id once, in the order given (what the start-up log lists).
        for id in ids.into_iter().map(Into::into) {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        let ids = unique;
        if ids.is_empty() {
            return Err(no_connector_modules());
        }
        Ok(Configuration {
            modules: Modules::Connectors(ids),
        })
    }

    /// Reads a configuration object as the Node `createServer` / `createHandler` take it,
    /// with the checks of section 2.1 in order and their exact texts. `connectors` is an
    /// object keyed by connector id (values are ignored: every id serves this binary's
    /// functions) or an array of ids.
    pub fn from_json(config: &Value) -> Result<Self, ExtensionError> {
        match config {
            Value::Object(map) if !map.is_empty() => {
                Self::from_members(truthy_opt(map.get("diy")), map.get("connectors"))
            }
            _ => Err(options_not_provided()),
        }
    }

    /// Checks 2 to 4 of section 2.1, on the `diy` and `connectors` members of a configuration
    /// known not to be empty (hosts that read flags check that themselves).
    pub(crate) fn from_members(
        diy: bool,
        connectors: Option<&Value>,
    ) -> Result<Self, ExtensionError> {
        let connectors = connectors.filter(|v| crate::js::truthy(v));
        match (diy, connectors) {
            (false, None) => Err(ExtensionError::new(
                "missing_required_field",
                "Either DIY or connectors field needs to be set.",
            )),
            (true, Some(_)) => Err(ExtensionError::new(
                "invalid_configuration",
                "The configuration object should only have one of the diy or connectors field.",
            )),
            (true, None) => Ok(Configuration::diy()),
            (false, Some(Value::Object(map))) => Configuration::connectors(map.keys().cloned()),
            (false, Some(Value::Array(items))) => Configuration::connectors(
                items
                    .iter()
                    .map(crate::js::to_js_string)
                    .collect::<Vec<_>>(),
            ),
            (false, Some(_)) => Err(no_connector_modules()),
        }
    }

    /// Whether this host serves the DIY module.
    pub fn is_diy(&self) -> bool {
        matches!(self.modules, Modules::Diy)
    }

    /// The connector ids served (empty for DIY).
    pub fn connector_ids(&self) -> &[String] {
        match &self.modules {
            Modules::Diy => &[],
            Modules::Connectors(ids) => ids,
        }
    }

    /// Whether `_connectorId` names a configured connector.
    pub fn serves_connector(&self, connector_id: &str) -> bool {
        self.connector_ids().iter().any(|id| id == connector_id)
    }
}

/// Check 1 of section 2.1: nothing was configured at all.
pub(crate) fn options_not_provided() -> ExtensionError {
    ExtensionError::new("missing_parameter", "Options parameter is not provided.")
}

fn no_connector_modules() -> ExtensionError {
    ExtensionError::new(
        "invalid_field",
        "No connector modules provided in the connectors field.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> Result<Configuration, (String, String)> {
        Configuration::from_json(&v).map_err(|e| (e.code().to_owned(), e.message().to_owned()))
    }

    #[test]
    fn connector_ids_are_kept_once_in_order() {
        let c = Configuration::connectors(["b", "a", "b", "a", "c"]).unwrap();
        assert_eq!(c.connector_ids(), ["b", "a", "c"]);
    }

    #[test]
    fn section_2_1_checks_in_order() {
        let missing = (
            "missing_parameter".into(),
            "Options parameter is not provided.".into(),
        );
        assert_eq!(check(json!({})), Err(missing.clone()));
        assert_eq!(check(json!(true)), Err(missing.clone()));
        assert_eq!(check(json!(5)), Err(missing));
        assert_eq!(
            check(json!({"port": 7000})),
            Err((
                "missing_required_field".into(),
                "Either DIY or connectors field needs to be set.".into()
            ))
        );
        assert_eq!(
            check(json!({"diy": true, "connectors": {"a": {}}})),
            Err((
                "invalid_configuration".into(),
                "The configuration object should only have one of the diy or connectors field."
                    .into()
            ))
        );
        assert_eq!(
            check(json!({"connectors": {}})),
            Err((
                "invalid_field".into(),
                "No connector modules provided in the connectors field.".into()
            ))
        );
        assert!(check(json!({"diy": {}})).unwrap().is_diy());
        let c = check(json!({"connectors": {"c1": {}, "c2": {}}})).unwrap();
        assert_eq!(c.connector_ids(), ["c1", "c2"]);
        assert!(c.serves_connector("c2") && !c.serves_connector("toString"));
    }
}
