//! Training works, the committed weights are the ones the card describes, and the classifier the
//! page uses agrees with the trainer's evaluation.

mod common;

use burn::prelude::*;
use digits::classifier::{Classifier, top};
use digits::weights;
use trainer::learn::evaluate::evaluate;
use trainer::learn::train::{Hyper, RunOptions, train};
use trainer::sets::mnist;
use trainer::store::export::ModelCard;

/// burn's seed is per device, so seeded training runs in this binary take turns.
static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[allow(deprecated)]
fn cpu() -> Device {
    Device::ndarray()
}

fn seed_card() -> ModelCard {
    ModelCard::load(&common::repo_root().join("model/seed.json")).unwrap()
}

fn seed_weights() -> Vec<u8> {
    std::fs::read(common::repo_root().join("model/seed.bpk")).unwrap()
}

#[test]
fn a_short_run_lands_far_above_chance() {
    // 3,000 training images when the full set is here; else the fixture, split 800/200.
    let (train_set, test_set) = match common::full_data_dir() {
        Some(dir) => {
            let all = mnist::load_all(&dir).unwrap();
            let split = trainer::sets::split::article_split();
            (
                all.select(&split.train[..3000]),
                all.select(&split.test[..1000]),
            )
        }
        None => {
            let f = common::fixture();
            let idx: Vec<u32> = (0..1000).collect();
            (f.select(&idx[..800]), f.select(&idx[800..]))
        }
    };
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let hyper = Hyper {
        epochs: 3,
        ..Hyper::named("seed")
    };
    let mut epochs_seen = 0;
    let (model, history) = train(
        &hyper,
        &train_set,
        &test_set,
        &cpu().autodiff(),
        &RunOptions::default(),
        |_| epochs_seen += 1,
    )
    .unwrap();
    assert_eq!(epochs_seen, 3);
    assert!(history[2].train_loss < history[0].train_loss * 1.5);
    let eval = evaluate(&model, &test_set, &cpu());
    assert!(
        eval.accuracy() > 0.75,
        "accuracy {} after a short run",
        eval.accuracy()
    );
}

#[test]
fn same_seed_same_model() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let f = common::fixture();
    let idx: Vec<u32> = (0..300).collect();
    let set = f.select(&idx);
    let pixels = common::pixels_f32(&set);
    let run = |seed| {
        let hyper = Hyper {
            epochs: 1,
            seed,
            ..Hyper::named("seed")
        };
        let (m, _) = train(
            &hyper,
            &set,
            &set,
            &cpu().autodiff(),
            &RunOptions::default(),
            |_| {},
        )
        .unwrap();
        let x = Tensor::<2>::from_data(TensorData::new(pixels.clone(), [300, 784]), &cpu());
        m.forward(x).into_data().try_to_vec::<f32>().unwrap()
    };
    let a = run(7);
    assert_eq!(a, run(7), "same seed, different model");
    assert_ne!(a, run(8), "the seed has no effect");
}

#[test]
fn committed_weights_reproduce_the_card_on_the_fixture() {
    let card = seed_card();
    let model = weights::load(&seed_weights(), &card.config(), &cpu()).unwrap();
    let eval = evaluate(&model, &common::fixture(), &cpu());
    assert!(!card.normalized_input());
    assert_eq!(Some(eval.correct), card.fixture_correct);
    assert_eq!(Some(eval.total), card.fixture_total);
    assert!(
        card.test_accuracy >= 0.949,
        "seed model below the 94.9% floor"
    );
}

