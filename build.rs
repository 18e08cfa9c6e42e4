//! Embeds every file under `fixtures/` into the binary as a sorted table of `(path, bytes)`.
//!
//! The provider catalog is data; embedding the raw bytes (not parsed values) keeps start-up free of any
//! parsing: a provider file is read only when a command asks for that provider. A file of 4 KiB or more is
//! embedded deflated (GitHub's and Stripe's imported catalogs are most of the bytes) and inflated when read.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures");
    println!("cargo:rerun-if-changed=fixtures");

    let mut files = Vec::new();
    collect(&fixtures, &mut files);
    let relative = |path: &Path| {
        let rel = path.strip_prefix(&fixtures).expect("collected under fixtures/");
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    };
    // Sorted as the catalog searches the table: by the relative path as text (`standard-webhooks-v1a/…` comes
    // before `standard-webhooks/…`, which a sort by path components would reverse).
    files.sort_by_cached_key(|path| relative(path));

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let deflated = out_dir.join("deflated");
    fs::create_dir_all(&deflated).expect("create OUT_DIR/deflated");
    let mut out = String::from("/// (path, deflated, bytes)\npub static FILES: &[(&str, bool, &[u8])] = &[\n");
    for path in &files {
        let rel = relative(path);
        // Only provider folders are embedded; fixtures/README.md documents the format.
        if !rel.contains('/') {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = fs::read(path).expect("read a fixture file");
        if bytes.len() >= 4096 {
            let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&bytes).expect("deflate");
            let packed = deflated.join(rel.replace('/', "__"));
            fs::write(&packed, encoder.finish().expect("deflate")).expect("write a deflated file");
            writeln!(out, "    ({rel:?}, true, include_bytes!({:?})),", packed.display().to_string()).expect("write");
        } else {
            writeln!(out, "    ({rel:?}, false, include_bytes!({:?})),", path.display().to_string()).expect("write");
        }
    }
    out.push_str("];\n");
    let dest = out_dir.join("embedded_fixtures.rs");
    fs::write(dest, out).expect("write embedded_fixtures.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
