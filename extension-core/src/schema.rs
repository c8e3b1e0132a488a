//! JSON Schemas (draft 2020-12) of every kind's options and response, for documentation,
//! for clients that build payloads, and to check example payloads against. They describe
//! what the typed options accept: members the documentation does not list are allowed
//! (and kept), every documented member is optional unless the type needs it.

use serde_json::{json, Map, Value};

/// The schema of a kind's options, by its documented name (`preSavePage`, `export`, ...).
pub fn options(kind: &str) -> Option<Value> {
    let schema = match kind {
        "preSavePage" => page_hook(&[
            ("data", records()),
            ("errors", array(def("recordError"))),
            ("files", nullable(array(json!({})))),
            ("retryData", nullable(object_of(def("retryData")))),
            ("pageIndex", nullable(unsigned())),
            ("lastExportDateTime", def("exportTime")),
            ("currentExportDateTime", def("exportTime")),
            ("_exportId", id()),
            ("_connectionId", id()),
            ("preview", nullable(boolean())),
        ]),
        "preMap" => page_hook(&[
            ("data", records()),
            ("_importId", id()),
            ("_connectionId", id()),
        ]),
        "postMap" => page_hook(&[
            ("preMapData", records()),
            ("postMapData", records()),
            ("_importId", id()),
            ("_connectionId", id()),
        ]),
        "postSubmit" => page_hook(&[
            ("preMapData", records()),
            ("postMapData", records()),
            ("responseData", array(def("responseData"))),
            ("_importId", id()),
            ("_connectionId", id()),
        ]),
        "postResponseMap" => page_hook(&[
            ("postResponseMapData", records()),
            ("responseData", array(def("responseData"))),
            ("oneToMany", nullable(boolean())),
            ("pathToMany", nullable(string())),
            ("_exportId", id()),
            ("_importId", id()),
            ("_connectionId", id()),
        ]),
        "postAggregate" => page_hook(&[
            ("postAggregateData", def("postAggregateData")),
            ("_importId", id()),
            ("_connectionId", id()),
        ]),
        "ping" => open_object(&[
            ("connection", def("connection")),
            ("_exportId", id()),
            ("_importId", id()),
            ("bearerToken", id()),
        ]),
        "export" => open_object(&[
            ("connection", def("connection")),
            ("type", json!({"enum": ["delta", "once", "test", null]})),
            (
                "delta",
                nullable(open_object(&[
                    ("dateField", nullable(string())),
                    ("lastExecutionTime", nullable(integer())),
                ])),
            ),
            (
                "once",
                nullable(open_object(&[("booleanField", nullable(string()))])),
            ),
            (
                "test",
                nullable(open_object(&[("limit", nullable(unsigned()))])),
            ),
            ("state", json!({})),
            ("_exportId", id()),
            ("_flowId", id()),
            ("_integrationId", id()),
            ("settings", json!({})),
            ("configuration", json!({})),
            ("bearerToken", id()),
            ("data", nullable(records())),
        ]),
        "import" => open_object(&[
            ("connection", def("connection")),
            ("preMapData", records()),
            ("postMapData", records()),
            ("_importId", id()),
            ("_flowId", id()),
            ("_integrationId", id()),
            ("settings", json!({})),
            ("configuration", json!({})),
            ("bearerToken", id()),
        ]),
        "installer" => integration(&[("_connectorId", id())]),
        "integrationInstaller"
        | "update"
        | "preUninstall"
        | "integrationUninstaller"
        | "uninstaller"
        | "refreshMetadata" => integration(&[]),
        "persistSettings" => integration(&[("pending", object_of(json!({})))]),
        "changeEdition" => integration(&[
            ("fromEdition", nullable(string())),
            ("toEdition", nullable(string())),
            ("integration", json!({})),
            ("license", json!({})),
        ]),
        "getMappingMetadata" => integration(&[("version", nullable(string()))]),
        "step" => {
            let mut schema = resource(&[
                "formSubmission",
                "resource",
                "parentResource",
                "license",
                "parentLicense",
            ]);
            schema["properties"]["_connectionId"] = id();
            schema
        }
        "updateV2" => resource(&["resource", "license"]),
        "initChild" => resource(&["parentIntegration", "parentLicense"]),
        "formInit" => resource(&[
            "resource",
            "parentResource",
            "grandparentResource",
            "license",
            "parentLicense",
        ]),
        "preSave" => resource(&["newResource", "oldResource"]),
        "utility" | "function" => json!({}),
        _ => return None,
    };
    Some(document(schema))
}

