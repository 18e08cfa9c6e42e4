//! Rendering fixtures: fresh ids and times for placeholders, then `--set` overrides.
//!
//! Pure: the time and the random source are arguments, so a render with a seeded generator is exact.
//! The placeholder language is documented in `fixtures/README.md`.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{Map, Value};

use crate::time::{TimeFormat, TimeValue};

/// What a render needs from outside.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    /// The provider's time format, for `{{now}}`.
    pub time_format: &'a TimeFormat,
    pub event: &'a str,
    pub rng: &'a mut fastrand::Rng,
    /// Named values (`{{ref:NAME}}`): a scenario's, generated once per run, and those a fixture defines with
    /// `{{ref:NAME:PLACEHOLDER}}`, generated once per render.
    pub refs: Refs,
}

/// Named values by name, as rendered.
pub type Refs = std::collections::HashMap<String, Value>;

/// Replaces every placeholder in a fixture. Each `{{ref:NAME:PLACEHOLDER}}` is generated first, once, so a
/// `{{ref:NAME}}` anywhere in the fixture has the same value whatever the order of the fields.
pub fn render(value: &Value, ctx: &mut Context<'_>) -> Result<Value, String> {
    define_refs(value, ctx)?;
    render_value(value, ctx)
}

fn define_refs(value: &Value, ctx: &mut Context<'_>) -> Result<(), String> {
    match value {
        Value::String(text) => {
            let mut rest = text.as_str();
            while let Some(open) = rest.find("{{ref:") {
                let after = &rest[open + 2..];
                let Some(close) = after.find("}}") else { break };
                if after[..close].matches(':').count() >= 2 {
                    placeholder(&after[..close], ctx)?;
                }
                rest = &after[close + 2..];
            }
        }
        Value::Array(items) => items.iter().try_for_each(|v| define_refs(v, ctx))?,
        Value::Object(map) => map.values().try_for_each(|v| define_refs(v, ctx))?,
        _ => {}
    }
    Ok(())
}

