//! The weights file format: f32, f16, int8 and int4 storage keep the answers, conversions agree, and a
//! file that does not fit is a clear error.

use burn::prelude::*;
use digits::classifier::Classifier;
use digits::model::MlpConfig;
use digits::presets;
use digits::replay::ReplaySet;
use digits::weights::{self, Precision, WeightsError};

/// burn's seed is per device, so seeded initialisations in this binary take turns.
static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[allow(deprecated)]
fn cpu() -> Device {
    Device::ndarray()
}

/// 200 real MNIST digits in [0, 1]: the replay set's, which the page ships.
fn mnist_digits() -> Vec<f32> {
    let set = ReplaySet::parse(include_bytes!("../model/replay.bin")).unwrap();
    set.train
        .iter()
        .take(200)
        .flat_map(|d| d.pixels.map(digits::pixels::unit))
        .collect()
}

/// A fresh network. Initialising draws from the device's seeded generator, which seeded tests
/// rely on, so it takes its turn.
fn init(config: &MlpConfig) -> digits::model::Mlp {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    config.init(&cpu())
}

fn worst_difference(config: &MlpConfig, a: &[u8], b: &[u8]) -> f32 {
    let pixels = mnist_digits();
    let pixels = &pixels[..];
    let probs = |bytes: &[u8]| {
        Classifier::new(bytes, config, cpu())
            .unwrap()
            .probabilities_blocking(pixels)
            .unwrap()
    };
    let (a, b) = (probs(a), probs(b));
    a.iter()
        .flat_map(|x| x.row())
        .zip(b.iter().flat_map(|y| y.row()))
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max)
}

/// f16 storage halves the file and moves no probability by more than f16's rounding could.
#[test]
fn weights_round_trip_through_f16_and_f32() {
    let config = MlpConfig::new(vec![64, 32]);
    let model = init(&config);
    let f32_bytes = weights::to_bytes(model.clone(), Precision::F32).unwrap();
    let f16_bytes = weights::to_bytes(model, Precision::F16).unwrap();
    let params = config.num_params();
    assert!(f32_bytes.len() >= params * 4, "{}", f32_bytes.len());
    assert!(
        f16_bytes.len() < params * 2 + 4096,
        "f16 file: {} bytes for {params} parameters",
        f16_bytes.len()
    );

    let worst = worst_difference(&config, &f32_bytes, &f16_bytes);
    assert!(
        worst > 0.0,
        "f16 weights should differ from f32 ones somewhere"
    );
    assert!(worst < 1e-2, "f16 rounding moved a probability by {worst}");
    // A round trip of the stored f32 weights is exact: the same bytes, so the same values.
    let again = weights::load(&f32_bytes, &config, &cpu()).unwrap();
    assert_eq!(weights::to_bytes(again, Precision::F32).unwrap(), f32_bytes);
}

/// int8 storage is about a quarter of f32, keeps the answers, and converts from a stored f16
/// file the same way as from the model itself.
#[test]
fn weights_stored_as_int8_keep_the_answers() {
    let config = MlpConfig::new(vec![64, 32]);
    let model = init(&config);
    let f32_bytes = weights::to_bytes(model.clone(), Precision::F32).unwrap();
    let int8_bytes = weights::to_bytes(model, Precision::Int8).unwrap();
    let params = config.num_params();
    assert!(
        int8_bytes.len() < params + 4096,
        "int8 file: {} bytes for {params} parameters",
        int8_bytes.len()
    );
    assert_eq!(
        weights::convert(&f32_bytes, Precision::Int8).unwrap(),
        int8_bytes,
        "converting the stored f32 file gives the same int8 file"
    );

    let worst = worst_difference(&config, &f32_bytes, &int8_bytes);
    assert!(
        worst > 0.0,
        "int8 weights should differ from f32 ones somewhere"
    );
    assert!(worst < 5e-2, "int8 rounding moved a probability by {worst}");
}

/// int4 storage is about half of int8, converts from a stored int8 or f32 file the same way,
/// and moves the probabilities more than int8 but keeps them close.
#[test]
fn weights_stored_as_int4_keep_the_answers() {
    let config = MlpConfig::new(vec![64, 32]);
    let model = init(&config);
    let f32_bytes = weights::to_bytes(model.clone(), Precision::F32).unwrap();
    let int8_bytes = weights::to_bytes(model.clone(), Precision::Int8).unwrap();
    let int4_bytes = weights::to_bytes(model, Precision::Int4).unwrap();
    let params = config.num_params();
    assert!(
        int4_bytes.len() < params / 2 + 8192,
        "int4 file: {} bytes for {params} parameters",
        int4_bytes.len()
    );
    assert_eq!(
        weights::convert(&f32_bytes, Precision::Int4).unwrap(),
        int4_bytes,
        "converting the stored f32 file gives the same int4 file"
    );
    let int8 = worst_difference(&config, &f32_bytes, &int8_bytes);
    let int4 = worst_difference(&config, &f32_bytes, &int4_bytes);
    assert!(
        int4 > int8,
        "int4 rounds more coarsely than int8: {int4} vs {int8}"
    );
    assert!(int4 < 1e-2, "int4 rounding moved a probability by {int4}");
}

#[test]
fn mismatched_or_damaged_weights_are_clear_errors() {
    let bytes = presets::find("seed").unwrap().weights;
    let other = MlpConfig::new(vec![64]);
    let err = weights::load(bytes, &other, &cpu()).unwrap_err();
    assert!(matches!(err, WeightsError::Mismatch { .. }), "{err}");
    assert!(err.to_string().contains("784-64-10"), "{err}");
    let err = weights::load(
        &bytes[..1000],
        &digits::model::Architecture::named("seed").config(),
        &cpu(),
    )
    .unwrap_err();
    assert!(matches!(err, WeightsError::Decode(_)), "{err}");
    let err = weights::load(
        b"not a model",
        &digits::model::Architecture::named("seed").config(),
        &cpu(),
    )
    .unwrap_err();
    assert!(matches!(err, WeightsError::Decode(_)), "{err}");
}
