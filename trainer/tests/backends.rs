//! burn-wgpu (here: Vulkan, e.g. Mesa's lavapipe on a CPU-only machine) must give the same
//! answers as burn-ndarray for the committed model. Built with `--features wgpu`.
#![cfg(feature = "wgpu")]

mod common;

use burn::prelude::*;
use burn::tensor::DeviceKind;
use digits::classifier::{Classifier, top};
use trainer::store::export::ModelCard;

#[test]
#[allow(deprecated)]
fn wgpu_matches_ndarray_on_the_fixture() {
    let root = common::repo_root();
    let card = ModelCard::load(&root.join("model/seed.json")).unwrap();
    let config = card.config();
    let bytes = std::fs::read(root.join("model/seed.bpk")).unwrap();
    let fixture = common::fixture();
    let pixels = common::pixels_f32(&fixture);

    let cpu = Classifier::new(&bytes, &config, Device::ndarray()).unwrap();
    // As each runs in the page: the CPU leaving out zero inputs, the GPU in padded batches.
    let gpu =
        Classifier::bucketed(&bytes, &config, Device::wgpu(DeviceKind::DefaultDevice)).unwrap();
    let want = cpu.probabilities_blocking(&pixels).unwrap();
    let got = gpu.probabilities_blocking(&pixels).unwrap();
    let mut worst = 0.0f32;
    for (i, (a, b)) in want.iter().zip(&got).enumerate() {
        assert_eq!(
            top(&a.digits).0,
            top(&b.digits).0,
            "image {i}: backends disagree on the class"
        );
        for (x, y) in a.row().iter().zip(b.row()) {
            worst = worst.max((x - y).abs());
        }
    }
    eprintln!("largest probability difference wgpu vs ndarray over 1,000 images: {worst:e}");
    assert!(worst <= 1e-4, "wgpu differs from ndarray by {worst}");
}
