//! Segmenting a number's strokes into digits (`digits::segment`) must leave a single digit
//! whole: every held-out style drawing is one segment (two-stroke 4s, crossed 7s, 1s with a foot
//! and flag, 8s drawn as a 6 and a stroke among them), and so is nearly every test digit of the
//! fixture traced into strokes. A scan's speck far from its digit (one 7 of the 1,000, with a
//! dot well to its right) may stay apart: a pen on the pad makes no specks.

mod common;

use digits::segment::segment;

#[test]
fn no_held_out_style_drawing_is_split() {
    let split: Vec<_> = trainer::measure::styles::drawings()
        .into_iter()
        .filter(|d| segment(&d.strokes).len() != 1)
        .map(|d| trainer::measure::styles::STYLES[d.style].name)
        .collect();
    assert!(split.is_empty(), "{} split: {split:?}", split.len());
}

#[test]
fn at_most_two_in_a_thousand_traced_test_digits_are_split() {
    let fixture = common::fixture();
    let split: Vec<(usize, u8, usize)> = (0..fixture.len())
        .filter_map(|i| {
            let strokes = trainer::draw::trace::strokes_of(fixture.images.image(i));
            let n = segment(&strokes).len();
            (n > 1).then_some((i, fixture.labels[i], n))
        })
        .collect();
    assert!(
        split.len() <= 2,
        "{} of {} split (index, label, parts): {split:?}",
        split.len(),
        fixture.len()
    );
}
