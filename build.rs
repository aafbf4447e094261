//! Build script: a fingerprint of the Rust source, so that an incremental
//! build (`.gongkai-inputs`) notices a changed rule or computation even when
//! the version number did not change. Templates, profiles and catalogues are
//! hashed at run time from what the session actually uses.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    // SipHash with fixed keys: stable for a given toolchain, which is all a
    // fingerprint of one build needs.
    let mut h = std::hash::DefaultHasher::new();
    for f in &files {
        f.hash(&mut h);
        std::fs::read(f).expect("source file readable").hash(&mut h);
    }
    println!("cargo:rustc-env=GONGKAI_SOURCE_FINGERPRINT={:016x}", h.finish());
    println!("cargo:rerun-if-changed=src");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
