//! `hookctl providers import SPEC`: a provider folder from a published OpenAPI document — one event per webhook
//! (OpenAPI 3.1 `webhooks`, OpenAPI 3.0 `callbacks`), each event's schema with its `$ref`s resolved into the
//! shared `$defs` of `schemas/envelope.json`, and a fixture per event from the document's examples, an examples
//! folder, or generated from the schema. Documents do not say how a provider signs: the scheme, headers,
//! envelope and delivery come from an existing provider.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::provider::Files;

/// Where the scheme, headers, envelope and delivery of the imported provider come from.
pub enum Base {
    Builtin(String),
    Dir(PathBuf),
}

pub struct Options {
    pub spec: PathBuf,
    pub name: Option<String>,
    pub base: Base,
    pub examples: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

/// What an import wrote.
pub struct Imported {
    pub name: String,
    pub dir: PathBuf,
    pub events: usize,
    /// Fixtures taken from the document's or the folder's examples.
    pub from_examples: usize,
    /// Fixtures from examples the schema rejected as they were, completed to satisfy it.
    pub completed: usize,
    pub generated: usize,
    /// Examples that did not satisfy their schema (a generated fixture was written instead).
    pub warnings: Vec<String>,
}

/// One webhook of the document.
struct Webhook {
    name: String,
    description: String,
    schema: Value,
    example: Option<Value>,
}

/// The variant name of the imported fixture of an event that also has hand-written variants.
const DEFAULT_VARIANT: &str = "example";

fn usage(message: String) -> Error {
    Error::usage(message, None)
}

pub fn run(options: &Options) -> Result<Imported, Error> {
    let spec_display = options.spec.display().to_string();
    let text =
        std::fs::read_to_string(&options.spec).map_err(|source| Error::Read { path: options.spec.clone(), source })?;
    let spec = parse_document(&text).map_err(|why| usage(format!("{spec_display}: {why}")))?;
    if !spec.get("openapi").is_some_and(Value::is_string) {
        return Err(usage(format!("{spec_display}: not an OpenAPI document (no `openapi` version field)")));
    }

    let (base_text, base_files) = match &options.base {
        Base::Builtin(name) => {
            let catalog = crate::provider::Catalog::builtin();
            catalog.get(name)?;
            let files = Files::Embedded(name.clone());
            (String::from_utf8_lossy(&files.read("provider.toml")?).into_owned(), files)
        }
        Base::Dir(dir) => {
            let files = Files::Dir(dir.clone());
            (String::from_utf8_lossy(&files.read("provider.toml")?).into_owned(), files)
        }
    };
    let base = crate::provider::parse_provider(&base_text, base_files.clone())
        .map_err(|message| Error::ProviderFile { path: base_files.display("provider.toml"), message })?;
    let mut table: toml::Table =
        toml::from_str(&base_text).map_err(|e| usage(format!("{}: {e}", base_files.display("provider.toml"))))?;

    let subtype = base.envelope.subtype_pointers.first().cloned();
    let mut bodiless = Vec::new();
    let webhooks =
        collect(&spec, subtype.as_deref(), &mut bodiless).map_err(|why| usage(format!("{spec_display}: {why}")))?;
    if webhooks.is_empty() && !bodiless.is_empty() {
        return Err(usage(format!(
            "{spec_display} describes no webhook with a request body to make a fixture of (without one: {})",
            bodiless.join(", ")
        )));
    }
    if webhooks.is_empty() {
        return Err(usage(format!(
            "{spec_display} describes no webhooks: it has no OpenAPI 3.1 `webhooks` and no OpenAPI 3.0 `callbacks`"
        )));
    }

    // `$ref`s: each one the event schemas reach is resolved into the shared `$defs`, once.
    let mut defs = Map::new();
    let mut pending: Vec<String> = Vec::new();
    let mut schemas = Vec::new();
    for webhook in &webhooks {
        let mut schema = webhook.schema.clone();
        rewrite_refs(&mut schema, &spec, &mut pending, &format!("the `{}` webhook", webhook.name))
            .map_err(|why| usage(format!("{spec_display}: {why}")))?;
        schemas.push(schema);
    }
    let mut seen = BTreeSet::new();
    while let Some(pointer) = pending.pop() {
        if !seen.insert(pointer.clone()) {
            continue;
        }
        let mut target = spec.pointer(&pointer[1..]).cloned().expect("checked by rewrite_refs");
        rewrite_refs(&mut target, &spec, &mut pending, &format!("`{pointer}`"))
            .map_err(|why| usage(format!("{spec_display}: {why}")))?;
        defs.insert(def_name(&pointer), target);
    }
    let defs = Value::Object(defs.into_iter().collect::<BTreeMap<_, _>>().into_iter().collect());

    let name = match &options.name {
        Some(name) => name.clone(),
        None => base.name.clone(),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
        return Err(usage(format!("--name {name:?} must be letters, digits, `-` and `_`")));
    }
    let dir = options.out.clone().unwrap_or_else(|| PathBuf::from(&name));
    if dir.file_name().is_none_or(|folder| folder != name.as_str()) {
        return Err(Error::usage(
            format!("-o {}: a provider's folder has the provider's name, `{name}`", dir.display()),
            Some(format!("write to a folder named {name} (-o DIR/{name}), or name the provider with --name")),
        ));
    }

    let title = spec.pointer("/info/title").and_then(Value::as_str).unwrap_or("the document");
    let version = spec.pointer("/info/version").and_then(Value::as_str).unwrap_or("");
    let envelope_schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{title} {version}").trim().to_owned(),
        "description": "Imported by `hookctl providers import`: every definition the webhooks use, shared by the events' schemas.",
        "$defs": defs,
    });

    let mut imported = Imported {
        name: name.clone(),
        dir: dir.clone(),
        events: 0,
        from_examples: 0,
        completed: 0,
        generated: 0,
        warnings: bodiless
            .iter()
            .map(|webhook| format!("{webhook}: no request body to make a fixture of; left out"))
            .collect(),
    };
    let mut files: Vec<(String, Value)> = Vec::new();
    let mut events = toml::Table::new();
    let completer = Completer { defs: &envelope_schema["$defs"], time_format: &base.envelope.time_format };
    for (webhook, schema) in webhooks.iter().zip(schemas) {
        let (validator, root) = compile_with_root(&envelope_schema["$defs"], &schema)
            .map_err(|why| usage(format!("{spec_display}: the `{}` webhook's schema: {why}", webhook.name)))?;
        // The first example that satisfies the schema, else the first that can be completed to satisfy it.
        let mut examples = match &options.examples {
            Some(folder) => read_examples(folder, &webhook.name)?,
            None => Vec::new(),
        };
        examples.extend(webhook.example.clone());
        let valid = examples.iter().position(|e| completer.render(e).is_some_and(|e| validator.is_valid(&e)));
        let completed = match valid {
            Some(_) => None,
            None => examples.iter().find_map(|e| completer.complete(e, &validator, &root, 0)),
        };
        let fixture = match (valid, completed) {
            (Some(i), _) => {
                imported.from_examples += 1;
                examples.swap_remove(i)
            }
            (None, Some(completed)) => {
                imported.completed += 1;
                completed
            }
            (None, None) => {
                if let Some(example) = examples.first() {
                    let first = validator.iter_errors(example).next().map(|e| format!("{}: {e}", e.instance_path()));
                    imported.warnings.push(format!(
                        "{}: the example does not satisfy its schema ({}); a generated fixture is written instead",
                        webhook.name,
                        first.unwrap_or_default()
                    ));
                }
                let mut generated = generate(&schema, &envelope_schema["$defs"]);
                // The event's type where the envelope reads it (Payvost's `/type`), when the schema allows it.
                let sent = match &subtype {
                    Some(_) => webhook.name.split_once('.').map_or(webhook.name.as_str(), |(t, _)| t),
                    None => webhook.name.as_str(),
                };
                // And its kind where the subtype lives (GitHub's free-form `action` of repository_dispatch).
                let kind = subtype.as_ref().and_then(|pointer| {
                    let (_, kind) = webhook.name.split_once('.')?;
                    Some((pointer.as_str(), kind))
                });
                let slots = base.envelope.type_pointers.first().map(|p| (p.as_str(), sent)).into_iter().chain(kind);
                for (pointer, value) in slots {
                    if let Some(slot @ Value::String(_)) = generated.pointer_mut(pointer) {
                        let before = std::mem::replace(slot, Value::String(value.to_owned()));
                        if !validator.is_valid(&generated)
                            && let Some(slot) = generated.pointer_mut(pointer)
                        {
                            *slot = before;
                        }
                    }
                }
                if let Some(error) = validator.iter_errors(&generated).next() {
                    return Err(usage(format!(
                        "{spec_display}: cannot make a fixture of `{}` that satisfies its schema: {} {error}",
                        webhook.name,
                        error.instance_path()
                    )));
                }
                imported.generated += 1;
                generated
            }
        };
        let mut event = toml::Table::new();
        event.insert("description".into(), toml::Value::String(webhook.description.clone()));
        let stem = file_stem(&webhook.name);
        if stem != webhook.name {
            event.insert("file".into(), toml::Value::String(stem.clone()));
        }
        let mut variants = Vec::new();
        for (variant, value) in match &options.examples {
            Some(folder) => read_variants(folder, &webhook.name)?,
            None => Vec::new(),
        } {
            // A hand-written variant is completed like an example; one that cannot be is left out, said.
            if completer.render(&value).is_some_and(|v| validator.is_valid(&v)) {
                variants.push((variant, value));
            } else if let Some(done) = completer.complete(&value, &validator, &root, 0) {
                variants.push((variant, done));
            } else {
                imported.warnings.push(format!(
                    "{}@{variant}: the variant does not satisfy the event's schema and cannot be completed to; left out",
                    webhook.name
                ));
            }
        }
        events.insert(webhook.name.clone(), toml::Value::Table(event));
        let mut schema = schema;
        if let Value::Object(map) = &mut schema {
            map.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
            map.insert("title".into(), json!(format!("{title} {}", webhook.name)));
        }
        files.push((format!("schemas/{stem}.json"), schema));
        if variants.is_empty() {
            files.push((format!("events/{stem}.json"), fixture));
        } else {
            // The imported fixture stays the default, the variants follow it.
            let mut names = vec![toml::Value::String(DEFAULT_VARIANT.into())];
            files.push((format!("events/{stem}@{DEFAULT_VARIANT}.json"), fixture));
            for (variant, value) in variants {
                names.push(toml::Value::String(variant.clone()));
                files.push((format!("events/{stem}@{variant}.json"), value));
            }
            if let Some(toml::Value::Table(event)) = events.get_mut(&webhook.name) {
                event.insert("variants".into(), toml::Value::Array(names));
            }
        }
        imported.events += 1;
    }
    files.push(("schemas/envelope.json".into(), envelope_schema));

    // provider.toml: the base's scheme, headers, envelope and delivery; the document's events.
    table.insert("name".into(), toml::Value::String(name.clone()));
    if name != base.name {
        table.insert("routes".into(), toml::Value::Array(vec![toml::Value::String(format!("/webhooks/{name}"))]));
        table.insert("title".into(), toml::Value::String(title.to_owned()));
        // Its own secret, not the base provider's: ACME_WEBHOOK_SECRET for `acme`.
        let env = format!("{}_WEBHOOK_SECRET", name.to_ascii_uppercase().replace('-', "_"));
        table.insert("secret_env".into(), toml::Value::Array(vec![toml::Value::String(env)]));
    }
    table.insert(
        "description".into(),
        toml::Value::String(format!(
            "{} of {title} {version}, imported from its OpenAPI document",
            crate::output::count(imported.events as u64, "webhook", "webhooks")
        )),
    );
    if let Some(toml::Value::Table(envelope)) = table.get_mut("envelope")
        && let Some(toml::Value::Array(rules)) = envelope.get_mut("recognize")
    {
        rules.retain(|rule| rule.get("event").and_then(toml::Value::as_str).is_some_and(|e| events.contains_key(e)));
    }
    if let Some(toml::Value::Table(sources)) = table.get_mut("sources") {
        sources.retain(|fact, _| !fact.starts_with("events"));
        let source = Path::new(&options.spec).file_name().map(|n| n.to_string_lossy().into_owned());
        sources.insert(
            "events".into(),
            toml::Value::String(format!(
                "document: {} ({title} {version}), imported by hookctl providers import",
                source.unwrap_or_default()
            )),
        );
    }
    table.insert("events".into(), toml::Value::Table(events));
    let provider_toml = toml::to_string(&table).map_err(|e| usage(format!("cannot write provider.toml: {e}")))?;
    let header = format!(
        "# {title} {version}: imported by `hookctl providers import` from its OpenAPI document; the scheme,\n\
         # headers, envelope and delivery come from the `{}` provider.\n",
        base.name
    );

    write_folder(&dir, &format!("{header}{provider_toml}"), &files)?;
    // What was written must load as a provider: a check of the importer as much as of the document.
    crate::provider::Catalog::with_dirs(std::slice::from_ref(&dir))?.get(&name)?;
    Ok(imported)
}

