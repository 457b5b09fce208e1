//! On-device learning, natively: a way of writing 7 that the shipped model misreads (the
//! Eastern Arabic ٧) is learned from five corrected examples, new drawings of it are then read
//! right, and MNIST barely notices.
//!
//! It needs the `learn` feature: `cargo test --workspace` has it (the trainer switches it on),
//! `cargo test -p digits` alone reports the one ignored test below instead of running nothing.
#![cfg(not(target_arch = "wasm32"))]

#[cfg(not(all(feature = "learn", feature = "embed")))]
#[test]
#[ignore = "on-device learning needs `--features learn` (cargo test --workspace switches it on)"]
fn learning_needs_the_learn_feature() {}

#[cfg(all(feature = "learn", feature = "embed"))]
mod learning {

    use burn::prelude::*;
    use digits::learn::{FineTune, LearnError, TuneConfig, correct};
    use digits::model::Architecture;
    use digits::pixels::image_bytes;
    use digits::preprocess::{Strokes, to_mnist};
    use digits::replay::{Digit, ReplaySet};
    use digits::{presets, weights};

    const REPLAY: &[u8] = include_bytes!("../model/replay.bin");

    /// A small, seeded generator (the tests' own, not the trainer's).
    struct Lcg(u32);

    impl Lcg {
        fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
            self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            lo + (hi - lo) * (self.0 as f32 / 4_294_967_296.0)
        }
    }

    /// A 7 as Eastern Arabic numerals write it (٧, a V), of random width, skew, size and place on a
    /// 420-px pad: the shipped model reads it as a 4. The e2e harness's `arabicSeven` draws the same
    /// style (the same generator and steps) through the page.
    fn arabic_seven(seed: u32) -> Digit {
        let mut r = Lcg(seed);
        let width = r.uniform(0.5, 0.9);
        let skew = r.uniform(-0.15, 0.15);
        let lift = r.uniform(-0.1, 0.1);
        // One stroke down from the upper left to the bottom and up to the upper right; one arm may
        // start a little lower than the other.
        let shape = [vec![
            [-width / 2.0, lift.max(0.0)],
            [skew, 1.0],
            [width / 2.0, (-lift).max(0.0)],
        ]];
        let xs = shape.iter().flatten().map(|p| p[0]);
        let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
        let scale = r.uniform(0.45, 0.8).min(0.9 / (x1 - x0));
        let left = r.uniform(0.05, 0.95 - (x1 - x0) * scale);
        let top = r.uniform(0.05, 0.95 - scale);
        let side = 420.0;
        let strokes: Vec<Vec<[f32; 2]>> = shape
            .iter()
            .map(|stroke| {
                stroke
                    .iter()
                    .map(|[x, y]| [(left + (x - x0) * scale) * side, (top + y * scale) * side])
                    .collect()
            })
            .collect();
        let image = to_mnist(&Strokes::from_points(
            &strokes,
            digits::limits::BRUSH_SHARE * side,
        ))
        .expect("valid strokes")
        .expect("ink");
        Digit {
            label: 7,
            pixels: image_bytes(&image),
        }
    }

    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    fn cpu() -> Device {
        Device::ndarray()
    }

    #[test]
    fn five_corrections_teach_a_style_without_forgetting_mnist() {
        let web = presets::find("web").unwrap();
        let config = web.config();
        let replay = ReplaySet::parse(REPLAY).unwrap();
        let taught: Vec<Digit> = (1..=5).map(arabic_seven).collect();
        let fresh: Vec<Digit> = (101..=120).map(arabic_seven).collect();

        let shipped = weights::load(web.weights, &config, &cpu()).unwrap();
        let before = correct(&shipped, &fresh, &cpu());
        assert!(
            before <= 2,
            "the shipped model should misread this style: {before}/20 right"
        );

        let tune = FineTune::new(
            web.weights,
            &config,
            taught,
            replay,
            TuneConfig::for_model(web.arch),
            &cpu().autodiff(),
        )
        .unwrap();
        let outcome = tune.run().unwrap();
        let personal = weights::load(&outcome.weights, &config, &cpu()).unwrap();
        let after = correct(&personal, &fresh, &cpu());
        eprintln!(
            "new drawings {before}/20 -> {after}/20; own {:?}; MNIST held out {:?} ({:+.1} points)",
            outcome.own,
            outcome.holdout,
            -outcome.holdout.drop_points()
        );
        assert!(
            after >= 16,
            "after five corrections, new drawings of the style: {after}/20 right"
        );
        assert_eq!(outcome.own.after, 5, "{:?}", outcome.own);
        assert!(
            outcome.holdout.drop_points() <= 1.0,
            "{:?}",
            outcome.holdout
        );
        assert_eq!(outcome.holdout.total, 500);
        // The web model's "not a digit" output: MNIST digits are not turned away for it.
        assert_eq!(outcome.holdout_turned_away.total, 500);
        assert!(
            -outcome.holdout_turned_away.drop_points() <= 1.0,
            "{:?}",
            outcome.holdout_turned_away
        );
        assert_eq!(outcome.refusal(), None);
    }

    #[test]
    fn a_fine_tune_is_repeatable() {
        let seed = presets::find("seed").unwrap();
        let replay = ReplaySet::parse(REPLAY).unwrap();
        let tune = TuneConfig {
            steps: 3,
            ..TuneConfig::default()
        };
        let run = || {
            let examples = (1..=3).map(arabic_seven).collect();
            FineTune::new(
                seed.weights,
                &seed.config(),
                examples,
                replay.clone(),
                tune.clone(),
                &cpu().autodiff(),
            )
            .unwrap()
            .run()
            .unwrap()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let web = presets::find("web").unwrap();
        let seed = presets::find("seed").unwrap();
        let replay = ReplaySet::parse(REPLAY).unwrap();
        let start = |weights: &[u8],
                     config: &digits::model::MlpConfig,
                     own: Vec<Digit>,
                     replay: ReplaySet| {
            FineTune::new(
                weights,
                config,
                own,
                replay,
                TuneConfig::default(),
                &cpu().autodiff(),
            )
            .err()
        };
        let one = vec![arabic_seven(1)];
        assert_eq!(
            start(web.weights, &web.config(), vec![], replay.clone()),
            Some(LearnError::NoExamples)
        );
        let mut wrong = one.clone();
        wrong[0].label = 10;
        assert_eq!(
            start(web.weights, &web.config(), wrong, replay.clone()),
            Some(LearnError::Label(10))
        );
        assert_eq!(
            start(
                web.weights,
                &web.config(),
                one.clone(),
                ReplaySet::default()
            ),
            Some(LearnError::NoReplay)
        );
        // The seed model's weights for the web network.
        let err = start(
            seed.weights,
            &Architecture::named("web").config(),
            one,
            replay,
        )
        .unwrap();
        assert!(matches!(err, LearnError::Weights(_)), "{err:?}");
        let web = digits::weights::describe(&Architecture::named("web").config());
        assert!(err.to_string().contains(&web), "{web}: {err}");
    }
}
