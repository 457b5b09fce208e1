//! A handwriting typeface's character as a person would write it with a pen: the font's ink at
//! a fixed size, thinned to its centre line and traced into strokes (spurs removed, smoothed),
//! giving the same [`Glyph`] a real writer's pen gives. The font stands for its writer.

use std::path::Path;

use ab_glyph::FontVec;

use crate::draw::trace::skeleton_strokes;
use crate::sets::typefaces::{Bitmap, Role, Typeface, rasterise, with_role};
use crate::sets::{Glyph, real_writers};

/// Pixels to the em the fonts are drawn at: a digit is some 50-70 px tall, and a handwriting
/// font's line 4-10 px wide, enough for thinning to find its centre.
pub const PX: f32 = 96.0;
/// Ink is where the font covers at least half a pixel.
const INK: f32 = 0.5;
/// Branches of at most this many pixels from a junction to a loose end are thinning's corners.
const SPUR: usize = 5;
/// Blank pixels around the ink, so that thinning sees its edges.
const MARGIN: usize = 2;

/// The characters taken from each font: the digits, and the letters not written like a digit
/// (as for the real writers' letters, `real_writers::DIGIT_SHAPED`).
pub fn characters() -> impl Iterator<Item = char> {
    ('0'..='9').chain(
        ('A'..='Z')
            .chain('a'..='z')
            .filter(|c| !real_writers::DIGIT_SHAPED.contains(c)),
    )
}

/// The `Glyph::source` of every typeface glyph: a type designer's, not a writer's hand.
pub const SOURCE: &str = "typeface";

/// `ch` written in `font`, in font pixels (y down, the baseline at 0); `None` when the font has
/// no ink for it.
pub fn glyph(font: &FontVec, face: &Typeface, ch: char) -> Option<Glyph> {
    let bitmap = rasterise(font, ch, PX)?;
    let strokes = centre_lines(&bitmap);
    (!strokes.is_empty()).then(|| Glyph {
        label: ch,
        writer: face.name.to_owned(),
        source: SOURCE.to_owned(),
        strokes,
    })
}

/// The bitmap's ink as pen strokes in its own pixel units, placed at its origin.
fn centre_lines(b: &Bitmap) -> Vec<Vec<[f32; 2]>> {
    let side = b.width.max(b.height) + 2 * MARGIN;
    let mut img = vec![false; side * side];
    for y in 0..b.height {
        for x in 0..b.width {
            img[(y + MARGIN) * side + x + MARGIN] = b.coverage[y * b.width + x] >= INK;
        }
    }
    let shift = [b.origin[0] - MARGIN as f32, b.origin[1] - MARGIN as f32];
    skeleton_strokes(&img, side, SPUR, 1.0)
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|[x, y]| [x + shift[0], y + shift[1]])
                .collect()
        })
        .collect()
}

/// Every character of [`characters`] that `face` has, written in it.
pub fn glyphs(font: &FontVec, face: &Typeface) -> Vec<Glyph> {
    characters().filter_map(|c| glyph(font, face, c)).collect()
}

/// Each font in `role`, read from `dir` (checked by its checksum), with its characters written
/// in it.
pub fn fonts(dir: &Path, role: Role) -> anyhow::Result<Vec<(&'static Typeface, Vec<Glyph>)>> {
    with_role(role)
        .map(|face| Ok((face, glyphs(&face.load(dir)?, face))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(side: usize, r0: f32, r1: f32) -> Bitmap {
        let c = side as f32 / 2.0;
        let coverage = (0..side * side)
            .map(|i| {
                let (x, y) = ((i % side) as f32 + 0.5 - c, (i / side) as f32 + 0.5 - c);
                let r = (x * x + y * y).sqrt();
                f32::from(u8::from((r0..r1).contains(&r)))
            })
            .collect();
        Bitmap {
            width: side,
            height: side,
            origin: [10.0, -60.0],
            coverage,
        }
    }

    #[test]
    fn a_thick_ring_is_one_closed_stroke_round_its_middle() {
        let strokes = centre_lines(&ring(60, 18.0, 26.0));
        assert_eq!(strokes.len(), 1, "{strokes:?}");
        let centre = [10.0 + 30.0, -60.0 + 30.0];
        for &[x, y] in &strokes[0] {
            let r = (x - centre[0]).hypot(y - centre[1]);
            assert!((19.0..25.0).contains(&r), "point at radius {r}");
        }
    }

    #[test]
    fn digits_come_first_and_digit_shaped_letters_are_left_out() {
        let chars: Vec<char> = characters().collect();
        assert_eq!(
            chars[..10],
            ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
        );
        assert!(chars.contains(&'A') && chars.contains(&'x'));
        assert!(!chars.contains(&'O') && !chars.contains(&'l') && !chars.contains(&'S'));
    }
}