/// A JSON document, or a YAML one.
fn parse_document(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"));
    }
    serde_norway::from_str(text).map_err(|e| format!("neither JSON nor valid YAML: {e}"))
}

/// Every webhook of the document: OpenAPI 3.1 `webhooks`, then OpenAPI 3.0 `callbacks` of its paths. Those
/// without a request body (`KEY METHOD`) go to `bodiless`.
fn collect(spec: &Value, subtype: Option<&str>, bodiless: &mut Vec<String>) -> Result<Vec<Webhook>, String> {
    let mut found = Vec::new();
    if let Some(Value::Object(webhooks)) = spec.get("webhooks") {
        for (key, item) in webhooks {
            found.extend(operations(spec, key, item, subtype, bodiless)?);
        }
    }
    if let Some(Value::Object(paths)) = spec.get("paths") {
        for item in paths.values() {
            let Value::Object(methods) = item else { continue };
            for operation in methods.values() {
                let Some(Value::Object(callbacks)) = operation.get("callbacks") else { continue };
                for (key, callback) in callbacks {
                    let callback = resolve(spec, callback)?;
                    let Value::Object(expressions) = callback else { continue };
                    for item in expressions.values() {
                        found.extend(operations(spec, key, item, subtype, bodiless)?);
                    }
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for webhook in &mut found {
        let mut name = webhook.name.clone();
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{}-{n}", webhook.name);
            n += 1;
        }
        webhook.name = name;
    }
    Ok(found)
}

/// A `$ref` object replaced by what it points to (one level), for the parts of a document that are not schemas.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').ok_or_else(|| unresolvable(reference, "the document"))?;
            spec.pointer(pointer).ok_or_else(|| unresolvable(reference, "the document"))
        }
        None => Ok(value),
    }
}

