//! UCI's pen-based digits with their original pen trajectories (Alpaydin and Alimoglu, 1998):
//! 30 writers to train on, 14 others that choose the recipe (the real-writer validation set).
//! The files are UNIPEN text; tablet coordinates with y growing upward.

use std::path::{Path, PathBuf};

use super::{Glyph, malformed, read_verified};
use crate::sets::idx::DataError;

/// The environment variable naming the folder, after `--pendigits`.
pub const ENV: &str = "PENDIGITS_DIR";

/// The two files, with the SHA-256 of their contents (`shared/data/pendigits/SOURCE.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `pendigits-orig.tra`: 7,494 digits by 30 writers.
    Train,
    /// `pendigits-orig.tes`: 3,498 digits by 14 other writers.
    Validation,
}

impl Part {
    pub fn file(self) -> &'static str {
        match self {
            Part::Train => "pendigits-orig.tra",
            Part::Validation => "pendigits-orig.tes",
        }
    }

    pub fn sha256(self) -> &'static str {
        match self {
            Part::Train => "a66225d68d7d68591e62944df1ad33b3f5aa608e2df2505844b41f5568a80da4",
            Part::Validation => "ddb1c19e277a56c7ffe682cc024d6ab73696f9adcc1643ef9ed5aa753007e081",
        }
    }
}

/// Where to get the files when they are missing.
pub const HINT: &str = "Get pendigits-orig.tra and pendigits-orig.tes (UCI Machine Learning \
    Repository, \"Pen-Based Recognition of Handwritten Digits\", dataset 81: the original, \
    unnormalised files in pendigits-orig.tra.Z / .tes.Z, decompressed) into this folder, or \
    point --pendigits or $PENDIGITS_DIR at them";

/// The folder: `explicit`, then `$PENDIGITS_DIR`, then `shared/data/pendigits` beside the checkout.
pub fn resolve_dir(explicit: Option<&Path>) -> PathBuf {
    super::resolve_dir(explicit, ENV, "pendigits")
}

/// One part's glyphs, checked against its published checksum.
pub fn load(dir: &Path, part: Part) -> Result<Vec<Glyph>, DataError> {
    let bytes = read_verified(dir, part.file(), part.sha256(), HINT)?;
    let path = dir.join(part.file());
    let text = std::str::from_utf8(&bytes).map_err(|e| DataError::Format {
        path: path.clone(),
        message: format!("not text: {e}"),
    })?;
    parse(&path, text)
}

