//! Every committed fuzz corpus file (fuzz/corpus/TARGET/*), replayed through its target on stable: the inputs
//! the fuzzers found interesting, and every crash they ever found (kept as regressions), stay covered by
//! `cargo test`.

#[path = "../fuzz/targets.rs"]
mod targets;

#[test]
fn every_corpus_input_runs_through_its_target() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, target) in targets::TARGETS {
        let dir = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{name} has a corpus");
        for input in inputs {
            let data = std::fs::read(&input).expect("readable");
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panics on {}", input.display());
        }
    }
}