fn unresolvable(reference: &str, at: &str) -> String {
    format!(
        "cannot resolve $ref `{reference}` in {at}: only references into the same document (`#/…`) that exist are read"
    )
}

fn operations(
    spec: &Value,
    key: &str,
    item: &Value,
    subtype: Option<&str>,
    bodiless: &mut Vec<String>,
) -> Result<Vec<Webhook>, String> {
    let item = resolve(spec, item)?;
    let Value::Object(methods) = item else { return Ok(Vec::new()) };
    let mut found = Vec::new();
    for (method, operation) in methods {
        if !matches!(method.as_str(), "post" | "put" | "patch" | "get" | "delete") {
            continue;
        }
        let Some(body) = operation.get("requestBody") else {
            bodiless.push(format!("`{key}` {}", method.to_ascii_uppercase()));
            continue;
        };
        let body = resolve(spec, body)?;
        let Some(Value::Object(content)) = body.get("content") else { continue };
        let media = content
            .iter()
            .find(|(media, _)| media.contains("json"))
            .or_else(|| content.iter().next())
            .map(|(_, media)| media);
        let Some(media) = media else { continue };
        let schema = media.get("schema").cloned().unwrap_or_else(|| json!({}));
        let example = match (media.get("example"), media.get("examples")) {
            (Some(example), _) => Some(example.clone()),
            (None, Some(Value::Object(examples))) => {
                examples.values().next().map(|e| resolve(spec, e)).transpose()?.and_then(|e| e.get("value").cloned())
            }
            _ => None,
        };
        let name = event_name(spec, key, operation, &schema, subtype);
        let description = operation
            .get("description")
            .or_else(|| operation.get("summary"))
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        found.push(Webhook { name, description, schema, example });
    }
    Ok(found)
}

