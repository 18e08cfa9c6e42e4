//! How signatures are laid out in their header: bare, prefixed, key-value (`t=…,v1=…`) or a versioned list
//! (`v1,… v1,…`).

/// The layout of a signature header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// The signature alone.
    Bare,
    /// A fixed prefix, then the signature: `sha256=…`.
    Prefixed(String),
    /// `key=value` pairs with the timestamp and one or more signatures: `t=…,v1=…,v1=…` (Stripe), `ts=…;h1=…`
    /// (Paddle, `separator` `;`). With a `group_separator`, several such groups side by side, one per secret
    /// during a rotation: `t=…,v1=… t=…,v1=…` (Persona); they must carry the same timestamp.
    KeyValue { timestamp_key: String, signature_key: String, separator: String, group_separator: Option<String> },
    /// Space-separated `version,signature` items: `v1,… v1,…`.
    VersionedList { version: String },
}

/// The signatures (still encoded) and timestamp read from a signature header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedHeader {
    pub signatures: Vec<String>,
    pub timestamp: Option<String>,
    /// Items that carry another version or key (`v0=…` beside `v1=…`): not ours to check, but worth naming.
    pub ignored: Vec<String>,
}

impl Layout {
    /// The header value carrying `signatures` (one or more) signed at `timestamp`.
    pub fn format(&self, signatures: &[String], timestamp: &str) -> String {
        match self {
            Self::Bare => signatures.join(","),
            Self::Prefixed(prefix) => signatures.iter().map(|s| format!("{prefix}{s}")).collect::<Vec<_>>().join(","),
            Self::KeyValue { timestamp_key, signature_key, separator, group_separator: Some(groups) } => signatures
                .iter()
                .map(|s| format!("{timestamp_key}={timestamp}{separator}{signature_key}={s}"))
                .collect::<Vec<_>>()
                .join(groups),
            Self::KeyValue { timestamp_key, signature_key, separator, group_separator: None } => {
                std::iter::once(format!("{timestamp_key}={timestamp}"))
                    .chain(signatures.iter().map(|s| format!("{signature_key}={s}")))
                    .collect::<Vec<_>>()
                    .join(separator)
            }
            Self::VersionedList { version } => {
                signatures.iter().map(|s| format!("{version},{s}")).collect::<Vec<_>>().join(" ")
            }
        }
    }

    /// Whether the header carries several signatures side by side, as during a secret rotation (`v1=…,v1=…`).
    pub fn carries_several(&self) -> bool {
        matches!(self, Self::KeyValue { .. } | Self::VersionedList { .. })
    }

    /// The header's form around one signature described as `signature`, for "expected …" messages.
    pub fn expected(&self, signature: &str) -> String {
        match self {
            Self::Bare => signature.to_owned(),
            Self::Prefixed(prefix) => format!("`{prefix}` then {signature}"),
            Self::KeyValue { timestamp_key, signature_key, separator, .. } => {
                format!("`{timestamp_key}=<unix time>{separator}{signature_key}=<signature>` with {signature}")
            }
            Self::VersionedList { version } => format!("`{version},<signature>` with {signature}"),
        }
    }

