//! "Did you mean": the closest known name to a mistyped one.

/// The candidate closest to `input`, when one is close enough to be a likely typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&input.to_lowercase(), &candidate.to_lowercase()), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let names = ["payvost", "payqi", "stripe", "github"];
        assert_eq!(closest("payvst", names).as_deref(), Some("payvost"));
        assert_eq!(closest("Stripe", names).as_deref(), Some("stripe"));
        assert_eq!(
            closest("payment.succeded", ["payment.succeeded", "payment.failed"]).as_deref(),
            Some("payment.succeeded")
        );
        assert_eq!(closest("zzz", names), None);
    }
}