/// The schema of a kind's response. "No value" kinds have the schema `false`: nothing is
/// sent back.
pub fn response(kind: &str) -> Option<Value> {
    let schema = match kind {
        "preSavePage" => open_object(&[
            ("data", records()),
            ("errors", array(def("recordError"))),
            ("abort", boolean()),
            (
                "newErrorsAndRetryData",
                array(open_object(&[
                    ("retryData", json!({})),
                    ("errors", array(def("recordError"))),
                ])),
            ),
        ]),
        "preMap" | "postMap" => array(closed_object(&[
            ("data", json!({})),
            ("errors", array(def("recordError"))),
        ])),
        "postSubmit" => array(def("responseData")),
        "postResponseMap" => records(),
        "ping" => required(
            open_object(&[
                ("statusCode", json!({"enum": [200, 401]})),
                ("errors", array(def("error"))),
            ]),
            &["statusCode"],
        ),
        "export" => open_object(&[
            ("data", records()),
            ("errors", array(def("error"))),
            ("lastPage", boolean()),
            ("state", json!({})),
            ("connectionOffline", boolean()),
        ]),
        "import" => array(required(
            open_object(&[
                ("statusCode", json!({"enum": [200, 401, 422]})),
                ("id", nullable(string())),
                ("ignored", nullable(boolean())),
                ("errors", array(def("error"))),
            ]),
            &["statusCode"],
        )),
        "integrationInstaller" | "preUninstall" | "integrationUninstaller" => required(
            open_object(&[("success", boolean()), ("stepsToUpdate", array(json!({})))]),
            &["success"],
        ),
        "persistSettings" => required(
            open_object(&[("success", boolean()), ("pending", object_of(json!({})))]),
            &["success"],
        ),
        "getMappingMetadata" => object_of(array(open_object(&[
            ("generateList", nullable(string())),
            ("requiredGenerateFields", array(string())),
            ("nonEditableGenerateFields", array(string())),
        ]))),
        "refreshMetadata" | "initChild" | "formInit" | "preSave" | "utility" | "function" => {
            json!({})
        }
        "postAggregate" | "installer" | "update" | "uninstaller" | "changeEdition" | "step"
        | "updateV2" => json!(false),
        _ => return None,
    };
    Some(document(schema))
}

/// Every kind with a schema, by documented name (the 2.0 update is `updateV2` here).
pub const KINDS: &[&str] = &[
    "preSavePage",
    "preMap",
    "postMap",
    "postSubmit",
    "postResponseMap",
    "postAggregate",
    "ping",
    "export",
    "import",
    "installer",
    "integrationInstaller",
    "update",
    "preUninstall",
    "integrationUninstaller",
    "uninstaller",
    "persistSettings",
    "refreshMetadata",
    "changeEdition",
    "getMappingMetadata",
    "step",
    "updateV2",
    "initChild",
    "formInit",
    "preSave",
    "utility",
    "function",
];

