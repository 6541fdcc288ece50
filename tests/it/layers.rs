//! The import rules of `docs/architecture.md`, checked on the source so that a change that
//! crosses a layer fails here rather than in review:
//!
//! - redb only in `src/db/`;
//! - poem (and poem-openapi) only in `src/web/`;
//! - the image crates (image, jpeg-decoder, jpeg-encoder, fast_image_resize, png, ab_glyph)
//!   only in `src/media/`;
//! - reqwest, hmac and sha2 only in `src/payments/` (the provider's HTTP and signatures);
//! - `src/domain/` uses no other module of the project.
//!
//! Comments are skipped; a crate counts as used where its name stands as a path (`redb::`)
//! or in a `use` line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line, without its comment.
fn code(line: &str) -> &str {
    let line = line.trim_start();
    if line.starts_with("//") {
        return "";
    }
    line.split(" // ").next().unwrap_or(line)
}

/// Whether `code` names `krate` as a path or imports it.
fn uses(code: &str, krate: &str) -> bool {
    let path = format!("{krate}::");
    let as_path = code
        .match_indices(&path)
        .any(|(i, _)| !code[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':'));
    as_path || code.starts_with(&format!("use {krate}")) || code.starts_with(&format!("pub use {krate}"))
}

/// Every (file, line number, line) outside `allowed` (a folder under `src/`) that uses one
/// of `crates`.
fn uses_outside(crates: &[&str], allowed: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(src.join(allowed))) {
        for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            if crates.iter().any(|k| uses(code(line), k)) {
                found.push(format!("{}:{}: {}", f.strip_prefix(&src).unwrap().display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn each_outside_crate_stays_in_its_layer() {
    let rules: [(&[&str], &str); 4] = [
        (&["redb"], "db"),
        (&["poem", "poem_openapi"], "web"),
        (
            &[
                "image",
                "jpeg_decoder",
                "jpeg_encoder",
                "fast_image_resize",
                "png",
                "ab_glyph",
                "img_parts",
                "exif",
            ],
            "media",
        ),
        // The payment provider's HTTP client and its signature scheme.
        (&["reqwest", "hmac", "sha2"], "payments"),
    ];
    let mut broken = Vec::new();
    for (crates, home) in rules {
        for hit in uses_outside(crates, home) {
            broken.push(format!("{} belongs in src/{home}/ only: {hit}", crates.join("/")));
        }
    }
    assert!(broken.is_empty(), "layer rules broken:\n{}", broken.join("\n"));
}

#[test]
fn domain_uses_no_other_module() {
    let domain = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let mut files = Vec::new();
    rust_files(&domain, &mut files);
    let mut broken = Vec::new();
    for f in &files {
        for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let c = code(line);
            let outside = c.match_indices("crate::").any(|(i, _)| !c[i..].starts_with("crate::domain"))
                || c.contains("super::super");
            if outside {
                broken.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(broken.is_empty(), "domain/ must not use other modules:\n{}", broken.join("\n"));
}

/// Paths into the project's own modules that a layer must not take (`crate::<module>`).
#[test]
fn layers_call_downwards_only() {
    let rules: [(&str, &[&str]); 6] = [
        // The web layer reaches data only through the app's use cases.
        ("web", &["db", "blobs", "jobs", "mail"]),
        ("app", &["web"]),
        // Workers run storage work and the app's composers, never use cases.
        ("jobs", &["app", "web", "config"]),
        ("mail", &["config", "app", "web", "db"]),
        ("db", &["app", "web", "blobs", "jobs", "mail", "media", "config"]),
        // The provider knows HTTP and signatures, nothing of the store or the pages.
        ("payments", &["app", "web", "db", "blobs", "jobs", "mail", "media", "config"]),
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (layer, banned) in rules {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        for f in &files {
            for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
                let c = code(line);
                for b in banned {
                    let grouped = c.trim_start().starts_with(&format!("{b}::"))
                        || c.trim_start().starts_with(&format!("{b},"));
                    if c.contains(&format!("crate::{b}::"))
                        || c.contains(&format!("crate::{b};"))
                        || (grouped && in_crate_use(f, n))
                    {
                        broken.push(format!(
                            "src/{layer}/ uses {b}: {}:{}: {}",
                            f.display(),
                            n + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "layers must call downwards only:\n{}", broken.join("\n"));
}

/// Whether line `n` of `f` is inside a `use crate::{ … }` group.
fn in_crate_use(f: &Path, n: usize) -> bool {
    let text = std::fs::read_to_string(f).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for l in lines[..n].iter().rev() {
        if l.starts_with("use crate::{") {
            return true;
        }
        if l.starts_with("use ") || l.starts_with("};") || l.is_empty() {
            return false;
        }
    }
    false
}

#[test]
fn the_checker_sees_what_it_looks_for() {
    assert!(uses("let t = redb::TableDefinition::new(\"x\");", "redb"));
    assert!(uses("use redb::ReadableTable;", "redb"));
    assert!(uses("use image::{DynamicImage, ImageDecoder};", "image"));
    assert!(!uses("watermark::studio_image(&bytes)", "image"), "a longer name is not the crate");
    assert!(!uses("crate::media::image::x", "image"), "a module path is not the crate");
    assert_eq!(code("// uses redb::Table"), "");
    assert!(!uses(code("let p = dir.join(\"proofroom.redb\"); // redb::"), "redb"));
}