/// `pull_request.opened`: the type (the section its `externalDocs` link points to, as GitHub's do, else the
/// operation id or key up to a `/`) joined with the subtype (the single value the schema allows at the base
/// provider's subtype field, else what follows the `/`).
fn event_name(spec: &Value, key: &str, operation: &Value, schema: &Value, subtype: Option<&str>) -> String {
    let id = operation.get("operationId").and_then(Value::as_str).unwrap_or(key);
    let (id_type, id_sub) = match id.split_once('/') {
        Some((kind, sub)) => (kind.to_owned(), Some(sub.to_owned())),
        None => (id.to_owned(), None),
    };
    let anchor = operation
        .pointer("/externalDocs/url")
        .and_then(Value::as_str)
        .and_then(|url| url.rsplit_once('#'))
        .map(|(_, anchor)| anchor)
        .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')));
    // An anchor's hyphens are a heading's underscores: GitHub's `#sub-issues` documents the event `sub_issues`.
    let kind = anchor.map_or(id_type, |a| a.replace('-', "_"));
    let sub = subtype
        .and_then(|pointer| single_value(spec, schema, pointer))
        .or_else(|| id_sub.map(|s| if anchor.is_some() { s.replace('-', "_") } else { s }));
    match sub {
        Some(sub) if subtype.is_some() || !sub.is_empty() => format!("{kind}.{sub}"),
        _ => kind,
    }
}

/// The one value a schema allows at a payload pointer (`/action`: `"opened"`), following `$ref`s and `allOf`.
fn single_value(spec: &Value, schema: &Value, pointer: &str) -> Option<String> {
    let mut node = schema;
    for segment in pointer.split('/').skip(1) {
        node = follow(spec, node)?;
        node = node.get("properties").and_then(|p| p.get(segment)).or_else(|| {
            node.get("allOf")?.as_array()?.iter().find_map(|s| follow(spec, s)?.get("properties")?.get(segment))
        })?;
    }
    let node = follow(spec, node)?;
    match (node.get("const"), node.get("enum")) {
        (Some(Value::String(value)), _) => Some(value.clone()),
        (None, Some(Value::Array(values))) if values.len() == 1 => values[0].as_str().map(str::to_owned),
        _ => None,
    }
}

fn follow<'a>(spec: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => node = spec.pointer(reference.strip_prefix('#')?)?,
            None => return Some(node),
        }
    }
    None
}

fn one_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let mut out: String = line.chars().take(140).collect();
    if line.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// `#/components/schemas/webhook-push` → `webhook-push`; another pointer → its segments joined by `.`.
fn def_name(pointer: &str) -> String {
    let path = pointer.trim_start_matches("#/");
    let name = path.strip_prefix("components/schemas/").unwrap_or(path);
    name.replace("~1", "/").replace("~0", "~").replace('/', ".")
}

