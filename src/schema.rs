//! Payload validation against a provider's JSON Schemas: the envelope and the event's own schema, checked as
//! one document so an event schema can use the envelope's `$defs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::provider::{EventDef, Provider};

/// Compiled schemas by provider and event, for a process that validates many payloads (the listener).
#[derive(Default)]
pub struct SchemaCache {
    /// Provider name → event name → schema: looked up by `&str`, nothing allocated per payload.
    compiled: Mutex<HashMap<String, HashMap<String, Arc<EventSchema>>>>,
}

impl SchemaCache {
    pub fn get(&self, provider: &Provider, event: &EventDef) -> Result<Arc<EventSchema>, Error> {
        let lock = || self.compiled.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = lock().get(&provider.name).and_then(|events| events.get(&event.name)) {
            return Ok(found.clone());
        }
        // Compiled outside the lock: two threads may both compile a schema once, never wait on each other.
        let schema = Arc::new(EventSchema::load(provider, event)?);
        lock().entry(provider.name.clone()).or_default().insert(event.name.clone(), schema.clone());
        Ok(schema)
    }
}

/// A compiled schema for one event of one provider.
pub struct EventSchema {
    validator: jsonschema::Validator,
}

/// One reason a payload does not fit its schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON pointer into the payload (`/data/status`), empty for the root.
    pub path: String,
    pub message: String,
}

impl Violation {
    /// The path for a reader: the JSON pointer, or `(root)` for the payload itself.
    pub fn path_or_root(&self) -> &str {
        if self.path.is_empty() { "(root)" } else { &self.path }
    }
}

impl EventSchema {
    pub fn load(provider: &Provider, event: &EventDef) -> Result<Self, Error> {
        let files = &provider.files;
        let read_json = |relative: &str| -> Result<Value, Error> {
            let bytes = files.read(relative)?;
            serde_json::from_slice(&bytes).map_err(|e| Error::ProviderFile {
                path: files.display(relative),
                message: format!("invalid JSON: {e}"),
            })
        };
        let schema_path = event.schema_path();
        let event_schema = read_json(&schema_path)?;
        let envelope = if files.exists("schemas/envelope.json") {
            let key = files.display("schemas/envelope.json");
            let cached = envelopes().lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key).cloned();
            let parsed = match cached {
                Some(parsed) => parsed,
                None => {
                    let parsed = Arc::new(read_json("schemas/envelope.json")?);
                    envelopes().lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key, parsed.clone());
                    parsed
                }
            };
            reachable(&parsed, &event_schema)
        } else {
            Value::Object(Map::new())
        };
        let combined = combine(envelope, event_schema)
            .map_err(|message| Error::ProviderFile { path: files.display(&schema_path), message })?;
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .with_keyword(HINT, hint::factory)
            .build(&combined)
            .map_err(|e| Error::ProviderFile {
                path: files.display(&schema_path),
                message: format!("invalid schema: {e}"),
            })?;
        Ok(Self { validator })
    }

    /// Every violation, in the validator's order: what the provider's documents state. Hints are left out.
    pub fn validate(&self, payload: &Value) -> Vec<Violation> {
        self.check(payload).violations
    }

    /// The violations and, apart, the warnings: constraints hookctl infers (an address format, a hash length,
    /// an id's shape) that a payload may break without being invalid.
    pub fn check(&self, payload: &Value) -> Checked {
        // Most payloads are valid: the boolean check builds no error values (callgrind, the listener's Payvost
        // events: 11k → 9.9k instructions per payload).
        if self.validator.is_valid(payload) {
            return Checked::default();
        }
        let mut checked = Checked::default();
        for error in self.validator.iter_errors(payload) {
            let found = Violation { path: error.instance_path().to_string(), message: error.to_string() };
            if error.schema_path().as_str().strip_suffix(HINT).is_some_and(|rest| rest.ends_with('/')) {
                checked.warnings.push(found);
            } else {
                checked.violations.push(found);
            }
        }
        checked
    }
}

/// Parsed envelope schemas by file, for a process that loads many events' schemas of one provider.
fn envelopes() -> &'static Mutex<HashMap<String, Arc<Value>>> {
    static ENVELOPES: std::sync::OnceLock<Mutex<HashMap<String, Arc<Value>>>> = std::sync::OnceLock::new();
    ENVELOPES.get_or_init(Default::default)
}

