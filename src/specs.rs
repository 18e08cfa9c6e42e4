//! Which fixtures an EVENT argument names: one rule for `send` and `replay --fixtures`.
//!
//! `EVENT` is the event's default fixture, `EVENT:VARIANT` one variant, `EVENT:*` all its variants, and a glob
//! over events (`*`, `payment.*`) every variant of every matching event — so `*` is the whole catalog, as
//! `hookctl fixtures PROVIDER` lists it. A glob with a `:` matches variants too (`verification.*:doc_*`); an
//! event without variants counts as having one empty variant, which `*` matches.

use crate::error::Error;
use crate::provider::Provider;

/// The fixtures `spec` names, as `event` or `event:variant`, in catalog order.
pub fn matching(provider: &Provider, spec: &str) -> Result<Vec<String>, Error> {
    if !is_glob(spec) {
        provider.event_variant(spec)?;
        return Ok(vec![spec.to_owned()]);
    }
    // Event names never contain `:` (Shopify topics contain `/`): the last `:` starts the variant.
    let (event_glob, variant_glob) = match spec.rsplit_once(':') {
        Some((event, variant)) => (event, Some(variant)),
        None => (spec, None),
    };
    // `EVENT:*` with a plain event name: an unknown name is a typo worth a did-you-mean.
    if !is_glob(event_glob) {
        provider.event(event_glob)?;
    }
    let events = crate::command::glob("EVENT", event_glob)?;
    let variants = variant_glob.map(|glob| crate::command::glob("EVENT", glob)).transpose()?;
    let mut matched = Vec::new();
    for event in provider.events.iter().filter(|e| events.is_match(&e.name)) {
        match (event.variants.as_slice(), &variants) {
            ([], Some(glob)) if !glob.is_match("") => {}
            ([], _) => matched.push(event.name.clone()),
            (all, glob) => matched.extend(
                all.iter()
                    .filter(|v| glob.as_ref().is_none_or(|g| g.is_match(v)))
                    .map(|v| format!("{}:{v}", event.name)),
            ),
        }
    }
    if matched.is_empty() {
        return Err(Error::usage(
            format!("no {} event matches `{spec}`", provider.name),
            Some(format!("`hookctl fixtures {}` lists them", provider.name)),
        ));
    }
    Ok(matched)
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(spec: &str) -> Vec<String> {
        let provider = crate::provider::Catalog::builtin().get("verifynow").expect("built in");
        matching(&provider, spec).expect("matches")
    }

    #[test]
    fn one_rule_for_events_variants_and_globs() {
        assert_eq!(names("verification.failed"), ["verification.failed"]);
        assert_eq!(names("verification.failed:underage"), ["verification.failed:underage"]);
        assert_eq!(names("verification.failed:*").len(), 9);
        assert_eq!(names("*").len(), 13);
        assert_eq!(names("*:*").len(), 13);
        assert_eq!(names("verification.f*").len(), 9);
        assert_eq!(names("*:doc_*"), ["verification.failed:doc_expired", "verification.failed:doc_invalid"]);
        let provider = crate::provider::Catalog::builtin().get("verifynow").expect("built in");
        assert!(matching(&provider, "verification.faild:*").is_err());
        assert!(matching(&provider, "nothing.*").is_err());
    }
}
