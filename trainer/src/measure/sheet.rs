//! Sets of digits as pictures (binary PGM, 28x28 a digit as the model sees it): to look at
//! what a model misreads.

use digits::model::NUM_CLASSES;
use digits::preprocess::SIDE;

use crate::sets::mnist::Dataset;

/// `set`'s images `rows` as a binary PGM `cols` images wide.
pub fn sheet(set: &Dataset, rows: &[Vec<usize>], cols: usize) -> Vec<u8> {
    let (w, h) = (cols * SIDE, rows.len() * SIDE);
    let mut img = vec![0u8; w * h];
    for (r, row) in rows.iter().enumerate() {
        for (c, &i) in row.iter().enumerate() {
            let src = set.images.image(i);
            for y in 0..SIDE {
                let at = (r * SIDE + y) * w + c * SIDE;
                img[at..at + SIDE].copy_from_slice(&src[y * SIDE..(y + 1) * SIDE]);
            }
        }
    }
    let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
    out.extend(img);
    out
}

/// The digits of `set` whose prediction is not their label, as a picture: one row per true
/// digit, ordered by what each was read as, and a line per row saying so.
pub fn misses_sheet(set: &Dataset, predictions: &[u8]) -> (Vec<u8>, String) {
    let mut rows = vec![Vec::new(); NUM_CLASSES];
    for (i, (&label, &pred)) in set.labels.iter().zip(predictions).enumerate() {
        if label != pred {
            rows[label as usize].push((pred, i));
        }
    }
    let mut legend = String::new();
    let rows: Vec<Vec<usize>> = rows
        .into_iter()
        .enumerate()
        .map(|(digit, mut row)| {
            row.sort();
            let read: String = row
                .iter()
                .map(|&(p, _)| char::from_digit(p.into(), 10).unwrap_or('X'))
                .collect();
            legend += &format!("{digit} read as: {read}\n");
            row.into_iter().map(|(_, i)| i).collect()
        })
        .collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    (sheet(set, &rows, cols), legend)
}

#[cfg(test)]
mod tests {
    use digits::model::INPUT_SIZE;

    use super::*;

    #[test]
    fn misses_go_on_their_digits_row_ordered_by_answer() {
        // Five images, each filled with its own grey, labels 3, 3, 1, 3, 0.
        let pixels: Vec<u8> = (0..5u8).flat_map(|i| [10 + i; INPUT_SIZE]).collect();
        let set = Dataset::from_pixels(pixels, vec![3, 3, 1, 3, 0]);
        let (pgm, legend) = misses_sheet(&set, &[10, 3, 7, 2, 0]);
        let lines: Vec<&str> = legend.lines().collect();
        assert_eq!(lines.len(), NUM_CLASSES);
        assert_eq!(lines[1], "1 read as: 7");
        assert_eq!(lines[3], "3 read as: 2X");
        assert_eq!(lines[0], "0 read as: ");
        // Two columns (row 3 has two misses), ten rows.
        let header = format!("P5\n{} {}\n255\n", 2 * SIDE, NUM_CLASSES * SIDE);
        assert!(pgm.starts_with(header.as_bytes()));
        let img = &pgm[header.len()..];
        let at = |row: usize, col: usize| img[row * SIDE * 2 * SIDE + col * SIDE];
        // Row 3: the image read as 2 (#3), then the one turned away (#0); row 1: #2.
        assert_eq!((at(3, 0), at(3, 1), at(1, 0), at(1, 1)), (13, 10, 12, 0));
    }
}