/// Checks `value` against `schema` (one of the schemas above: the keywords they use, with
/// `$ref` into the document's own `$defs`). The error names the path of the first mismatch.
pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, schema, value, "$")
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let schema = match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{path}: no value is allowed here")),
        Value::Object(map) => map,
        _ => return Err(format!("{path}: the schema is not an object")),
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        let target = root["$defs"]
            .get(name)
            .ok_or_else(|| format!("unknown $ref {reference}"))?;
        check(root, target, value, path)?;
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !names.iter().any(|t| has_type(value, t)) {
            return Err(format!(
                "{path}: expected {}, found {value}",
                names.join(" or ")
            ));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!(
                "{path}: {value} is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    if let Some(expected) = schema.get("const") {
        if expected != value {
            return Err(format!("{path}: expected {expected}, found {value}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n < min {
            return Err(format!("{path}: {n} is below {min}"));
        }
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let errors: Vec<String> = options
            .iter()
            .filter_map(|s| check(root, s, value, path).err())
            .collect();
        if errors.len() == options.len() {
            return Err(errors.join("; or "));
        }
    }
    for s in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(root, s, value, path)?;
    }
    if let Value::Object(members) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or_default();
            if !members.contains_key(name) {
                return Err(format!("{path}: missing required member `{name}`"));
            }
        }
        for (key, member) in members {
            let inner = format!("{path}.{key}");
            let member_schema = properties
                .and_then(|p| p.get(key))
                .or_else(|| schema.get("additionalProperties"));
            if let Some(s) = member_schema {
                check(root, s, member, &inner)?;
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(root, item_schema, item, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

fn document(schema: Value) -> Value {
    let mut doc = match schema {
        Value::Object(map) => map,
        Value::Bool(b) => return Value::Bool(b),
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), json!([other]));
            map
        }
    };
    doc.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    doc.insert("$defs".into(), defs());
    Value::Object(doc)
}

fn defs() -> Value {
    json!({
        "error": closed_object(&[("code", string()), ("message", string())]),
        "recordError": open_object(&[
            ("code", string()),
            ("message", string()),
            ("source", nullable(string())),
            ("retryDataKey", nullable(string())),
        ]),
        "retryData": open_object(&[
            ("data", json!({})),
            ("stage", nullable(string())),
            ("traceKey", nullable(string())),
        ]),
        "responseData": open_object(&[
            ("statusCode", nullable(unsigned())),
            ("errors", array(def("recordError"))),
            ("ignored", nullable(boolean())),
            ("id", nullable(string())),
            ("_json", json!({})),
            ("dataURI", nullable(string())),
            ("data", json!({})),
        ]),
        "postAggregateData": open_object(&[
            ("success", boolean()),
            ("_json", json!({})),
            ("code", nullable(string())),
            ("message", nullable(string())),
            ("source", nullable(string())),
        ]),
        "connection": open_object(&[
            ("encrypted", object_of(json!({}))),
            ("unencrypted", object_of(json!({}))),
        ]),
        "exportTime": {
            "description": "ISO-8601 date or date-time (no offset means UTC), or epoch milliseconds; falsy values mean none",
            "anyOf": [string(), number(), {"type": "null"}, {"const": false}],
        },
    })
}

/// The common members of hooks plus their own.
fn page_hook(own: &[(&str, Value)]) -> Value {
    let mut all = own.to_vec();
    all.extend([
        ("_flowId", id()),
        ("_integrationId", id()),
        ("_parentIntegrationId", id()),
        ("settings", json!({})),
        ("configuration", json!({})),
        ("testMode", nullable(boolean())),
        ("bearerToken", id()),
    ]);
    open_object(&all)
}

/// 1.0 connector options: `bearerToken`, `_integrationId`, `opts` plus their own.
fn integration(own: &[(&str, Value)]) -> Value {
    let mut all = vec![
        ("bearerToken", id()),
        ("_integrationId", id()),
        ("opts", json!({})),
    ];
    all.extend(own.iter().cloned());
    open_object(&all)
}

/// 2.0 options: `bearerToken` plus JSON members.
fn resource(members: &[&str]) -> Value {
    let mut all = vec![("bearerToken", id())];
    all.extend(members.iter().map(|m| (*m, json!({}))));
    open_object(&all)
}

fn def(name: &str) -> Value {
    json!({"$ref": format!("#/$defs/{name}")})
}
fn string() -> Value {
    json!({"type": "string"})
}
fn boolean() -> Value {
    json!({"type": "boolean"})
}
fn number() -> Value {
    json!({"type": "number"})
}
fn integer() -> Value {
    json!({"type": "integer"})
}
fn unsigned() -> Value {
    json!({"type": "integer", "minimum": 0})
}
fn id() -> Value {
    nullable(string())
}
fn records() -> Value {
    array(json!({}))
}
fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}
fn object_of(values: Value) -> Value {
    json!({"type": "object", "additionalProperties": values})
}
fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}
fn properties(members: &[(&str, Value)]) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}
fn open_object(members: &[(&str, Value)]) -> Value {
    json!({"type": "object", "properties": properties(members)})
}
fn closed_object(members: &[(&str, Value)]) -> Value {
    json!({"type": "object", "properties": properties(members), "additionalProperties": false})
}
fn required(mut schema: Value, names: &[&str]) -> Value {
    schema["required"] = json!(names);
    schema
}