/// The envelope with only the `$defs` that it and the event's schema reach: an imported provider shares
/// thousands of definitions between its events (GitHub's), and compiling them all for one event would be
/// most of the cost of validating it.
fn reachable(envelope: &Value, event: &Value) -> Value {
    let Value::Object(root) = envelope else { return envelope.clone() };
    let mut out: Map<String, Value> =
        root.iter().filter(|(k, _)| *k != "$defs").map(|(k, v)| (k.clone(), v.clone())).collect();
    let Some(Value::Object(all)) = root.get("$defs") else { return Value::Object(out) };
    let mut pending = Vec::new();
    references(&Value::Object(out.clone()), &mut pending);
    references(event, &mut pending);
    let mut kept = Map::new();
    while let Some(name) = pending.pop() {
        if kept.contains_key(&name) {
            continue;
        }
        if let Some(def) = all.get(&name) {
            references(def, &mut pending);
            kept.insert(name, def.clone());
        }
    }
    // In the envelope's order, so the compiled document does not depend on the walk.
    let kept: Map<String, Value> =
        all.iter().filter(|(k, _)| kept.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    out.insert("$defs".into(), Value::Object(kept));
    Value::Object(out)
}

/// The names of the `$defs` the `$ref`s under a schema point to (`#/$defs/NAME…`).
pub(crate) fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(path) = reference.strip_prefix("#/$defs/")
            {
                let name = path.split('/').next().unwrap_or(path);
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            // Every member, a property named `enum` or `examples` too: a def kept needlessly costs little, one
            // left out would be a dangling `$ref`.
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// A payload's violations (the verdict) and warnings (never the verdict).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Checked {
    pub violations: Vec<Violation>,
    pub warnings: Vec<Violation>,
}

/// The keyword that marks an inferred constraint: `"x-hint": {"says": "does not look like an XRP address",
/// "pattern": "^r…"}`. Its value, less `says`, is a schema; an instance that fails it gets `says` as a warning.
/// Documented constraints stay plain JSON Schema, and are violations.
pub const HINT: &str = "x-hint";

mod hint {
    use jsonschema::paths::Location;
    use jsonschema::{Keyword, ValidationError, Validator};
    use serde_json::{Map, Value};

    pub struct Hint {
        schema: Validator,
        says: String,
    }

    impl<'i> Keyword<'i> for Hint {
        fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
            if self.schema.is_valid(instance) { Ok(()) } else { Err(ValidationError::custom(self.says.clone())) }
        }

        fn is_valid(&self, instance: &'i Value) -> bool {
            self.schema.is_valid(instance)
        }
    }

    pub fn factory<'a>(
        _parent: &'a Map<String, Value>,
        value: &'a Value,
        _path: Location,
    ) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
        let Value::Object(map) = value else {
            return Err(ValidationError::custom("x-hint must be an object: a schema and what `says` when it fails"));
        };
        let mut schema = map.clone();
        let says = match schema.remove("says") {
            Some(Value::String(says)) => says,
            _ => {
                return Err(ValidationError::custom(
                    "x-hint needs `says`: the warning, e.g. \"does not look like an XRP address\"",
                ));
            }
        };
        let schema = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&Value::Object(schema))
            .map_err(|e| ValidationError::custom(format!("x-hint: {e}")))?;
        Ok(Box::new(Hint { schema, says }))
    }
}

/// `envelope` with `event` added to its `allOf`; the event's own `$defs` move to the root so `#/$defs/…`
/// means the same thing in both files.
pub(crate) fn combine(envelope: Value, mut event: Value) -> Result<Value, String> {
    let Value::Object(mut root) = envelope else { return Err("the envelope schema is not an object".into()) };
    let Value::Object(event_map) = &mut event else { return Err("the schema is not an object".into()) };
    event_map.remove("$schema");
    event_map.remove("$id");
    if let Some(Value::Object(defs)) = event_map.remove("$defs") {
        let root_defs = root.entry("$defs").or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(root_defs) = root_defs else { return Err("the envelope's $defs is not an object".into()) };
        for (name, def) in defs {
            if root_defs.contains_key(&name) {
                return Err(format!("$defs `{name}` is already defined by the envelope schema"));
            }
            root_defs.insert(name, def);
        }
    }
    match root.entry("allOf").or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(all) => all.push(event),
        _ => return Err("the envelope's allOf is not an array".into()),
    }
    Ok(Value::Object(root))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::combine;

    #[test]
    fn event_defs_join_the_envelope() {
        let combined = combine(
            json!({"$schema": "x", "$defs": {"a": {}}, "type": "object"}),
            json!({"$schema": "x", "$defs": {"b": {}}, "properties": {}}),
        )
        .expect("combines");
        assert_eq!(
            combined,
            json!({"$schema": "x", "$defs": {"a": {}, "b": {}}, "type": "object", "allOf": [{"properties": {}}]})
        );
        assert!(combine(json!({"$defs": {"a": {}}}), json!({"$defs": {"a": {}}})).is_err());
    }
}
