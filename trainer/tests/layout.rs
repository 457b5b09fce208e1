//! The trainer's folders are the stages of its pipeline, and each reads only the ones before
//! it (see `src/lib.rs`): a file that reaches forward (a set that knows about training, a
//! measurement that knows about the card) fails here, naming the file and what it reached.

use std::fs;
use std::path::{Path, PathBuf};

/// The stages in pipeline order; the helpers first, since any stage may use them.
const ORDER: &[&str] = &[
    "files", "terminal", "sets", "draw", "learn", "measure", "store", "run", "cli",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The stage a file belongs to: its folder under `src/`, or its own name at the top.
fn stage_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The crate's top-level modules `code` names through `crate::`, inside `use crate::{...}`
/// groups too.
fn reached(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(head(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            out.push(head(&group[start..end]));
        } else {
            out.push(head(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

fn head(path: &str) -> String {
    path.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn each_stage_reads_only_the_stages_before_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let stage = stage_of(&src, file);
        let Some(own) = ORDER.iter().position(|s| *s == stage) else {
            // lib.rs declares the stages; main.rs is the top and may use them all.
            assert!(
                stage == "lib" || stage == "main",
                "{}: not in a known stage; add its folder to ORDER",
                file.display()
            );
            continue;
        };
        checked += 1;
        let text = fs::read_to_string(file).unwrap();
        // Unit tests may build what they need from anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for module in reached(code) {
            if let Some(theirs) = ORDER.iter().position(|s| *s == module)
                && theirs > own
            {
                wrong.push(format!("{} ({stage}) uses {module}", file.display()));
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} files found under {}",
        src.display()
    );
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn reached_reads_paths_and_groups() {
    let code = "use crate::sets::mnist::Dataset;\nuse crate::{draw::pen, store::{export, plots}};\nlet x = crate::learn::train::train();";
    assert_eq!(reached(code), ["sets", "draw", "store", "learn"]);
}
