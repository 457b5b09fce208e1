//! The Hershey fonts' single-stroke glyphs (`trainer/data/hershey/*.jhf`, from Debian's
//! `hershey-fonts-data`; `scripts/hershey.sh` fetches them again): letters and symbols drawn as a
//! pen draws them, for the "not a digit" examples (`negatives`).
//!
//! The format, one glyph a record: a 5-character number, a 3-character count of coordinate
//! pairs, then the pairs as characters offset from `R` (the first pair is the glyph's left and
//! right edges; " R" lifts the pen). A record may run over several lines.

use digits::preprocess::Point;

/// The font files, with the SHA-256 of each as Debian ships it.
pub const FONTS: &[(&str, &str)] = &[
    (
        "futural",
        "4958a1d06ea04709feb530deaab53d1efa1285d0d3e92a4a3edd74d279871ced",
    ),
    (
        "scripts",
        "6b391b2ea3a0771cf18caff0ed111db3d05681fa586d423a740cc0b2b155a873",
    ),
    (
        "cursive",
        "9667a2c6424bc89f992738ff97de204a8580d92ef353e32b8014d9d7b106cd0b",
    ),
    (
        "japanese",
        "9935d0c696fb16d02c8929ccfe98ba3045fbd9416855a09aafbb3b98a58f0039",
    ),
    (
        "mathlow",
        "746f23a6dfd61adee3a33819e8d57df3a9f42421e5d2337b9ed0efa2d70e87a1",
    ),
    (
        "gothiceng",
        "2d7a62784906897ca3707ae73423c319295567efbf2c27825d3b72c28d00c061",
    ),
    (
        "music",
        "7bb7cbd44aa5f1612e1099a550f500aebc82baecec8be5f8753f6dce7e1da833",
    ),
    (
        "symbolic",
        "6bbac712b6dfa626afcfd9c5c2c2082e957c995cfa50d7174a3ca0c53d888851",
    ),
    (
        "greek",
        "827d2e1dc4f5a5a235efd7c78d30b559822a7c7f3984206c41d382bd14e2ce29",
    ),
    (
        "cyrillic",
        "0266865d94001fe26a642fbf20d2134de295dcfd2ca320d092b4d6476acda044",
    ),
    (
        "astrology",
        "15dd0008ad35fd253b9955fd4460eb3bec9b7354881bd39a0e12e87f2305692c",
    ),
];

/// One glyph: its strokes in font units (x right, y down).
pub type Glyph = Vec<Vec<Point>>;

/// Why a font file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for FontError {}

/// Every glyph of a `.jhf` file, in the file's order (for the ASCII fonts, glyph `i` is the
/// character `32 + i`).
pub fn parse(text: &str) -> Result<Vec<Glyph>, FontError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut glyphs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let line = lines[i];
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: String| FontError {
            line: start + 1,
            reason,
        };
        let count: usize = line
            .get(5..8)
            .and_then(|c| c.trim().parse().ok())
            .ok_or_else(|| err("no pair count in columns 6-8".into()))?;
        let mut payload = line.get(8..).unwrap_or("").to_owned();
        while payload.len() < 2 * count && i < lines.len() {
            payload.push_str(lines[i]);
            i += 1;
        }
        let bytes = payload.as_bytes();
        if count == 0 || bytes.len() < 2 * count {
            return Err(err(format!(
                "{count} pairs announced, {} characters found",
                bytes.len()
            )));
        }
        let mut strokes: Glyph = vec![Vec::new()];
        for pair in bytes[2..2 * count].chunks_exact(2) {
            if pair == b" R" {
                strokes.push(Vec::new());
                continue;
            }
            let at = |c: u8| f32::from(c) - f32::from(b'R');
            if let Some(stroke) = strokes.last_mut() {
                stroke.push([at(pair[0]), at(pair[1])]);
            }
        }
        strokes.retain(|s| !s.is_empty());
        glyphs.push(strokes);
    }
    Ok(glyphs)
}

/// The glyphs of the committed font `name` (one of [`FONTS`]).
pub fn font(name: &str) -> anyhow::Result<Vec<Glyph>> {
    use anyhow::Context;
    use sha2::Digest;
    let (_, sha) = FONTS
        .iter()
        .find(|(n, _)| *n == name)
        .with_context(|| format!("no Hershey font called {name:?}"))?;
    let path = crate::in_workspace(&format!("trainer/data/hershey/{name}.jhf"));
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "{}: cannot read the font; fetch it with scripts/hershey.sh",
            path.display()
        )
    })?;
    let digest = crate::sets::mnist::hex(&sha2::Sha256::digest(&bytes));
    anyhow::ensure!(
        digest == *sha,
        "{}: SHA-256 {digest}, not Debian's {sha}; fetch it again with scripts/hershey.sh",
        path.display()
    );
    let text = String::from_utf8_lossy(&bytes);
    parse(&text).with_context(|| path.display().to_string())
}

/// The glyphs of the ASCII characters `chars` in an ASCII-ordered font.
pub fn ascii(glyphs: &[Glyph], chars: &str) -> Vec<Glyph> {
    chars
        .bytes()
        .filter_map(|c| glyphs.get(usize::from(c.checked_sub(32)?)).cloned())
        .filter(|g| !g.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_across_lines_and_lift_the_pen() {
        // A plus sign: two strokes; the second record runs over two lines.
        let text = "12345  6E_RIR[ RIR[R\n12345  3E_IR\n[R\n";
        let glyphs = parse(text).unwrap();
        assert_eq!(glyphs.len(), 2);
        assert_eq!(
            glyphs[0],
            vec![vec![[0.0, -9.0], [0.0, 9.0]], vec![[-9.0, 0.0], [9.0, 0.0]]]
        );
        assert_eq!(glyphs[1], vec![vec![[-9.0, 0.0], [9.0, 0.0]]]);
    }

    #[test]
    fn a_short_record_is_an_error_that_says_where() {
        let err = parse("12345  6E_RIR\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.reason.contains("6 pairs"), "{err}");
    }

    #[test]
    fn every_committed_font_reads_with_its_checksum() {
        for (name, _) in FONTS {
            let glyphs = font(name).unwrap();
            // The ASCII fonts have a glyph for each of 96 characters; the Japanese one, kana
            // and a few kanji.
            let want = if *name == "japanese" { 193 } else { 96 };
            assert_eq!(glyphs.len(), want, "{name}");
        }
        let latin = font("futural").unwrap();
        assert_eq!(ascii(&latin, "AB").len(), 2);
    }
}
