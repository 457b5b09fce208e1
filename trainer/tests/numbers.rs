//! Reading whole numbers the page's way (`digits::joined::plan`, one batch through the model,
//! the cuts of an unsure wide part in a second, then `Plan::choose`): the numbers the e2e tests
//! draw, and the whole-number generator on the fixture's digits.

mod common;

use burn::prelude::*;
use digits::classifier::{Answer, Classifier, top};
use digits::joined::plan;
use digits::model::INPUT_SIZE;
use digits::preprocess::Strokes;
use serde::Deserialize;
use trainer::measure::numbers::{
    LENGTHS, PER_LENGTH, evaluate_numbers, joined_numbers, numbers, singles_split,
};
use trainer::store::export::{ModelCard, Stored};

#[allow(deprecated)]
fn cpu() -> Device {
    Device::ndarray()
}

#[derive(Deserialize)]
struct Drawn {
    value: String,
    strokes: Vec<Vec<[f32; 2]>>,
}

/// A fixture drawing on a 280-pixel pad with the page's brush.
fn drawn(name: &str) -> (String, Strokes) {
    let root = common::repo_root();
    let text = std::fs::read_to_string(root.join("tests/fixtures").join(name)).unwrap();
    let drawn: Drawn = serde_json::from_str(&text).unwrap();
    let side = 280.0;
    let points: Vec<Vec<[f32; 2]>> = drawn
        .strokes
        .iter()
        .map(|s| s.iter().map(|&[x, y]| [x * side, y * side]).collect())
        .collect();
    let strokes = Strokes::from_points(&points, side * digits::limits::BRUSH_SHARE);
    (drawn.value, strokes)
}

/// What each preset reads, as the page reads it.
fn read(strokes: &Strokes, preset: &str) -> (String, usize) {
    let root = common::repo_root();
    let card = ModelCard::load(&root.join(format!("model/{preset}.json"))).unwrap();
    let bytes = std::fs::read(root.join(format!("model/{preset}.bpk"))).unwrap();
    let classifier = Classifier::new(&bytes, &card.config(), cpu()).unwrap();
    let mut plan = plan(strokes).unwrap();
    let read_all = |images: &[[f32; INPUT_SIZE]]| {
        classifier
            .probabilities_blocking(images.as_flattened())
            .unwrap()
    };
    let mut answers: Vec<Answer> = read_all(plan.images());
    let halves = plan.cut_unsure(&answers).unwrap();
    if halves > 0 {
        let images = plan.images();
        answers.extend(read_all(&images[images.len() - halves..]));
    }
    let read = plan
        .choose(&answers)
        .into_iter()
        .map(|i| top(&answers[i].digits).0.to_string())
        .collect();
    (read, plan.parts())
}

#[test]
fn the_e2e_number_reads_472_with_its_two_stroke_4_whole() {
    let (value, strokes) = drawn("number-472.json");
    for preset in ["web", "seed"] {
        let (read, parts) = read(&strokes, preset);
        assert_eq!(parts, 3, "4 (two strokes), 7, 2");
        assert_eq!(read, value, "{preset}");
    }
}

#[test]
fn the_e2e_joined_number_is_cut_into_its_two_digits() {
    let (value, strokes) = drawn("number-23-joined.json");
    let (read, parts) = read(&strokes, "web");
    assert_eq!(parts, 1, "one stroke, one part before the cut");
    assert_eq!(read, value);
}

#[test]
fn numbers_of_fixture_digits_are_split_right_and_mostly_read() {
    let root = common::repo_root();
    let stored = Stored::load(&root.join("model"), "web").unwrap();
    let model = stored.model(&cpu()).unwrap();
    let set = numbers(&common::fixture(), &trainer::measure::styles::drawings());
    assert_eq!(set.len(), PER_LENGTH * LENGTHS.count());
    for (n, length) in set
        .iter()
        .zip(LENGTHS.flat_map(|l| std::iter::repeat_n(l, PER_LENGTH)))
    {
        assert_eq!(n.digits.len(), length);
    }
    // Read as the page reads them: a digit above the card's "not a digit" threshold is lost.
    let not_digit_above = Some(stored.card.not_a_digit_threshold().unwrap());
    let scores = evaluate_numbers(&model, &set, not_digit_above, &cpu());
    for s in &scores {
        assert_eq!(s.total, PER_LENGTH);
        // A wrong split loses the whole number: at most 3% of them. (Stop 32's MNIST-only model
        // split at most 2% of these wrong; the pen-trained one of #37 splits 0.6-2.3%, as it is
        // less sure of some wide MNIST digits, which are then cut: docs/training.md.)
        assert!(s.missplit * 100 <= 3 * s.total, "{s:?}");
        // Each digit is read about as well as alone (97% of the drawn test digits, about 1%
        // turned away): a number of L digits about 0.96^L of the time, less a margin.
        let floor = 0.96f64.powi(s.length as i32) - 0.03;
        assert!(
            s.exact as f64 / s.total as f64 >= floor,
            "{s:?} under {floor}"
        );
    }
}

#[test]
fn joined_neighbours_are_mostly_cut_apart_and_single_digits_stay_whole() {
    let root = common::repo_root();
    let stored = Stored::load(&root.join("model"), "web").unwrap();
    let model = stored.model(&cpu()).unwrap();
    let fixture = common::fixture();
    let not_digit_above = Some(stored.card.not_a_digit_threshold().unwrap());
    let set = joined_numbers(&fixture, &trainer::measure::styles::drawings());
    for s in evaluate_numbers(&model, &set, not_digit_above, &cpu()) {
        // Without cuts, none of them splits right; the held-out set reads 48-58%.
        assert!(s.exact * 100 >= 40 * s.total, "{s:?}");
    }
    // The fixture's digits traced as pen strokes: the segmenter splits a few broken ones
    // (about 0.2% of the held-out digits), cuts add no more than a few.
    let traced: Vec<Strokes> = (0..fixture.len())
        .map(|i| trainer::draw::trace::strokes_of(fixture.images.image(i)))
        .collect();
    let split = singles_split(&model, &traced.iter().collect::<Vec<_>>(), &cpu());
    assert!(
        split <= 5,
        "{split} of {} single digits read as more",
        traced.len()
    );
    let styles = trainer::measure::styles::drawings();
    let strokes: Vec<&Strokes> = styles.iter().map(|d| &d.strokes).collect();
    assert_eq!(singles_split(&model, &strokes, &cpu()), 0);
}
