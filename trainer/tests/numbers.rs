//! Reading whole numbers the page's way (`digits::segment::digit_images`, one batch through the
//! model): the number the e2e tests draw, and the whole-number generator on the fixture's
//! digits.

mod common;

use burn::prelude::*;
use digits::classifier::{Classifier, top};
use digits::preprocess::Strokes;
use digits::segment::digit_images;
use serde::Deserialize;
use trainer::export::{ModelCard, Stored};
use trainer::numbers::{LENGTHS, PER_LENGTH, evaluate_numbers, numbers};

#[allow(deprecated)]
fn cpu() -> Device {
    Device::ndarray()
}

#[derive(Deserialize)]
struct Drawn {
    value: String,
    strokes: Vec<Vec<[f32; 2]>>,
}

#[test]
fn the_e2e_number_reads_472_with_its_two_stroke_4_whole() {
    let root = common::repo_root();
    let text = std::fs::read_to_string(root.join("tests/fixtures/number-472.json")).unwrap();
    let drawn: Drawn = serde_json::from_str(&text).unwrap();
    // On a 280-pixel pad with the page's brush.
    let side = 280.0;
    let points: Vec<Vec<[f32; 2]>> = drawn
        .strokes
        .iter()
        .map(|s| s.iter().map(|&[x, y]| [x * side, y * side]).collect())
        .collect();
    let strokes = Strokes::from_points(&points, side * digits::limits::BRUSH_SHARE);
    let images = digit_images(&strokes).unwrap();
    assert_eq!(images.len(), 3, "4 (two strokes), 7, 2");
    for preset in ["web", "seed"] {
        let card = ModelCard::load(&root.join(format!("model/{preset}.json"))).unwrap();
        let bytes = std::fs::read(root.join(format!("model/{preset}.bpk"))).unwrap();
        let classifier = Classifier::new(&bytes, &card.config(), cpu()).unwrap();
        let probs = classifier
            .probabilities_blocking(images.as_flattened())
            .unwrap();
        let read: String = probs.iter().map(|p| top(&p.digits).0.to_string()).collect();
        assert_eq!(read, drawn.value, "{preset}: {probs:?}");
    }
}

#[test]
fn numbers_of_fixture_digits_are_split_right_and_mostly_read() {
    let root = common::repo_root();
    let stored = Stored::load(&root.join("model"), "web").unwrap();
    let model = stored.model(&cpu()).unwrap();
    let set = numbers(&common::fixture(), &trainer::styles::drawings());
    assert_eq!(set.len(), PER_LENGTH * LENGTHS.count());
    for (n, length) in set
        .iter()
        .zip(LENGTHS.flat_map(|l| std::iter::repeat_n(l, PER_LENGTH)))
    {
        assert_eq!(n.digits.len(), length);
    }
    // Read as the page reads them: a digit above the card's "not a digit" threshold is lost.
    let not_digit_above = stored.card.not_a_digit.as_ref().map(|r| r.threshold);
    assert!(
        not_digit_above.is_some(),
        "the web model answers \"not a digit\""
    );
    let scores = evaluate_numbers(&model, &set, not_digit_above, &cpu());
    for s in &scores {
        assert_eq!(s.total, PER_LENGTH);
        // A wrong split loses the whole number: at most 2% of them.
        assert!(s.missplit * 50 <= s.total, "{s:?}");
        // Each digit is read about as well as alone (97% of the drawn test digits, about 1%
        // turned away): a number of L digits about 0.96^L of the time, less a margin.
        let floor = 0.96f64.powi(s.length as i32) - 0.03;
        assert!(
            s.exact as f64 / s.total as f64 >= floor,
            "{s:?} under {floor}"
        );
    }
}