/// Parses UNIPEN text as pendigits writes it: `.SEGMENT DIGIT <n> ? "<label>"`, `.COMMENT
/// <label> <writer> <index>`, then `.PEN_DOWN`, one `x y` pair a line, `.PEN_UP` for each
/// stroke. y is flipped to grow downward. Other keywords (`.DT`, `.INCLUDE`, ...) are skipped.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Glyph>, DataError> {
    let file = path
        .file_name()
        .map_or("pendigits".into(), |f| f.to_string_lossy());
    let mut glyphs: Vec<Glyph> = Vec::new();
    let mut pen_down = false;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let keyword = words.next().unwrap_or_default();
        match keyword {
            ".SEGMENT" => {
                if pen_down {
                    return Err(malformed(path, n, ".SEGMENT inside a stroke (no .PEN_UP)"));
                }
                let label = line
                    .split('"')
                    .nth(1)
                    .and_then(|l| {
                        let mut c = l.chars();
                        c.next().filter(|_| c.next().is_none())
                    })
                    .filter(char::is_ascii_digit)
                    .ok_or_else(|| {
                        malformed(path, n, "a .SEGMENT's label is not one digit in quotes")
                    })?;
                glyphs.push(Glyph {
                    label,
                    writer: String::new(),
                    source: "pendigits".to_owned(),
                    strokes: Vec::new(),
                });
            }
            ".COMMENT" => {
                let glyph = glyphs
                    .last_mut()
                    .ok_or_else(|| malformed(path, n, ".COMMENT before any .SEGMENT"))?;
                let writer = words.nth(1).ok_or_else(|| {
                    malformed(path, n, ".COMMENT should say <label> <writer> <index>")
                })?;
                // Each file numbers its own writers from 1: the file is part of the name.
                glyph.writer = format!("{file}/{writer}");
            }
            ".PEN_DOWN" => {
                let glyph = glyphs
                    .last_mut()
                    .ok_or_else(|| malformed(path, n, ".PEN_DOWN before any .SEGMENT"))?;
                if pen_down {
                    return Err(malformed(path, n, ".PEN_DOWN twice without .PEN_UP"));
                }
                glyph.strokes.push(Vec::new());
                pen_down = true;
            }
            ".PEN_UP" => {
                if !pen_down {
                    return Err(malformed(path, n, ".PEN_UP without .PEN_DOWN"));
                }
                pen_down = false;
            }
            k if k.starts_with('.') => {}
            _ => {
                if !pen_down {
                    return Err(malformed(path, n, "a point outside .PEN_DOWN/.PEN_UP"));
                }
                let xy: Vec<f32> = line
                    .split_whitespace()
                    .map(str::parse::<f32>)
                    .collect::<Result<_, _>>()
                    .ok()
                    .filter(|v: &Vec<f32>| v.len() == 2 && v.iter().all(|c| c.is_finite()))
                    .ok_or_else(|| malformed(path, n, format!("{line:?} is not an `x y` pair")))?;
                let stroke = glyphs
                    .last_mut()
                    .and_then(|g| g.strokes.last_mut())
                    .expect("pen_down implies a stroke");
                stroke.push([xy[0], -xy[1]]);
            }
        }
    }
    if pen_down {
        return Err(malformed(
            path,
            text.lines().count(),
            "the file ends inside a stroke",
        ));
    }
    for (i, g) in glyphs.iter().enumerate() {
        if g.writer.is_empty() {
            return Err(DataError::Format {
                path: path.to_owned(),
                message: format!("digit #{i} has no .COMMENT naming its writer"),
            });
        }
    }
    glyphs
        .iter_mut()
        .for_each(|g| g.strokes.retain(|s| !s.is_empty()));
    glyphs.retain(|g| !g.strokes.is_empty());
    Ok(glyphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = ".INCLUDE x.doc\n.LEXICON \"0\" \"1\"\n\n\
        .SEGMENT DIGIT 0 ? \"7\"\n.COMMENT 7 3 1\n.PEN_DOWN\n 10 100\n 50 100\n 20 0\n.PEN_UP\n.DT 100\n\n\
        .SEGMENT DIGIT 1 ? \"4\"\n.COMMENT 4 5 2\n.PEN_DOWN\n 0 100\n 0 50\n 40 50\n.PEN_UP\n.PEN_DOWN\n 30 100\n 30 0\n.PEN_UP\n";

    #[test]
    fn reads_labels_writers_and_strokes_with_y_flipped() {
        let g = parse(Path::new("d/t.tes"), TWO).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].label, g[0].writer.as_str()), ('7', "t.tes/3"));
        assert_eq!(
            g[0].strokes,
            vec![vec![[10.0, -100.0], [50.0, -100.0], [20.0, 0.0]]]
        );
        assert_eq!(g[1].digit(), Some(4));
        assert_eq!(g[1].strokes.len(), 2);
    }

    #[test]
    fn damage_is_named_with_its_line() {
        for (text, needle) in [
            (".SEGMENT DIGIT 0 ? \"x\"\n", "line 1: a .SEGMENT's label"),
            (
                ".SEGMENT DIGIT 0 ? \"1\"\n.COMMENT 1 2 3\n 1 2\n",
                "line 3: a point outside",
            ),
            (
                ".SEGMENT DIGIT 0 ? \"1\"\n.COMMENT 1 2 3\n.PEN_DOWN\n 1 two\n",
                "line 4: \"1 two\"",
            ),
            (
                ".SEGMENT DIGIT 0 ? \"1\"\n.COMMENT 1 2 3\n.PEN_DOWN\n 1 2\n",
                "ends inside a stroke",
            ),
            (
                ".SEGMENT DIGIT 0 ? \"1\"\n.PEN_DOWN\n 1 2\n.PEN_UP\n",
                "no .COMMENT",
            ),
        ] {
            let e = parse(Path::new("f.tra"), text).unwrap_err().to_string();
            assert!(e.contains(needle) && e.starts_with("f.tra"), "{e}");
        }
    }

    #[test]
    fn missing_and_altered_files_are_refused_with_where_to_get_them() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), Part::Train).unwrap_err().to_string();
        assert!(
            e.contains("pendigits-orig.tra: not found") && e.contains("UCI"),
            "{e}"
        );
        std::fs::write(dir.path().join(Part::Validation.file()), TWO).unwrap();
        let e = load(dir.path(), Part::Validation).unwrap_err().to_string();
        assert!(e.contains("checksum mismatch") && e.contains("UCI"), "{e}");
    }
}
