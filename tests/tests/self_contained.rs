//! A plain clone stands on its own: no test, example, script or doc command
//! reads a path outside the repository (such as a `../shared` beside it).
//! Every string literal in the project's code that climbs with `../` must
//! land inside the repository, resolved from the file's folder (as
//! `include_str!` and Node's `path.resolve` do from there) or from the
//! crate or package folder (as `CARGO_MANIFEST_DIR` joins do).

use std::path::{Component, Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The project's own code and commands (not node_modules, not target).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "node_modules" | "target" | "dist" | ".git" | "artifacts" | "bindings") {
                files(&path, out);
            }
        } else if ["rs", "mjs", "js", "ts", "tsx", "sh", "py"].iter().any(|e| name.ends_with(&format!(".{e}")))
            || matches!(name.as_str(), "Makefile" | "run" | "install-deps")
        {
            out.push(path);
        }
    }
}

/// `base` joined with `rel`, `..` applied lexically.
fn normalise(base: &Path, rel: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

/// The nearest folder at or above `dir` with a Cargo.toml or package.json.
fn package_dir(dir: &Path, repo: &Path) -> PathBuf {
    let mut d = dir.to_path_buf();
    while d.starts_with(repo) {
        if d.join("Cargo.toml").exists() || d.join("package.json").exists() {
            return d;
        }
        d.pop();
    }
    repo.to_path_buf()
}

/// The `../…` runs inside string literals of one line.
fn climbing_literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\'', '`'] {
        let parts: Vec<&str> = line.split(quote).collect();
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && part.contains("../") {
                let start = part.find("../").unwrap();
                // From the first `../` (a literal like "/../../x" counts from there).
                out.push(part[start..].to_owned());
            }
        }
    }
    out
}

#[test]
fn nothing_reads_a_path_outside_the_repository() {
    let repo = repo();
    let mut all = Vec::new();
    for top in ["crates", "src-tauri", "tests", "benches", "scripts", "examples", "ui", ".ci"] {
        if repo.join(top).is_dir() {
            files(&repo.join(top), &mut all);
        }
    }
    all.push(repo.join("Makefile"));
    assert!(all.len() > 100, "the scan found the project's files ({})", all.len());

    let mut outside = Vec::new();
    // This file quotes the bad paths on purpose (its own self-test).
    for file in all.iter().filter(|f| !f.ends_with("tests/tests/self_contained.rs")) {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let dir = file.parent().unwrap();
        let pkg = package_dir(dir, &repo);
        for (n, line) in text.lines().enumerate() {
            if line.contains("shared/data") {
                outside.push(format!("{}:{}: mentions shared/data", file.strip_prefix(&repo).unwrap().display(), n + 1));
            }
            for lit in climbing_literals(line) {
                let inside = [dir, pkg.as_path(), repo.as_path()].iter().any(|b| normalise(b, &lit).starts_with(&repo));
                if !inside {
                    outside.push(format!("{}:{}: {lit}", file.strip_prefix(&repo).unwrap().display(), n + 1));
                }
            }
        }
    }
    assert!(outside.is_empty(), "paths outside the repository:\n{}", outside.join("\n"));
}

#[test]
fn the_check_catches_what_it_is_for() {
    let repo = repo();
    let tests_dir = repo.join("crates/cli/tests");
    let pkg = package_dir(&tests_dir, &repo);
    assert_eq!(pkg, repo.join("crates/cli"));
    let lits = climbing_literals(r#"    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(name)"#);
    assert_eq!(lits, ["../../../shared/data"]);
    assert!(!normalise(&pkg, &lits[0]).starts_with(&repo), "three levels up from a crate leaves the repository");
    assert!(normalise(&pkg, "../../tests/data").starts_with(&repo));
    assert_eq!(climbing_literals(r#"concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/x.csv")"#), ["../../tests/data/x.csv"]);
}