/// Every committed model (`model/*.json` with its `.bpk`): loads, and gives the card's scores on
/// the fixture (normalised as the card says) and on the held-out styles.
#[test]
fn every_committed_model_reproduces_its_card_on_the_fixture() {
    let dir = common::repo_root().join("model");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let card = ModelCard::load(&path).unwrap();
        let bytes = std::fs::read(dir.join(&card.weights_file)).unwrap();
        assert_eq!(bytes.len(), card.weights_bytes, "{}", card.preset);
        use sha2::Digest;
        assert_eq!(
            mnist::hex(&sha2::Sha256::digest(&bytes)),
            card.weights_sha256,
            "{}",
            card.preset
        );
        let model = weights::load(&bytes, &card.config(), &cpu()).unwrap();
        let fixture = common::fixture().prepared(card.normalized_input());
        let eval = evaluate(&model, &fixture, &cpu());
        assert_eq!(Some(eval.correct), card.fixture_correct, "{}", card.preset);
        // The held-out styles are generated from a fixed seed: the same drawings, the same score.
        let (styled, styles) = trainer::measure::styles::evaluate(&model, &cpu());
        assert_eq!(Some(styled.correct), card.style_correct, "{}", card.preset);
        assert_eq!(Some(&styles), card.styles.as_ref(), "{}", card.preset);
        let t = card
            .unsure_below
            .expect("the card names the page's unsure threshold");
        assert!(
            (0.3..=0.95).contains(&t),
            "{}: unsure below {t}",
            card.preset
        );
        checked += 1;
    }
    assert!(checked >= 1);
}

/// A card records exactly what `report::measure` found.
#[test]
fn a_card_records_its_measurements() {
    let card = seed_card();
    let model = weights::load(&seed_weights(), &card.config(), &cpu()).unwrap();
    let fixture = common::fixture();
    let m =
        trainer::measure::report::measure(&model, &fixture, false, Some(fixture.clone()), &cpu())
            .unwrap();
    let mut recorded = ModelCard::default();
    recorded.record(&m);
    assert_eq!(recorded.test_correct, m.test.correct);
    assert_eq!(Some(recorded.test_correct), recorded.fixture_correct);
    assert_eq!(recorded.test_total, 1000);
    assert!((recorded.test_accuracy - m.test.correct as f64 / 1000.0).abs() < 1e-12);
    let diagonal: u32 = (0..10).map(|d| recorded.confusion[d][d]).sum();
    assert_eq!(diagonal as usize, recorded.test_correct);
    assert_eq!(recorded.style_total, Some(1000));
    assert_eq!(recorded.styles.as_ref().map(Vec::len), Some(10));
    assert_eq!(recorded.drawn_correct, Some(m.drawn.correct));
    assert_eq!(recorded.unsure_below, Some(m.unsure.below));
    // The committed card's style scores do not depend on the test set.
    assert_eq!(recorded.styles, card.styles);
}

/// Measuring a committed model again reproduces every figure of its card.
#[test]
#[ignore = "needs the full MNIST in $MNIST_DIR or data/mnist"]
fn committed_cards_reproduce_in_full() {
    let dir = common::full_data();
    let all = mnist::load_all(&dir).unwrap();
    let test = all.select(&trainer::sets::split::article_split().test);
    for name in ["seed", "web"] {
        let root = common::repo_root().join("model");
        let card = ModelCard::load(&root.join(format!("{name}.json"))).unwrap();
        let bytes = std::fs::read(root.join(&card.weights_file)).unwrap();
        let model = weights::load(&bytes, &card.config(), &cpu()).unwrap();
        let fixture = common::fixture();
        let m = trainer::measure::report::measure(
            &model,
            &test,
            card.normalized_input(),
            Some(fixture),
            &cpu(),
        )
        .unwrap();
        let mut again = card.clone();
        again.record(&m);
        assert_eq!(again, card, "{name}: re-measured card differs");
    }
}

#[test]
#[ignore = "needs the full MNIST in $MNIST_DIR or data/mnist"]
fn committed_weights_reproduce_the_card_on_the_full_test_split() {
    let dir = common::full_data();
    let card = seed_card();
    let model = weights::load(&seed_weights(), &card.config(), &cpu()).unwrap();
    let all = mnist::load_all(&dir).unwrap();
    let split = trainer::sets::split::article_split();
    let eval = evaluate(&model, &all.select(&split.test), &cpu());
    assert_eq!(
        (eval.correct, eval.total),
        (card.test_correct, card.test_total)
    );
    assert_eq!(eval.confusion, card.confusion);
}

