//! Test support: random mutations of seed inputs, for the fuzz-style tests every parser of outside input has.

/// Calls `check` with `rounds` random mutations (byte flips, truncations, insertions) of the seeds.
pub fn mutations(seeds: &[&[u8]], rounds: usize, mut check: impl FnMut(&[u8])) {
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    for _ in 0..rounds {
        let mut bytes = seeds[rng.usize(..seeds.len())].to_vec();
        for _ in 0..rng.usize(1..8) {
            match rng.u8(..3) {
                0 if !bytes.is_empty() => {
                    let i = rng.usize(..bytes.len());
                    bytes[i] = rng.u8(..);
                }
                1 if !bytes.is_empty() => bytes.truncate(rng.usize(..bytes.len())),
                _ => bytes.insert(rng.usize(..=bytes.len()), rng.u8(..)),
            }
        }
        check(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::mutations;
    use crate::fixture::{self, Assignment};
    use crate::scheme::{Layout, Template};

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn signature_headers_of_every_layout() {
        let layouts = [
            Layout::Bare,
            Layout::Prefixed("sha256=".into()),
            Layout::KeyValue {
                timestamp_key: "t".into(),
                signature_key: "v1".into(),
                separator: ",".into(),
                group_separator: None,
            },
            Layout::VersionedList { version: "v1".into() },
        ];
        let seeds: [&[u8]; 3] =
            [b"t=1700000000,v1=abcdef,v0=12", b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3u= v1,abc", b"sha256=757107ea"];
        mutations(&seeds, 20_000, |bytes| {
            for layout in &layouts {
                let _ = layout.parse(&text(bytes));
            }
        });
    }

    #[test]
    fn templates_placeholders_and_set_paths() {
        let seeds: [&[u8]; 4] =
            [b"{timestamp}.{body}", b"{{id:evt_:8}}-{{now-1h:%Y-%m-%d}}", b"data.items.0.a=1", b"a.b:={\"x\":[1]}"];
        let format = crate::time::TimeFormat::Rfc3339;
        let mut rng = fastrand::Rng::with_seed(3);
        mutations(&seeds, 20_000, |bytes| {
            let input = text(bytes);
            let _ = Template::parse(&input);
            let mut ctx = fixture::Context {
                now: chrono::DateTime::UNIX_EPOCH,
                time_format: &format,
                event: "e",
                rng: &mut rng,
                refs: Default::default(),
            };
            let _ = fixture::render(&serde_json::Value::String(input.clone()), &mut ctx);
            if let Ok(assignment) = input.parse::<Assignment>() {
                let _ = assignment.apply(&mut serde_json::json!({"data": {"items": [{"a": 1}]}, "a": {"b": null}}));
            }
        });
    }

    #[test]
    fn provider_files() {
        let seed = include_bytes!("../fixtures/stripe/provider.toml");
        mutations(&[seed, include_bytes!("../fixtures/verifynow/provider.toml")], 3_000, |bytes| {
            let _ = crate::provider::parse_provider(&text(bytes), crate::provider::Files::Dir("/nowhere".into()));
        });
    }
}