fn render_value(value: &Value, ctx: &mut Context<'_>) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => render_string(text, ctx)?,
        Value::Array(items) => Value::Array(items.iter().map(|v| render_value(v, ctx)).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                out.insert(key.clone(), render_value(value, ctx)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Renders a template string to text (header values, message id formats).
pub fn render_text(text: &str, ctx: &mut Context<'_>) -> Result<String, String> {
    Ok(match render_string(text, ctx)? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn render_string(text: &str, ctx: &mut Context<'_>) -> Result<Value, String> {
    if !text.contains("{{") {
        return Ok(Value::String(text.to_owned()));
    }
    // A string that is exactly one placeholder keeps a numeric value as a JSON number.
    if let Some(inner) = text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}"))
        && !inner.contains("{{")
        && !inner.contains("}}")
    {
        return Ok(match placeholder(inner, ctx)? {
            Rendered::Number(n) => Value::from(n),
            Rendered::Text(s) => Value::String(s),
        });
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| format!("unclosed `{{{{` in {text:?}"))?;
        match placeholder(&after[..close], ctx)? {
            Rendered::Number(n) => out.push_str(&n.to_string()),
            Rendered::Text(s) => out.push_str(&s),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

enum Rendered {
    Text(String),
    Number(i64),
}

const MAX_GENERATED: usize = 1024;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn placeholder(inner: &str, ctx: &mut Context<'_>) -> Result<Rendered, String> {
    let inner = inner.trim();
    let (name, args) = match inner.split_once(':') {
        Some((name, args)) => (name, Some(args)),
        None => (inner, None),
    };
    let bad = |why: &str| format!("placeholder `{{{{{inner}}}}}`: {why}");
    let number = |text: &str| text.trim().parse::<i64>().map_err(|_| bad(&format!("`{text}` is not a whole number")));
    // Generated ids stay id-sized: a typo such as {{hex:64000000}} must not eat the memory.
    let length = |text: &str| {
        usize::try_from(number(text)?)
            .ok()
            .filter(|n| *n <= MAX_GENERATED)
            .ok_or_else(|| bad(&format!("the length must be 0 to {MAX_GENERATED}")))
    };
    Ok(match name {
        "id" => {
            let args = args.unwrap_or_default();
            let (prefix, len) = match args.rsplit_once(':') {
                Some((prefix, len)) => (prefix, length(len)?),
                None => (args, 24),
            };
            let random: String =
                (0..len).map(|_| char::from(ALPHANUMERIC[ctx.rng.usize(..ALPHANUMERIC.len())])).collect();
            Rendered::Text(format!("{prefix}{random}"))
        }
        "hex" => {
            let len = length(args.ok_or_else(|| bad("give a length: {{hex:24}}"))?)?;
            Rendered::Text((0..len).map(|_| char::from(b"0123456789abcdef"[ctx.rng.usize(..16)])).collect())
        }
        "uuid" => Rendered::Text(uuid(ctx.rng.u128(..), 4)),
        "uuid7" => {
            let millis = u128::try_from(ctx.now.timestamp_millis()).unwrap_or_default() & ((1 << 48) - 1);
            let random = ctx.rng.u128(..) & ((1u128 << 80) - 1);
            Rendered::Text(uuid((millis << 80) | random, 7))
        }
        "int" => {
            let (min, max) = args.and_then(|a| a.split_once(':')).ok_or_else(|| bad("give a range: {{int:1:100}}"))?;
            let (min, max) = (number(min)?, number(max)?);
            if min > max {
                return Err(bad("the range is empty"));
            }
            Rendered::Number(ctx.rng.i64(min..=max))
        }
        "event" => Rendered::Text(ctx.event.to_owned()),
        "ref" => {
            let args = args.unwrap_or_default();
            let (name, generator) = match args.split_once(':') {
                Some((name, generator)) => (name.trim(), Some(generator)),
                None => (args.trim(), None),
            };
            if name.is_empty() {
                return Err(bad("name the value: {{ref:payment_id}}"));
            }
            if let Some(value) = ctx.refs.get(name) {
                return Ok(match value {
                    Value::Number(n) => n.as_i64().map_or_else(|| Rendered::Text(n.to_string()), Rendered::Number),
                    Value::String(s) => Rendered::Text(s.clone()),
                    other => Rendered::Text(other.to_string()),
                });
            }
            let generator = generator.ok_or_else(|| {
                bad(&format!("`{name}` is not defined: define it in the scenario's [refs] or generate it here, as {{{{ref:{name}:hex:40}}}}"))
            })?;
            if generator.trim_start().starts_with("ref:") {
                return Err(bad("a value cannot be generated by another {{ref:…}}"));
            }
            let value = placeholder(generator, ctx)?;
            let stored = match &value {
                Rendered::Number(n) => Value::from(*n),
                Rendered::Text(s) => Value::String(s.clone()),
            };
            ctx.refs.insert(name.to_owned(), stored);
            value
        }
        now if now.starts_with("now") => {
            let offset = parse_offset(&now[3..]).map_err(|why| bad(&why))?;
            let at = ctx.now.checked_add_signed(offset).ok_or_else(|| bad("the time is out of range"))?;
            let format = match args {
                Some(pattern) => TimeFormat::parse(pattern).map_err(|why| bad(&why))?,
                None => ctx.time_format.clone(),
            };
            match format.format(at).map_err(|why| bad(&why))? {
                TimeValue::Text(s) => Rendered::Text(s),
                TimeValue::Number(n) => Rendered::Number(n),
            }
        }
        _ => return Err(bad("unknown placeholder (see fixtures/README.md)")),
    })
}

/// `""`, `-1h`, `+30m`: a signed humantime duration.
fn parse_offset(text: &str) -> Result<ChronoDuration, String> {
    if text.is_empty() {
        return Ok(ChronoDuration::zero());
    }
    let (sign, duration) = match (text.strip_prefix('+'), text.strip_prefix('-')) {
        (Some(rest), _) => (1, rest),
        (_, Some(rest)) => (-1, rest),
        _ => return Err(format!("`{text}` should be an offset like -1h or +30m")),
    };
    let duration = humantime::parse_duration(duration).map_err(|e| format!("`{duration}`: {e}"))?;
    let duration = ChronoDuration::from_std(duration).map_err(|_| format!("`{text}` is too large"))?;
    Ok(duration * sign)
}

fn uuid(bits: u128, version: u128) -> String {
    let bits = (bits & !(0xF << 76)) | (version << 76); // version nibble
    let bits = (bits & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// One `--set path=value` (typed by the value already there) or `path:=json` (raw JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub path: Vec<String>,
    pub value: AssignedValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AssignedValue {
    /// `=`: typed like the value it replaces.
    Typed(String),
    /// `:=`: raw JSON.
    Json(Value),
}

impl std::str::FromStr for Assignment {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let eq = text.find('=').ok_or_else(|| format!("`{text}` is not path=value (or path:=json)"))?;
        let (path, value) = if eq > 0 && text.as_bytes()[eq - 1] == b':' {
            let json = &text[eq + 1..];
            let value = serde_json::from_str(json).map_err(|e| format!("`{json}` after `:=` is not JSON: {e}"))?;
            (&text[..eq - 1], AssignedValue::Json(value))
        } else {
            (&text[..eq], AssignedValue::Typed(text[eq + 1..].to_owned()))
        };
        let path: Vec<String> = path.split('.').map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!("`{text}` has an empty path segment; write a.b.c=value"));
        }
        Ok(Self { path, value })
    }
}

impl Assignment {
    /// Applies the assignment. The path must exist: a typo should not quietly add a field the provider never
    /// sends (a custom payload is what `--body` is for).
    pub fn apply(&self, root: &mut Value) -> Result<(), String> {
        let joined = self.path.join(".");
        let mut node = root;
        for (i, segment) in self.path.iter().enumerate() {
            let last = i + 1 == self.path.len();
            node = match node {
                Value::Object(map) => {
                    if !map.contains_key(segment) {
                        let at = self.path[..=i].join(".");
                        let hint = crate::suggest::closest(segment, map.keys().map(String::as_str))
                            .map(|s| {
                                format!(
                                    "; did you mean `{}`?",
                                    self.path[..i].iter().chain([&s]).cloned().collect::<Vec<_>>().join(".")
                                )
                            })
                            .unwrap_or_default();
                        return Err(format!("`{at}` is not a field of this payload{hint}"));
                    }
                    let slot = map.get_mut(segment).expect("checked above");
                    if last {
                        *slot = self.value_for(Some(slot), &joined)?;
                        return Ok(());
                    }
                    slot
                }
                Value::Array(items) => {
                    let len = items.len();
                    let index = segment
                        .parse::<usize>()
                        .ok()
                        .filter(|i| *i < len)
                        .ok_or_else(|| format!("`{joined}`: `{segment}` is not an index of an array of {len}"))?;
                    if last {
                        items[index] = self.value_for(Some(&items[index]), &joined)?;
                        return Ok(());
                    }
                    &mut items[index]
                }
                other => {
                    let kind = kind(other);
                    return Err(format!("`{joined}`: cannot set `{segment}` inside a {kind}"));
                }
            };
        }
        Ok(())
    }

    fn value_for(&self, existing: Option<&Value>, path: &str) -> Result<Value, String> {
        let text = match &self.value {
            AssignedValue::Json(value) => return Ok(value.clone()),
            AssignedValue::Typed(text) => text,
        };
        Ok(match existing {
            Some(Value::String(_)) => Value::String(text.clone()),
            Some(Value::Number(_)) => {
                let number = serde_json::from_str::<Value>(text).ok().filter(Value::is_number);
                number
                    .ok_or_else(|| format!("`{path}` is a number; `{text}` is not (use {path}:=\"{text}\" for text)"))?
            }
            Some(Value::Bool(_)) => match text.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(format!("`{path}` is true or false, not `{text}`")),
            },
            // Nulls, objects and arrays: JSON when it parses, text otherwise.
            _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
        })
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn ctx<'a>(rng: &'a mut fastrand::Rng, format: &'a TimeFormat) -> Context<'a> {
        Context {
            now: Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid"),
            time_format: format,
            event: "payment.succeeded",
            rng,
            refs: Refs::default(),
        }
    }

    #[test]
    fn placeholders_render_fresh_values_and_numbers() {
        let mut rng = fastrand::Rng::with_seed(7);
        let format = TimeFormat::Unix;
        let fixture = json!({
            "id": "{{id:evt_}}", "short": "{{id:x_:4}}", "hex": "{{hex:24}}", "uuid": "{{uuid}}", "v7": "{{uuid7}}",
            "created": "{{now}}", "iso": "{{now-1h:rfc3339}}", "n": "{{int:5:5}}", "type": "{{event}}",
            "mixed": "req-{{int:1:1}}-{{now:unix}}", "plain": "no placeholders"
        });
        let out = render(&fixture, &mut ctx(&mut rng, &format)).expect("renders");
        let id = out["id"].as_str().expect("text");
        assert!(id.starts_with("evt_") && id.len() == 28 && id[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        assert_eq!(out["short"].as_str().map(str::len), Some(6));
        assert!(out["hex"].as_str().is_some_and(|h| h.len() == 24 && h.chars().all(|c| c.is_ascii_hexdigit())));
        let uuid = out["uuid"].as_str().expect("text");
        assert_eq!((uuid.len(), &uuid[14..15], &uuid[8..9]), (36, "4", "-"));
        let v7 = out["v7"].as_str().expect("text");
        assert!(v7.starts_with("018bcfe5-6800-7"), "{v7}");
        assert_eq!(out["created"], json!(1_700_000_000));
        assert_eq!(out["iso"], json!("2023-11-14T21:13:20Z"));
        assert_eq!(out["n"], json!(5));
        assert_eq!(out["type"], json!("payment.succeeded"));
        assert_eq!(out["mixed"], json!("req-1-1700000000"));
        assert_eq!(out["plain"], json!("no placeholders"));
    }

    #[test]
    fn bad_placeholders_are_named() {
        let mut rng = fastrand::Rng::with_seed(1);
        let format = TimeFormat::Rfc3339;
        for bad in [
            "{{nope}}",
            "{{hex}}",
            "{{int:9:1}}",
            "{{now~1h}}",
            "{{now:%Q}}",
            "x{{id:a",
            "{{now\u{e9}1h}}",
            "{{hex:99999999}}",
            "{{now+9999999999h}}",
        ] {
            let error = render(&json!(bad), &mut ctx(&mut rng, &format)).expect_err(bad);
            assert!(error.contains("placeholder") || error.contains("unclosed"), "{bad}: {error}");
        }
    }

    #[test]
    fn set_keeps_the_type_already_there() {
        let mut value = json!({"data": {"amount": "99.99", "count": 1, "live": false, "items": [{"a": 1}], "prev": null, "raw": 1}});
        for set in [
            "data.amount=10.00",
            "data.count=12.5",
            "data.live=true",
            "data.items.0.a=2",
            "data.prev=3",
            "data.raw:=\"7\"",
        ] {
            set.parse::<Assignment>().expect(set).apply(&mut value).expect(set);
        }
        assert_eq!(
            value,
            json!({"data": {"amount": "10.00", "count": 12.5, "live": true, "items": [{"a": 2}], "prev": 3, "raw": "7"}})
        );
    }

    #[test]
    fn set_errors_say_what_is_wrong() {
        let mut value = json!({"n": 1, "s": "x", "list": [1]});
        let cases = [
            ("n=abc", "is a number"),
            ("list.5=1", "not an index"),
            ("s.x=1", "inside a string"),
            ("nn=1", "`nn` is not a field of this payload; did you mean `n`?"),
            ("a.b.c=1", "`a` is not a field"),
        ];
        for (set, expected) in cases {
            let error = set.parse::<Assignment>().expect(set).apply(&mut value).expect_err(set);
            assert!(error.contains(expected), "{set}: {error}");
        }
        assert!("novalue".parse::<Assignment>().is_err());
        assert!("a..b=1".parse::<Assignment>().is_err());
        assert!("a:={bad".parse::<Assignment>().is_err());
    }
}