/// Rewrites every `$ref` under `value` to the shared `$defs` (and OpenAPI 3.0's `nullable` to a `null` type),
/// queueing the targets; a reference that does not resolve in the document is an error.
fn rewrite_refs(value: &mut Value, spec: &Value, pending: &mut Vec<String>, at: &str) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let exists = reference.strip_prefix('#').is_some_and(|p| spec.pointer(p).is_some());
                if !exists {
                    return Err(unresolvable(reference, at));
                }
                pending.push(reference.clone());
                *reference = format!("#/$defs/{}", def_name(reference).replace('~', "~0").replace('/', "~1"));
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get_mut("type") {
                    Some(Value::String(kind)) => {
                        let kind = kind.clone();
                        map.insert("type".into(), json!([kind, "null"]));
                    }
                    Some(Value::Array(kinds)) if !kinds.contains(&json!("null")) => kinds.push(json!("null")),
                    _ => {}
                }
            }
            // `"type": ["null"]` beside an `allOf` is a nullable object written by a 3.0 → 3.1 conversion
            // (`nullable: true` turned into a type): as written no value satisfies it. It is read as meant: null,
            // or what the `allOf` says.
            if map.get("type") == Some(&json!(["null"])) && map.contains_key("allOf") {
                let all = map.remove("allOf").expect("checked");
                map.remove("type");
                map.insert("anyOf".into(), json!([{"type": "null"}, {"allOf": all}]));
            }
            for (key, child) in map.iter_mut() {
                // Examples and enums are data, not schemas: a `$ref` key there is a value.
                if matches!(key.as_str(), "example" | "examples" | "enum" | "const" | "default") {
                    continue;
                }
                rewrite_refs(child, spec, pending, at)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite_refs(item, spec, pending, at)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The validator of one event: its schema with the definitions it reaches (the same checks as the whole shared
/// `$defs`, compiled in a fraction of the time).
/// Returns the document it was compiled from too (the schema with the `$defs` it reaches).
fn compile_with_root(all: &Value, schema: &Value) -> Result<(jsonschema::Validator, Value), String> {
    let mut defs = Map::new();
    let mut pending = vec![schema];
    while let Some(node) = pending.pop() {
        let mut refs = Vec::new();
        crate::schema::references(node, &mut refs);
        for name in refs {
            if !defs.contains_key(&name)
                && let Some(def) = all.get(&name)
            {
                defs.insert(name, def.clone());
                pending.push(def);
            }
        }
    }
    let envelope = json!({"$defs": defs});
    let combined = crate::schema::combine(envelope, schema.clone())?;
    let validator =
        jsonschema::draft202012::options().should_validate_formats(true).build(&combined).map_err(|e| e.to_string())?;
    Ok((validator, combined))
}

/// `DIR/<event>.json`: a payload, or an array of payloads (the first that satisfies the schema is taken).
fn read_examples(folder: &Path, event: &str) -> Result<Vec<Value>, Error> {
    let path = folder.join(format!("{}.json", file_stem(event)));
    if !path.is_file() {
        return Ok(Vec::new());
    }
    Ok(match read_json(&path)? {
        Value::Array(items) => items,
        other => vec![other],
    })
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    serde_json::from_slice(&bytes).map_err(|e| usage(format!("{}: invalid JSON: {e}", path.display())))
}

/// `DIR/<event>@<variant>.json`: fixtures of named variants (hand-written, placeholders and all), sorted.
fn read_variants(folder: &Path, event: &str) -> Result<Vec<(String, Value)>, Error> {
    let prefix = format!("{}@", file_stem(event));
    let Ok(entries) = std::fs::read_dir(folder) else { return Ok(Vec::new()) };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(variant) = file.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".json")) {
            found.push((variant.to_owned(), read_json(&entry.path())?));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// A file stem for an event: its name when it is made of letters, digits, `.`, `-` and `_`.
fn file_stem(name: &str) -> String {
    let stem: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if stem.starts_with('.') { format!("_{stem}") } else { stem }
}

/// Writes the folder: provider.toml, and `events/` and `schemas/` holding exactly the imported files.
fn write_folder(dir: &Path, provider_toml: &str, files: &[(String, Value)]) -> Result<(), Error> {
    let io = |path: &Path, source: std::io::Error| Error::Read { path: path.to_owned(), source };
    for folder in ["events", "schemas"] {
        let path = dir.join(folder);
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).map_err(|e| io(&path, e))?.flatten() {
                if entry.path().extension().is_some_and(|x| x == "json") {
                    std::fs::remove_file(entry.path()).map_err(|e| io(&entry.path(), e))?;
                }
            }
        }
        std::fs::create_dir_all(&path).map_err(|e| io(&path, e))?;
    }
    let path = dir.join("provider.toml");
    std::fs::write(&path, provider_toml).map_err(|e| io(&path, e))?;
    for (relative, value) in files {
        let path = dir.join(relative);
        let mut text = serde_json::to_string_pretty(value).expect("a Value serialises");
        text.push('\n');
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    Ok(())
}

/// A payload that satisfies `schema`: its required fields only, each the simplest value its schema allows —
/// the first enum value, a value of the format, a string the pattern matches, the minimum, `null` where null is
/// allowed.
pub fn generate(schema: &Value, defs: &Value) -> Value {
    Generator { defs, depth: 0 }.value(schema)
}

struct Generator<'a> {
    defs: &'a Value,
    depth: usize,
}

