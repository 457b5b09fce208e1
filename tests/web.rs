//! The wasm build in a real browser (wasm-bindgen-test in headless Chromium and Firefox):
//! preprocessing, the CPU classifier, and WebGPU against the CPU when the browser offers an
//! adapter.
#![cfg(target_arch = "wasm32")]

use digits::classifier::ANSWER_LEN;
use digits::web::{Backend, Recognizer, models, plan_number, preprocess};
use js_sys::{Float32Array, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A "7" as pen strokes on a 280-pixel pad.
fn seven() -> (Vec<f32>, Vec<u32>) {
    (
        vec![40.0, 30.0, 230.0, 30.0, 180.0, 120.0, 120.0, 260.0],
        vec![4],
    )
}

/// A "0": an ellipse.
fn zero() -> (Vec<f32>, Vec<u32>) {
    let mut xy = Vec::new();
    for i in 0..=40 {
        let t = i as f32 / 40.0 * std::f32::consts::TAU;
        xy.extend_from_slice(&[140.0 + 70.0 * t.sin(), 140.0 - 110.0 * t.cos()]);
    }
    (xy, vec![41])
}

async fn probabilities(rec: &Recognizer, xy: Vec<f32>, ends: Vec<u32>) -> Vec<f32> {
    let image = preprocess(xy, ends, 16.0).unwrap().expect("ink");
    let value = JsFuture::from(rec.classify(image)).await.unwrap();
    Float32Array::from(value).to_vec()
}

/// "70": the 7, then the 0 drawn to its right (a gap of a fifth of their height).
fn seventy() -> (Vec<f32>, Vec<u32>) {
    let (mut xy, mut ends) = seven();
    let (zero, zero_ends) = zero();
    let shift = 250.0;
    xy.extend(zero.chunks_exact(2).flat_map(|p| [p[0] + shift, p[1]]));
    let offset = ends[0];
    ends.extend(zero_ends.iter().map(|e| e + offset));
    (xy, ends)
}

/// Every planned image's answer for a number (`ANSWER_LEN` numbers each), from one batched
/// classification.
async fn number_probabilities(rec: &Recognizer, xy: Vec<f32>, ends: Vec<u32>) -> Vec<f32> {
    let plan = plan_number(xy, ends, 16.0).unwrap().expect("ink");
    let value = JsFuture::from(rec.classify(plan.images())).await.unwrap();
    Float32Array::from(value).to_vec()
}

fn argmax(p: &[f32]) -> usize {
    p.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0
}

#[wasm_bindgen_test]
fn empty_strokes_give_no_image() {
    assert!(preprocess(vec![], vec![], 16.0).unwrap().is_none());
    assert!(preprocess(vec![1.0], vec![1], 16.0).is_err());
}

#[wasm_bindgen_test]
fn the_model_list_is_valid_json_with_cards() {
    let parsed = JSON::parse(&models().unwrap()).unwrap();
    let list = js_sys::Array::from(&parsed);
    assert!(list.length() >= 2, "web and seed");
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap();
    for item in list.iter() {
        let name = get(&item, "name").as_string().expect("a name");
        assert!(
            get(&item, "label")
                .as_string()
                .is_some_and(|l| !l.is_empty())
        );
        let card = get(&item, "card");
        assert_eq!(get(&card, "preset").as_string(), Some(name.clone()));
        let accuracy = get(&card, "test_accuracy").as_f64().expect("test_accuracy");
        assert!((0.9..=1.0).contains(&accuracy), "{name}: {accuracy}");
        assert_eq!(get(&card, "test_total").as_f64(), Some(17_500.0), "{name}");
        let unsure = get(&card, "unsure_below").as_f64().expect("unsure_below");
        assert!((0.3..=0.95).contains(&unsure), "{name}: {unsure}");
    }
}

#[wasm_bindgen_test]
async fn cpu_recognizes_drawn_digits() {
    let rec = Recognizer::create("seed".into(), Backend::Cpu, None)
        .await
        .unwrap();
    assert_eq!(rec.backend(), Backend::Cpu);
    let (xy, ends) = seven();
    let p = probabilities(&rec, xy, ends).await;
    assert_eq!(p.len(), ANSWER_LEN);
    assert!((p[..10].iter().sum::<f32>() - 1.0).abs() < 1e-4);
    // The article's model has no "not a digit" output: it never says so.
    assert_eq!(p[10], 0.0);
    assert_eq!(argmax(&p), 7);
    let (xy, ends) = zero();
    assert_eq!(argmax(&probabilities(&rec, xy, ends).await), 0);
}

#[wasm_bindgen_test]
async fn the_web_model_says_how_likely_a_drawing_is_not_a_digit() {
    let rec = Recognizer::create("web".into(), Backend::Cpu, None)
        .await
        .unwrap();
    let (xy, ends) = seven();
    let seven = probabilities(&rec, xy, ends).await;
    assert_eq!(argmax(&seven[..10]), 7);
    assert!(seven[10] < 0.1, "{seven:?}");
    let (xy, ends) = hatching();
    let hatching = probabilities(&rec, xy, ends).await;
    assert!(hatching[10] > 0.9, "{hatching:?}");
}

#[wasm_bindgen_test]
async fn a_number_is_read_in_one_batch_digit_by_digit() {
    let rec = Recognizer::create("web".into(), Backend::Cpu, None)
        .await
        .unwrap();
    let (xy, ends) = seventy();
    let plan = plan_number(xy.clone(), ends.clone(), 16.0)
        .unwrap()
        .unwrap();
    assert_eq!(
        plan.images().len(),
        2 * 784,
        "neither part is wide: no cuts"
    );
    let batch = number_probabilities(&rec, xy, ends).await;
    assert_eq!(batch.len(), 2 * ANSWER_LEN);
    let mut plan = plan;
    assert!(plan.cut_unsure(batch.clone()).unwrap().is_empty());
    assert_eq!(plan.choose(batch.clone()).unwrap(), [0, 1]);
    assert!(plan.choose(batch[..ANSWER_LEN].to_vec()).is_err());
    let (xy, ends) = seven();
    let alone = probabilities(&rec, xy.clone(), ends.clone()).await;
    for (b, a) in batch[..ANSWER_LEN].iter().zip(&alone) {
        assert!((b - a).abs() < 1e-6, "{batch:?} against {alone:?}");
    }
    assert_eq!(argmax(&batch[..10]), 7);
    assert_eq!(argmax(&batch[ANSWER_LEN..ANSWER_LEN + 10]), 0);
    // One digit: exactly the single-digit path.
    assert_eq!(
        plan_number(xy.clone(), ends.clone(), 16.0)
            .unwrap()
            .map(|p| p.images()),
        preprocess(xy, ends, 16.0).unwrap()
    );
    assert!(plan_number(vec![], vec![], 16.0).unwrap().is_none());
    assert!(plan_number(vec![1.0], vec![1], 16.0).is_err());
}

/// Five parallel diagonal strokes, nothing like a digit.
fn hatching() -> (Vec<f32>, Vec<u32>) {
    let mut xy = Vec::new();
    let mut ends = Vec::new();
    for k in 0..5 {
        let x = 40.0 + 45.0 * k as f32;
        xy.extend_from_slice(&[x, 250.0, x + 60.0, 30.0]);
        ends.push(2 * (k + 1));
    }
    (xy, ends)
}

#[wasm_bindgen_test]
async fn a_wide_part_read_unsurely_is_cut_and_read_again() {
    let rec = Recognizer::create("web".into(), Backend::Cpu, None)
        .await
        .unwrap();
    let classify = |images: Vec<f32>| {
        let promise = rec.classify(images);
        async move { Float32Array::from(JsFuture::from(promise).await.unwrap()).to_vec() }
    };
    // A W in one stroke: wider than tall, and no digit.
    let xy = vec![
        40.0, 60.0, 120.0, 300.0, 200.0, 120.0, 280.0, 300.0, 360.0, 60.0,
    ];
    let mut plan = plan_number(xy, vec![5], 16.0).unwrap().unwrap();
    assert_eq!(plan.images().len(), 784, "one part");
    let whole = classify(plan.images()).await;
    assert!(
        plan.cut_unsure(whole[..10].to_vec()).is_err(),
        "answers of the wrong length"
    );
    let halves = plan.cut_unsure(whole.clone()).unwrap();
    assert!(
        !halves.is_empty() && halves.len().is_multiple_of(2 * 784),
        "{}",
        halves.len()
    );
    assert_eq!(
        plan.images().len(),
        784 + halves.len(),
        "the halves come after the whole"
    );
    assert_eq!(plan.images()[784..], halves[..]);
    // Every image is needed to choose.
    assert!(plan.choose(whole.clone()).is_err());
    let answers = [whole, classify(halves).await].concat();
    let chosen = plan.choose(answers).unwrap();
    assert!(chosen == [0] || chosen.len() == 2, "{chosen:?}");
    // Asking again cuts nothing more.
    let all = classify(plan.images()).await;
    assert!(plan.cut_unsure(all).unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn an_unknown_model_is_an_error() {
    assert!(
        Recognizer::create("nope".into(), Backend::Cpu, None)
            .await
            .is_err()
    );
}

#[wasm_bindgen_test]
async fn personal_weights_are_used_and_checked() {
    let seed = digits::presets::find("seed").unwrap();
    let web = digits::presets::find("web").unwrap();
    // Another model's weights for the seed network: refused, saying which network it wanted.
    let err = Recognizer::create("seed".into(), Backend::Cpu, Some(web.weights.to_vec()))
        .await
        .err()
        .map(JsValue::from)
        .expect("the web model's weights do not fit the seed network");
    let text = js_sys::Error::from(err).message().as_string().unwrap();
    assert!(text.contains("784-100-100-10"), "{text}");
    // The seed weights stored again at f32: the same answers as the shipped int8 file.
    let f32_weights =
        digits::weights::convert(seed.weights, digits::weights::Precision::F32).unwrap();
    let shipped = Recognizer::create("seed".into(), Backend::Cpu, None)
        .await
        .unwrap();
    let personal = Recognizer::create("seed".into(), Backend::Cpu, Some(f32_weights))
        .await
        .unwrap();
    let (xy, ends) = seven();
    let a = probabilities(&shipped, xy.clone(), ends.clone()).await;
    let b = probabilities(&personal, xy, ends).await;
    assert_eq!(a, b);
}

/// Whether this browser must have WebGPU: scripts/test.sh names, at compile time, the browser
/// it starts with a WebGPU adapter (Chromium, with SwiftShader), so there this test cannot pass
/// without comparing the two backends. The same build runs in Firefox, which has none on Linux.
fn webgpu_expected() -> bool {
    let Some(browser) = option_env!("DIGITS_EXPECT_WEBGPU") else {
        return false;
    };
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    let agent = js_sys::Reflect::get(&navigator, &"userAgent".into())
        .unwrap()
        .as_string()
        .unwrap_or_default();
    agent.contains(browser)
}

#[wasm_bindgen_test]
async fn webgpu_matches_the_cpu_when_available() {
    // Weights handed over as a personal model's are: the path a fine-tuned model takes.
    let weights = digits::presets::find("seed").unwrap().weights.to_vec();
    let gpu = Recognizer::create("seed".into(), Backend::WebGpu, Some(weights)).await;
    let gpu = match gpu {
        Ok(gpu) => gpu,
        Err(why) => {
            let why = JsValue::from(why);
            assert!(!webgpu_expected(), "no WebGPU: {why:?}");
            // A browser without an adapter gets an error that says why.
            web_sys::console::log_1(&why);
            return;
        }
    };
    assert_eq!(gpu.backend(), Backend::WebGpu);
    let cpu = Recognizer::create("seed".into(), Backend::Cpu, None)
        .await
        .unwrap();
    for (xy, ends) in [seven(), zero(), seventy()] {
        let a = number_probabilities(&cpu, xy.clone(), ends.clone()).await;
        let b = number_probabilities(&gpu, xy, ends).await;
        assert_eq!(a.len(), b.len());
        let diff = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(diff <= 1e-4, "WebGPU differs from the CPU by {diff}");
    }
}
