//! The UNIPEN on-line handwriting corpus (train_r01_v07), training group: isolated digits
//! (category 1a) and letters (1b, 1c) by writers at many sites, one glyph per line of JSON as
//! pen strokes (the team's conversion, described in `shared/data/unipen/SOURCE.txt`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Glyph, malformed, read_verified};
use crate::sets::idx::DataError;

/// The environment variable naming the folder, after `--unipen`.
pub const ENV: &str = "UNIPEN_DIR";

/// The two files, with the SHA-256 of their decompressed contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `digits.jsonl.gz`: 10,014 digits by 175 writers.
    Digits,
    /// `letters.jsonl.gz`: 55,266 upper- and lower-case letters by 209 writers.
    Letters,
}

impl Part {
    pub fn file(self) -> &'static str {
        match self {
            Part::Digits => "digits.jsonl.gz",
            Part::Letters => "letters.jsonl.gz",
        }
    }

    pub fn sha256(self) -> &'static str {
        match self {
            Part::Digits => "e9f91556168d12f4cd8d472662738fd049899316e3f1178f3efd3db02f8ccf5d",
            Part::Letters => "892db3c28a4da749a9891c2afa05d6436b9ee0d2465aca1f258cf0b2509cd757",
        }
    }
}

/// Where to get the files when they are missing.
pub const HINT: &str = "Get the UNIPEN train_r01_v07 corpus (Zenodo, doi:10.5281/zenodo.1195803) \
    and write its isolated digits (1a) and letters (1b, 1c) as digits.jsonl.gz and \
    letters.jsonl.gz, one glyph a line: {\"id\", \"source\", \"writer\", \"writer_id\", \
    \"label\", \"strokes\": [[[x, y], ...], ...]} with y growing down (the format in \
    shared/data/unipen/SOURCE.txt); or point --unipen or $UNIPEN_DIR at them";

/// The folder: `explicit`, then `$UNIPEN_DIR`, then `shared/data/unipen` beside the checkout.
pub fn resolve_dir(explicit: Option<&Path>) -> PathBuf {
    super::resolve_dir(explicit, ENV, "unipen")
}

/// One part's glyphs, checked against its published checksum.
pub fn load(dir: &Path, part: Part) -> Result<Vec<Glyph>, DataError> {
    let bytes = read_verified(dir, part.file(), part.sha256(), HINT)?;
    parse(&dir.join(part.file()), &bytes, part)
}

#[derive(Deserialize)]
struct Line {
    source: String,
    writer_id: String,
    label: String,
    strokes: Vec<Vec<[f32; 2]>>,
}

/// Parses one glyph a line; a label must be one character of the part's kind (a digit, or a
/// letter), and every coordinate finite.
pub fn parse(path: &Path, bytes: &[u8], part: Part) -> Result<Vec<Glyph>, DataError> {
    let text = std::str::from_utf8(bytes).map_err(|e| DataError::Format {
        path: path.to_owned(),
        message: format!("not text: {e}"),
    })?;
    let mut glyphs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(line).map_err(|e| malformed(path, n, format!("{e}")))?;
        let mut chars = l.label.chars();
        let label = match (chars.next(), chars.next()) {
            (Some(c), None) if fits(part, c) => c,
            _ => {
                let kind = match part {
                    Part::Digits => "a digit",
                    Part::Letters => "a letter",
                };
                return Err(malformed(
                    path,
                    n,
                    format!("label {:?} is not {kind}", l.label),
                ));
            }
        };
        if l.strokes.iter().flatten().flatten().any(|v| !v.is_finite()) {
            return Err(malformed(path, n, "a coordinate is not a finite number"));
        }
        let strokes: Vec<_> = l.strokes.into_iter().filter(|s| !s.is_empty()).collect();
        if strokes.is_empty() {
            return Err(malformed(path, n, "no pen strokes"));
        }
        glyphs.push(Glyph {
            label,
            writer: l.writer_id,
            source: l.source,
            strokes,
        });
    }
    Ok(glyphs)
}

fn fits(part: Part, c: char) -> bool {
    match part {
        Part::Digits => c.is_ascii_digit(),
        Part::Letters => c.is_ascii_alphabetic(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const TWO: &str = concat!(
        r#"{"id":"1a/x/w/0","source":"x","writer":"x/w","writer_id":"x/p","label":"1","strokes":[[[0.5,0.15],[0.5,0.85]]]}"#,
        "\n",
        r#"{"id":"1a/y/v/3","source":"y","writer":"y/v","writer_id":"y/q","label":"7","strokes":[[[0.2,0.2],[0.8,0.2],[0.4,0.85]],[[0.3,0.5],[0.6,0.5]]]}"#,
        "\n"
    );

    #[test]
    fn reads_one_glyph_a_line() {
        let g = parse(Path::new("d"), TWO.as_bytes(), Part::Digits).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[1].label, g[1].writer.as_str(), g[1].source.as_str()),
            ('7', "y/q", "y")
        );
        assert_eq!(g[1].strokes[1], vec![[0.3, 0.5], [0.6, 0.5]]);
    }

    #[test]
    fn damage_is_named_with_its_line() {
        let e = parse(Path::new("d"), TWO.as_bytes(), Part::Letters).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 1: label \"1\" is not a letter"),
            "{e}"
        );
        let cut = &TWO[..TWO.len() - 20];
        let e = parse(Path::new("d"), cut.as_bytes(), Part::Digits).unwrap_err();
        assert!(e.to_string().starts_with("d: line 2:"), "{e}");
        let empty = r#"{"source":"x","writer_id":"x/p","label":"a","strokes":[[]]}"#;
        let e = parse(Path::new("l"), empty.as_bytes(), Part::Letters).unwrap_err();
        assert!(e.to_string().contains("line 1: no pen strokes"), "{e}");
    }

    #[test]
    fn missing_damaged_and_altered_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), Part::Digits).unwrap_err().to_string();
        assert!(
            e.contains("digits.jsonl.gz: not found") && e.contains("Zenodo"),
            "{e}"
        );
        // A gzip stream cut short.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(TWO.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let path = dir.path().join(Part::Digits.file());
        std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
        let e = load(dir.path(), Part::Digits).unwrap_err().to_string();
        assert!(e.contains("corrupt gzip"), "{e}");
        std::fs::write(&path, &gz).unwrap();
        let e = load(dir.path(), Part::Digits).unwrap_err().to_string();
        assert!(
            e.contains("checksum mismatch") && e.contains("Zenodo"),
            "{e}"
        );
    }
}