impl Generator<'_> {
    fn value(&mut self, schema: &Value) -> Value {
        self.depth += 1;
        let value = if self.depth > 64 { Value::Null } else { self.inner(schema) };
        self.depth -= 1;
        value
    }

    fn inner(&mut self, schema: &Value) -> Value {
        let Value::Object(map) = schema else { return Value::Null };
        if map.contains_key("allOf") || (map.contains_key("$ref") && map.len() > 1) {
            let merged = self.flatten(map);
            return self.value(&Value::Object(merged));
        }
        if let Some(Value::String(reference)) = map.get("$ref") {
            let target = self.target(reference);
            return self.value(&target);
        }
        if let Some(value) = map.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(values)) = map.get("enum")
            && let Some(first) = values.first()
        {
            return first.clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(choices)) = map.get(key) {
                // A branch of a type the schema itself allows; among them a null one, the least likely to match
                // another branch as well.
                let allowed: Option<Vec<Value>> = match map.get("type") {
                    Some(Value::Array(kinds)) => Some(kinds.clone()),
                    Some(kind) => Some(vec![kind.clone()]),
                    None => None,
                };
                let branch_types = |choice: &Value| -> Vec<Value> {
                    let choice = match choice.get("$ref").and_then(Value::as_str) {
                        Some(reference) => self.target(reference),
                        None => choice.clone(),
                    };
                    match choice.get("type") {
                        Some(Value::Array(kinds)) => kinds.clone(),
                        Some(kind) => vec![kind.clone()],
                        None if choice.get("properties").is_some() => vec![json!("object")],
                        None => vec![],
                    }
                };
                let fits = |choice: &&Value| {
                    let kinds = branch_types(choice);
                    allowed.as_ref().is_none_or(|allowed| kinds.is_empty() || kinds.iter().any(|k| allowed.contains(k)))
                };
                let pick = choices
                    .iter()
                    .filter(fits)
                    .find(|c| branch_types(c) == [json!("null")])
                    .or_else(|| choices.iter().find(fits))
                    .or_else(|| choices.first())
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut rest = map.clone();
                rest.remove(key);
                if rest.contains_key("properties") || rest.contains_key("required") || rest.contains_key("type") {
                    // The chosen branch and the schema's own fields both apply.
                    rest.insert("allOf".into(), json!([pick]));
                    return self.value(&Value::Object(rest));
                }
                return self.value(&pick);
            }
        }
        self.typed(map)
    }

    fn target(&self, reference: &str) -> Value {
        let name = reference.strip_prefix("#/$defs/").unwrap_or_default().replace("~1", "/").replace("~0", "~");
        self.defs.get(&name).cloned().unwrap_or(Value::Null)
    }

    /// One schema from the parts that all apply (`allOf`, a `$ref` with siblings): types intersected, required
    /// fields joined, each property's schemas joined under an `allOf`; other keywords from the first part.
    fn flatten(&mut self, map: &Map<String, Value>) -> Map<String, Value> {
        let mut parts = Vec::new();
        self.collect_parts(map, &mut parts, 0);
        let mut merged = Map::new();
        let mut types: Option<Vec<Value>> = None;
        let mut required: Vec<Value> = Vec::new();
        let mut properties: Map<String, Value> = Map::new();
        for part in parts {
            for (key, value) in part {
                match key.as_str() {
                    "type" => {
                        let kinds = match value {
                            Value::Array(kinds) => kinds,
                            kind => vec![kind],
                        };
                        types = Some(match types {
                            None => kinds,
                            Some(before) => {
                                let both: Vec<Value> = before.iter().filter(|k| kinds.contains(k)).cloned().collect();
                                if both.is_empty() { kinds } else { both }
                            }
                        });
                    }
                    "required" => {
                        for field in value.as_array().cloned().unwrap_or_default() {
                            if !required.contains(&field) {
                                required.push(field);
                            }
                        }
                    }
                    "properties" => {
                        for (name, schema) in value.as_object().cloned().unwrap_or_default() {
                            let joined = match properties.remove(&name) {
                                Some(Value::Object(mut existing))
                                    if existing.contains_key("allOf") && existing.len() == 1 =>
                                {
                                    if let Some(Value::Array(all)) = existing.get_mut("allOf") {
                                        all.push(schema);
                                    }
                                    Value::Object(existing)
                                }
                                Some(existing) => json!({"allOf": [existing, schema]}),
                                None => schema,
                            };
                            properties.insert(name, joined);
                        }
                    }
                    _ => {
                        merged.entry(key).or_insert(value);
                    }
                }
            }
        }
        if let Some(types) = types {
            merged.insert("type".into(), Value::Array(types));
        }
        if !required.is_empty() {
            merged.insert("required".into(), Value::Array(required));
        }
        if !properties.is_empty() {
            merged.insert("properties".into(), Value::Object(properties));
        }
        merged
    }

    fn collect_parts(&self, map: &Map<String, Value>, parts: &mut Vec<Map<String, Value>>, depth: usize) {
        if depth > 32 {
            return;
        }
        let mut own = map.clone();
        if let Some(Value::String(reference)) = own.remove("$ref")
            && let Value::Object(target) = self.target(&reference)
        {
            self.collect_parts(&target, parts, depth + 1);
        }
        if let Some(Value::Array(all)) = own.remove("allOf") {
            for part in all {
                if let Value::Object(part) = part {
                    self.collect_parts(&part, parts, depth + 1);
                }
            }
        }
        parts.push(own);
    }

    fn typed(&mut self, map: &Map<String, Value>) -> Value {
        let kinds: Vec<&str> = match map.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ if map.contains_key("properties") || map.contains_key("required") => vec!["object"],
            _ if map.contains_key("items") => vec!["array"],
            _ => vec![],
        };
        if kinds.contains(&"null") || kinds.is_empty() {
            return Value::Null;
        }
        match kinds[0] {
            "object" => self.object(map),
            "array" => {
                let count = map.get("minItems").and_then(Value::as_u64).unwrap_or(0).min(8);
                let items = map.get("items").cloned().unwrap_or(Value::Null);
                Value::Array((0..count).map(|_| self.value(&items)).collect())
            }
            "string" => Value::String(string(map)),
            "integer" => json!(number(map).round() as i64),
            "number" => json!(number(map)),
            "boolean" => Value::Bool(false),
            _ => Value::Null,
        }
    }

    fn object(&mut self, map: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        let properties = map.get("properties").and_then(Value::as_object);
        let required = map.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        for field in required.iter().filter_map(Value::as_str) {
            let schema = properties
                .and_then(|p| p.get(field))
                .or_else(|| map.get("additionalProperties").filter(|a| a.is_object()))
                .cloned()
                .unwrap_or_else(|| json!({"type": "string"}));
            let value = self.value(&schema);
            out.insert(field.to_owned(), value);
        }
        Value::Object(out)
    }
}