#[test]
fn the_pages_classifier_agrees_with_the_trainers_evaluation() {
    let card = seed_card();
    let config = card.config();
    let fixture = common::fixture();
    let model = weights::load(&seed_weights(), &config, &cpu()).unwrap();
    let eval = evaluate(&model, &fixture, &cpu());
    let classifier = Classifier::new(&seed_weights(), &config, cpu()).unwrap();
    let pixels = common::pixels_f32(&fixture);
    let probs = classifier.probabilities_blocking(&pixels).unwrap();
    assert_eq!(probs.len(), 1000);
    for (i, p) in probs.iter().enumerate() {
        assert_eq!(top(&p.digits).0 as u8, eval.predictions[i], "image {i}");
        assert!((p.digits.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}

/// The largest probability difference between two stored copies of one network, over 200
/// fixture images.
#[test]
fn card_is_complete() {
    let card = seed_card();
    assert_eq!(card.preset, "seed");
    assert_eq!(
        (card.hyper.lr, card.hyper.batch_size, card.hyper.epochs),
        (0.01, 32, 10)
    );
    assert_eq!(card.test_total, 17_500);
    assert_eq!(card.history.len(), card.hyper.epochs);
    assert_eq!(card.data_sha256.len(), 4);
    assert_eq!(card.weights_bytes, seed_weights().len());
    let total: u32 = card.confusion.iter().flatten().sum();
    assert_eq!(total as usize, card.test_total);
    assert!((card.test_accuracy - card.test_correct as f64 / 17_500.0).abs() < 1e-12);
}

/// `--negatives`: an eleventh output learns to turn drawings that are not digits away, and the
/// measurement picks a threshold that keeps the digits.
#[test]
fn an_eleventh_output_turns_negatives_away() {
    let f = common::fixture();
    let idx: Vec<u32> = (0..1000).collect();
    let digits = f.select(&idx[..800]).prepared(true);
    let held = f.select(&idx[800..]).prepared(true);
    let train_set = trainer::run::with_negatives(digits, 0.75).unwrap();
    assert_eq!(train_set.len(), 1400);
    assert_eq!(train_set.labels[1399], digits::model::NOT_A_DIGIT);
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let hyper = Hyper {
        epochs: 15,
        lr: 1e-3,
        outputs: trainer::measure::rejection::OUTPUTS,
        negatives: 0.75,
        normalize: true,
        ..Hyper::named("seed")
    };
    let (model, _) = train(
        &hyper,
        &train_set,
        &held,
        &cpu().autodiff(),
        &RunOptions::default(),
        |_| {},
    )
    .unwrap();
    let writers = trainer::measure::report::writers_set();
    let r = trainer::measure::rejection::measure(&model, &held, &held, &writers, &cpu())
        .unwrap()
        .expect("an eleventh output");
    // The lowest threshold that keeps the digits, or the highest when none does (a small
    // network trained on 800 scans is sure of a few being no digit).
    assert!(
        r.drawn_turned_away <= trainer::measure::rejection::MAX_DIGITS_TURNED_AWAY
            || r.threshold == 0.99,
        "{r:?}"
    );
    assert_eq!(r.kinds.iter().filter(|k| k.held_out).count(), 4);
    let trained: Vec<f64> = r
        .kinds
        .iter()
        .filter(|k| !k.held_out)
        .map(|k| k.caught)
        .collect();
    let mean = trained.iter().sum::<f64>() / trained.len() as f64;
    assert!(
        mean > 10.0 * r.drawn_turned_away.max(0.01),
        "trained kinds caught {mean}: {r:?}"
    );
    // A ten-output network has nothing to measure.
    let ten = weights::load(&seed_weights(), &seed_card().config(), &cpu()).unwrap();
    let none = trainer::measure::rejection::measure(&ten, &held, &held, &writers, &cpu()).unwrap();
    assert!(none.is_none());
}