    /// Reads a header value. The error says what was expected, for the verdict's "malformed" reason.
    pub fn parse(&self, value: &str) -> Result<ParsedHeader, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("the header is empty".into());
        }
        let mut parsed = ParsedHeader::default();
        match self {
            Self::Bare => parsed.signatures = split_list(value, ","),
            Self::Prefixed(prefix) => {
                for item in split_list(value, ",") {
                    match item.strip_prefix(prefix.as_str()) {
                        Some(signature) => parsed.signatures.push(signature.to_owned()),
                        None => parsed.ignored.push(item),
                    }
                }
                if parsed.signatures.is_empty() {
                    return Err(format!("expected `{prefix}<signature>`"));
                }
            }
            Self::KeyValue { timestamp_key, signature_key, separator, group_separator } => {
                let groups = match group_separator {
                    Some(groups) => value.split(groups.as_str()).map(str::trim).filter(|g| !g.is_empty()).collect(),
                    None => vec![value],
                };
                let items = groups.iter().flat_map(|group| split_list(group, separator));
                for item in items {
                    let Some((key, val)) = item.split_once('=') else {
                        return Err(format!(
                            "expected `{timestamp_key}=<time>{separator}{signature_key}=<signature>`, found `{item}`"
                        ));
                    };
                    if key == timestamp_key {
                        if parsed.timestamp.as_deref().is_some_and(|t| t != val) {
                            return Err(format!("the groups carry different timestamps (`{timestamp_key}=`)"));
                        }
                        parsed.timestamp = Some(val.to_owned());
                    } else if key == signature_key {
                        parsed.signatures.push(val.to_owned());
                    } else {
                        parsed.ignored.push(item.clone());
                    }
                }
                if parsed.timestamp.is_none() {
                    return Err(format!("no `{timestamp_key}=` timestamp in the header"));
                }
                if parsed.signatures.is_empty() {
                    return Err(format!("no `{signature_key}=` signature in the header"));
                }
            }
            Self::VersionedList { version } => {
                for item in split_list(value, " ") {
                    match item.split_once(',') {
                        Some((v, signature)) if v == version => parsed.signatures.push(signature.to_owned()),
                        Some(_) => parsed.ignored.push(item),
                        None => return Err(format!("expected `{version},<signature>`, found `{item}`")),
                    }
                }
                if parsed.signatures.is_empty() {
                    return Err(format!("no `{version},` signature in the header"));
                }
            }
        }
        Ok(parsed)
    }
}

fn split_list(value: &str, separator: &str) -> Vec<String> {
    value.split(separator).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_round_trip_with_several_signatures() {
        let layout = Layout::KeyValue {
            timestamp_key: "t".into(),
            signature_key: "v1".into(),
            separator: ",".into(),
            group_separator: None,
        };
        let value = layout.format(&["aa".into(), "bb".into()], "1700000000");
        assert_eq!(value, "t=1700000000,v1=aa,v1=bb");
        let parsed = layout.parse(&format!("{value},v0=cc")).expect("parses");
        assert_eq!(parsed.signatures, ["aa", "bb"]);
        assert_eq!(parsed.timestamp.as_deref(), Some("1700000000"));
        assert_eq!(parsed.ignored, ["v0=cc"]);
    }

    #[test]
    fn key_value_pairs_with_another_separator_and_in_groups() {
        let paddle = Layout::KeyValue {
            timestamp_key: "ts".into(),
            signature_key: "h1".into(),
            separator: ";".into(),
            group_separator: None,
        };
        let parsed = paddle.parse("ts=1698796800;h1=aa;h1=aa;h2=RANDOM_HASH").expect("parses");
        assert_eq!(
            (parsed.signatures, parsed.timestamp.as_deref()),
            (vec!["aa".into(), "aa".into()], Some("1698796800"))
        );
        assert_eq!(parsed.ignored, ["h2=RANDOM_HASH"]);
        assert_eq!(paddle.format(&["aa".into()], "5"), "ts=5;h1=aa");

        let persona = Layout::KeyValue {
            timestamp_key: "t".into(),
            signature_key: "v1".into(),
            separator: ",".into(),
            group_separator: Some(" ".into()),
        };
        let value = persona.format(&["aa".into(), "bb".into()], "7");
        assert_eq!(value, "t=7,v1=aa t=7,v1=bb");
        assert_eq!(persona.parse(&value).expect("parses").signatures, ["aa", "bb"]);
        let err = persona.parse("t=7,v1=aa t=8,v1=bb").expect_err("two timestamps");
        assert!(err.contains("different timestamps"), "{err}");
    }

    #[test]
    fn versioned_list_keeps_only_its_version() {
        let layout = Layout::VersionedList { version: "v1".into() };
        let parsed = layout.parse("v1a,zz v1,abc= v1,def=").expect("parses");
        assert_eq!(parsed.signatures, ["abc=", "def="]);
        assert_eq!(parsed.ignored, ["v1a,zz"]);
        assert!(layout.parse("abc").is_err());
        assert!(layout.parse("v2,abc").is_err());
    }

    #[test]
    fn prefixed_requires_its_prefix() {
        let layout = Layout::Prefixed("sha256=".into());
        assert_eq!(layout.parse("sha256=ab").expect("parses").signatures, ["ab"]);
        assert!(layout.parse("sha1=ab").is_err());
        assert!(Layout::Bare.parse("  ").is_err());
    }
}