fn number(map: &Map<String, Value>) -> f64 {
    let minimum = map.get("minimum").and_then(Value::as_f64);
    let exclusive = map.get("exclusiveMinimum").and_then(Value::as_f64).map(|m| m.floor() + 1.0);
    let maximum = map.get("maximum").and_then(Value::as_f64);
    let value = minimum.or(exclusive).unwrap_or(1.0);
    maximum.map_or(value, |max| value.min(max))
}

fn string(map: &Map<String, Value>) -> String {
    let format = map.get("format").and_then(Value::as_str).unwrap_or_default();
    let by_format = match format {
        "date-time" => Some("2026-01-15T10:00:00Z"),
        "date" => Some("2026-01-15"),
        "time" => Some("10:00:00Z"),
        "email" | "idn-email" => Some("octocat@example.com"),
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => Some("https://example.com/"),
        "uri-template" => Some("https://example.com/{id}"),
        "uuid" => Some("0b989ba4-242f-11e5-81e1-c7b6966d2516"),
        "hostname" | "idn-hostname" => Some("example.com"),
        "ipv4" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "regex" => Some(".*"),
        _ => None,
    };
    if let Some(value) = by_format {
        return value.to_owned();
    }
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str)
        && let Some(value) = from_pattern(pattern)
    {
        return value;
    }
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = map.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
    let mut text = String::from("string");
    while text.len() < min {
        text.push('x');
    }
    text.truncate(max);
    text
}

/// A string a simple pattern matches: literals, `[…]` classes, `\d`, `\w`, `.`, and `?`, `*`, `+`, `{n}`,
/// `{n,m}`; `None` for anything else (alternation, groups, look-arounds).
fn from_pattern(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let (piece, next) = match chars[i] {
            '\\' => {
                let c = *chars.get(i + 1)?;
                let piece = match c {
                    'd' => '1',
                    'w' => 'a',
                    's' => ' ',
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c,
                };
                (piece, i + 2)
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']')? + i;
                let class = &chars[i + 1..close];
                if class.first() == Some(&'^') || class.is_empty() {
                    return None;
                }
                let piece = match class {
                    ['\\', 'd', ..] => '1',
                    ['\\', 'w', ..] => 'a',
                    [first, ..] => *first,
                    [] => return None,
                };
                (piece, close + 1)
            }
            '(' | ')' | '|' | '^' | '$' => return None,
            '.' => ('a', i + 1),
            c => (c, i + 1),
        };
        i = next;
        let count = match chars.get(i) {
            Some('?') | Some('*') => {
                i += 1;
                0
            }
            Some('+') => {
                i += 1;
                1
            }
            Some('{') => {
                let close = chars[i..].iter().position(|c| *c == '}')? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                let first = inner.split(',').next()?.trim();
                first.parse::<usize>().ok()?.min(256)
            }
            _ => 1,
        };
        out.extend(std::iter::repeat_n(piece, count));
    }
    let check = regex_lite_match(pattern, &out);
    check.then_some(out)
}

/// Whether the generated string matches: the schema validator's own regex engine decides.
fn regex_lite_match(pattern: &str, text: &str) -> bool {
    jsonschema::validator_for(&json!({"type": "string", "pattern": pattern})).is_ok_and(|v| v.is_valid(&json!(text)))
}

/// Completes an example its schema rejects, keeping everything it has that the schema allows: a missing
/// required field gets a generated value, a value of the wrong type, format, pattern or enum is replaced by a
/// generated one, an `anyOf`/`oneOf` miss is completed against the first branch that can be made to fit, an
/// unexpected property is dropped. Placeholders stay in the fixture (it is rendered only to be checked).
/// `None` when it cannot be made to satisfy the schema.
struct Completer<'a> {
    /// Every definition of the document (`schemas/envelope.json`'s `$defs`).
    defs: &'a Value,
    time_format: &'a crate::time::TimeFormat,
}

