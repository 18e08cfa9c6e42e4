//! Raw-body discipline (5): unusual but legal JSON, validly signed, must be accepted. A receiver that parses
//! and re-serialises the body before verifying computes the HMAC over different bytes and rejects it.

use serde_json::Value;

use super::{Builder, Expect, Probe};
use crate::body::BodyFormat;
use crate::error::Error;

pub fn probe(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        5,
        "raw-body",
        "legal but unusual JSON, validly signed",
        "the signature is computed over a re-serialised body: real deliveries whose bytes differ (spacing, key \
         order, escapes) are rejected",
        "verify the raw request body, before any JSON parsing (Express: express.raw(); Flask: request.get_data(); \
         Django: request.body; FastAPI: await request.body())",
    );
    let provider = builder.provider();
    if !provider.scheme.is_signed() {
        return Ok(probe.skip(format!("{} signs nothing", provider.name)));
    }
    let first = builder.render()?;
    if first.event.body_format != BodyFormat::Json {
        return Ok(probe.skip(format!("{} is sent as a form, not JSON", first.event.name)));
    }
    let variants: [(&str, Writer); 3] = [
        ("extra whitespace and keys in reverse order", |v| spaced(v, 0)),
        ("\\u escapes and an escaped slash in strings", escaped),
        ("a trailing newline", |v| format!("{}\n", serde_json::to_string(v).unwrap_or_default())),
    ];
    for (label, write) in variants {
        let delivery = builder.render()?;
        let body = write(&delivery.payload).into_bytes();
        let keys = builder.setup.keys.clone();
        let request = builder.sign(&delivery, body.into(), &keys)?;
        probe.steps.push(builder.step(label, &delivery, request, Expect::Accept));
    }
    Ok(probe)
}

/// Writes a payload as JSON bytes of its own style.
type Writer = fn(&Value) -> String;

/// Pretty JSON with three-space indents, spaces around colons and each object's keys in reverse order.
fn spaced(value: &Value, depth: usize) -> String {
    let pad = |d: usize| "   ".repeat(d);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let items: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}{} : {}", pad(depth + 1), Value::from(k.as_str()), spaced(v, depth + 1)))
                .collect();
            format!("{{\n{}\n{}}}", items.join(" ,\n"), pad(depth))
        }
        Value::Array(items) if !items.is_empty() => {
            let items: Vec<String> =
                items.iter().map(|v| format!("{}{}", pad(depth + 1), spaced(v, depth + 1))).collect();
            format!("[\n{}\n{}]", items.join(",\n"), pad(depth))
        }
        other => other.to_string(),
    }
}

/// Compact JSON whose strings escape their vowels as `\u00XX` and their slashes as `\/`.
fn escaped(value: &Value) -> String {
    match value {
        Value::String(text) => {
            let mut out = String::from("\"");
            let plain = serde_json::to_string(text).unwrap_or_default();
            for c in plain[1..plain.len() - 1].chars() {
                match c {
                    'a' | 'e' | 'i' | 'o' | 'u' => out.push_str(&format!("\\u{:04x}", c as u32)),
                    '/' => out.push_str("\\/"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        Value::Object(map) => {
            let items: Vec<String> =
                map.iter().map(|(k, v)| format!("{}:{}", escaped(&Value::from(k.as_str())), escaped(v))).collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(escaped).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[test]
    fn unusual_json_reads_back_the_same() {
        let value = json!({"id": "evt_1/a", "data": {"n": [1, 2], "s": "naïve"}, "e": {}, "l": []});
        for text in [super::spaced(&value, 0), super::escaped(&value)] {
            assert_ne!(text, value.to_string());
            assert_eq!(serde_json::from_str::<Value>(&text).expect("legal JSON"), value, "{text}");
        }
        assert!(super::escaped(&value).contains("\\u0065vt_1\\/\\u0061"));
    }
}