/// How many rounds of fixes an example gets, and how deep `anyOf`/`oneOf` branches are followed.
const COMPLETE_ROUNDS: usize = 64;
const COMPLETE_DEPTH: usize = 4;

impl Completer<'_> {
    /// The fixture rendered as it would be sent, for checking (placeholders filled, named values kept once).
    fn render(&self, template: &Value) -> Option<Value> {
        let mut rng = fastrand::Rng::with_seed(0);
        let now = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let mut ctx = crate::fixture::Context {
            now,
            time_format: self.time_format,
            event: "",
            rng: &mut rng,
            refs: Default::default(),
        };
        crate::fixture::render(template, &mut ctx).ok()
    }

    fn complete(
        &self,
        template: &Value,
        validator: &jsonschema::Validator,
        root: &Value,
        depth: usize,
    ) -> Option<Value> {
        let mut template = template.clone();
        for _ in 0..COMPLETE_ROUNDS {
            let rendered = self.render(&template)?;
            let errors: Vec<_> = validator.iter_errors(&rendered).collect();
            if errors.is_empty() {
                return Some(template);
            }
            let before = template.clone();
            // Outer fixes first; a fix inside a value already replaced this round waits for the next one.
            let mut fixes: Vec<(String, String, &jsonschema::error::ValidationErrorKind)> = errors
                .iter()
                .map(|e| (e.instance_path().as_str().to_owned(), e.evaluation_path().as_str().to_owned(), e.kind()))
                .collect();
            fixes.sort_by_key(|(at, _, _)| at.len());
            let mut replaced: Vec<String> = Vec::new();
            for (at, keyword_at, kind) in fixes {
                if replaced.iter().any(|r| at == *r || at.starts_with(&format!("{r}/")) || r.is_empty()) {
                    continue;
                }
                let Some((schema_at, keyword)) = keyword_at.rsplit_once('/') else { continue };
                let Some(node) = walk(root, schema_at) else { continue };
                match kind {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        let Some(property) = property.as_str() else { continue };
                        let value = match node.get("properties").and_then(|p| p.get(property)) {
                            Some(schema) => generate(schema, self.defs),
                            None => Value::Null,
                        };
                        if let Some(Value::Object(map)) = template.pointer_mut(&at) {
                            map.entry(property.to_owned()).or_insert(value);
                        }
                    }
                    jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                        if let Some(Value::Object(map)) = template.pointer_mut(&at) {
                            for key in unexpected {
                                map.remove(key);
                            }
                        }
                        replaced.push(at);
                    }
                    _ => {
                        let Some(slot) = template.pointer_mut(&at) else { continue };
                        let branches = ["anyOf", "oneOf"].contains(&keyword).then(|| node.get(keyword)).flatten();
                        let mut fixed = None;
                        if let (Some(Value::Array(branches)), true) = (branches, depth < COMPLETE_DEPTH) {
                            for branch in branches {
                                let Ok((validator, root)) = compile_with_root(self.defs, branch) else {
                                    continue;
                                };
                                if let Some(done) = self.complete(slot, &validator, &root, depth + 1) {
                                    fixed = Some(done);
                                    break;
                                }
                            }
                        }
                        *slot = fixed.unwrap_or_else(|| generate(node, self.defs));
                        replaced.push(at);
                    }
                }
            }
            if template == before {
                return None;
            }
        }
        None
    }
}

/// The schema a keyword location leads to, following `$ref`s into the document's `$defs`.
fn walk<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = root;
    for segment in path.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = root.pointer(target)?;
            continue;
        }
        node = match node {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_yield_matching_strings() {
        assert_eq!(from_pattern("^[a-f0-9]{40}$").as_deref(), Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert_eq!(from_pattern("^v\\d+\\.\\d+$").as_deref(), Some("v1.1"));
        assert_eq!(from_pattern("^(a|b)$"), None);
    }

    #[test]
    fn generated_values_satisfy_their_schema() {
        let defs = json!({"user": {"type": "object", "required": ["login", "id"], "properties": {
            "login": {"type": "string", "minLength": 3}, "id": {"type": "integer", "minimum": 5}}}});
        let schema = json!({"type": "object", "required": ["action", "sender", "at", "tags", "sha", "maybe"],
            "properties": {
                "action": {"type": "string", "enum": ["opened"]},
                "sender": {"$ref": "#/$defs/user"},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "format": "email"}},
                "sha": {"type": "string", "pattern": "^[0-9a-f]{7}$"},
                "maybe": {"oneOf": [{"$ref": "#/$defs/user"}, {"type": "null"}]}}});
        let value = generate(&schema, &defs);
        let envelope = json!({"$defs": defs});
        let (validator, _) = compile_with_root(&envelope["$defs"], &schema).expect("compiles");
        assert!(validator.is_valid(&value), "{value}");
        assert_eq!(value["action"], "opened");
        assert_eq!(value["sender"]["id"], 5);
    }
}
