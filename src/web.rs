//! The browser's entry points: a thin wasm-bindgen layer over preprocessing and the classifier.
//!
//! The same layer makes both of the page's modules. The first, built without the `webgpu`
//! feature, holds only the CPU backend (burn-ndarray) so that it downloads fast; the second,
//! with it, adds burn-wgpu and is fetched by the page's worker only where the browser gives a
//! WebGPU adapter. Which backend to use, and what to do when one fails, is the page's call
//! (`www/engine.js`); this layer loads a model on the backend it is asked for, or says why it
//! cannot.

use std::rc::Rc;

use burn::prelude::*;
use js_sys::{Float32Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::classifier::{ANSWER_LEN, Answer, Classifier};
use crate::joined;
use crate::preprocess::{self, Strokes};
use crate::presets::{self, Preset};
use crate::webgpu_error::WebGpuError;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Where a recognizer runs.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// burn-ndarray, in the calling thread.
    Cpu = 0,
    /// burn-wgpu on the browser's WebGPU (only in the module built with the `webgpu` feature).
    WebGpu = 1,
}

/// A model ready to classify drawings, on WebGPU or on the CPU.
#[wasm_bindgen]
pub struct Recognizer {
    classifier: Rc<Classifier>,
    backend: Backend,
    preset: Preset,
}

#[wasm_bindgen]
impl Recognizer {
    /// Loads the model `model` ("web", "seed"; empty for the default) on `backend`, with its
    /// shipped weights or with `weights` (a personal fine-tune of it). On WebGPU its warm-up
    /// answer must match the CPU's; the error says why WebGPU cannot be used.
    pub async fn create(
        model: String,
        backend: Backend,
        weights: Option<Vec<u8>>,
    ) -> Result<Recognizer, JsError> {
        let preset = if model.is_empty() {
            Some(presets::default())
        } else {
            presets::find(&model)
        };
        let preset = preset.ok_or_else(|| {
            let names: Vec<_> = presets::all().map(|p| p.name()).collect();
            JsError::new(&format!("unknown model {model:?}; choose one of {names:?}"))
        })?;
        let config = preset.config();
        let bytes = weights.as_deref().unwrap_or(preset.weights);
        #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
        let cpu = Classifier::new(bytes, &config, Device::ndarray())
            .map_err(|e| JsError::new(&format!("model {model}: {e}")))?;
        let classifier = match backend {
            Backend::Cpu => cpu,
            Backend::WebGpu => gpu_classifier(&preset, bytes, &cpu)
                .await
                .map_err(|why| JsError::new(&why.to_string()))?,
        };
        Ok(Recognizer {
            classifier: Rc::new(classifier),
            backend,
            preset,
        })
    }

    /// Where this recognizer runs.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The model's name.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.preset.name().to_owned()
    }

    /// The model card (JSON) the trainer wrote beside the weights.
    #[wasm_bindgen(getter)]
    pub fn card(&self) -> String {
        self.preset.card.to_owned()
    }

    /// Resolves to a 28x28 image's answer (a `Float32Array` of `limits().answerLen`): the ten
    /// digits' probabilities, then the probability that it is not a digit at all (0 for a
    /// model that cannot say so); for `n` images one after the other (a number's digits), to
    /// `n` answers one after the other, from one batched forward pass.
    pub fn classify(&self, images: Vec<f32>) -> Promise {
        let classifier = Rc::clone(&self.classifier);
        future_to_promise(async move {
            let answers = classifier
                .probabilities(&images)
                .await
                .map_err(|e| JsValue::from(JsError::new(&e.to_string())))?;
            let rows: Vec<f32> = answers.iter().flat_map(|a| a.row()).collect();
            Ok(Float32Array::from(rows.as_slice()).into())
        })
    }
}

/// An image as the page stores it (bytes 0-255), rounded as the trainer rounds MNIST's.
#[wasm_bindgen(js_name = imageBytes)]
pub fn image_bytes(image: Vec<f32>) -> Vec<u8> {
    image.iter().map(|&v| crate::pixels::byte(v)).collect()
}

/// The numbers the page shares with the Rust side, as JSON (see `limits`).
#[wasm_bindgen]
pub fn limits() -> String {
    crate::limits::json()
}

/// The shipped models as JSON: `[{name, label, card}]`, for the model picker. Names and labels
/// are escaped by serde_json; each card is already JSON (the trainer's, checked by the tests) and
/// goes in as it is, rather than through a parsed `Value`, which would add serde_json's parser to
/// the page's first module.
#[wasm_bindgen(js_name = models)]
pub fn models() -> Result<String, JsError> {
    let text = |s: &str| serde_json::to_string(s).map_err(|e| JsError::new(&e.to_string()));
    let mut entries = Vec::new();
    for p in presets::all() {
        entries.push(format!(
            r#"{{"name":{},"label":{},"card":{}}}"#,
            text(p.arch.name)?,
            text(p.arch.label)?,
            p.card
        ));
    }
    Ok(format!("[{}]", entries.join(",")))
}

/// On WebGPU, if this module has it and it passes its checks; else why not.
async fn gpu_classifier(
    preset: &Preset,
    weights: &[u8],
    cpu: &Classifier,
) -> Result<Classifier, WebGpuError> {
    #[cfg(feature = "webgpu")]
    return crate::webgpu::classifier(preset, weights, cpu).await;
    #[cfg(not(feature = "webgpu"))]
    {
        let _ = (preset, weights, cpu);
        Err(WebGpuError::NotBuiltIn)
    }
}

/// The 28x28 image (784 values in [0, 1]) for pen strokes: `xy` holds every point's `x, y`,
/// `ends` the end (in points) of each stroke, `brush` the pen's diameter. `undefined` when
/// nothing is drawn.
#[wasm_bindgen]
pub fn preprocess(xy: Vec<f32>, ends: Vec<u32>, brush: f32) -> Result<Option<Vec<f32>>, JsError> {
    let strokes = Strokes { xy, ends, brush };
    preprocess::to_mnist(&strokes)
        .map(|img| img.map(|i| i.to_vec()))
        .map_err(|e| JsError::new(&e.to_string()))
}

/// A drawing read as a number: each part's image to classify in one batch; then, where a wide
/// part the classifier is unsure of may be two joined digits, the two halves of each cut tried
/// (`cutUnsure`, a second batch, only then); then which images make the number. A single digit
/// gives what `preprocess` gives.
#[wasm_bindgen]
pub struct NumberPlan(joined::Plan);

#[wasm_bindgen]
impl NumberPlan {
    /// Every image so far, one after the other (`n * 784` values), for one `classify`.
    #[wasm_bindgen(getter)]
    pub fn images(&self) -> Vec<f32> {
        self.0.images().as_flattened().to_vec()
    }

    /// Given `classify`'s answers for `images`, the images of the cuts worth reading (both
    /// halves of each, `n * 784` values; empty when there are none), now also at the end of
    /// `images`.
    #[wasm_bindgen(js_name = cutUnsure)]
    pub fn cut_unsure(&mut self, answers: Vec<f32>) -> Result<Vec<f32>, JsError> {
        let answers = self.answers(&answers)?;
        let added = self
            .0
            .cut_unsure(&answers)
            .map_err(|e| JsError::new(&e.to_string()))?;
        let images = self.0.images();
        Ok(images[images.len() - added..].as_flattened().to_vec())
    }

    /// The images that make the number, left to right (indices into `images`), given
    /// `classify`'s answers for all of them.
    pub fn choose(&self, answers: Vec<f32>) -> Result<Vec<u32>, JsError> {
        let answers = self.answers(&answers)?;
        Ok(self
            .0
            .choose(&answers)
            .into_iter()
            .map(|i| i as u32)
            .collect())
    }
}

impl NumberPlan {
    /// `classify`'s answers for every image so far, or why they are not.
    fn answers(&self, answers: &[f32]) -> Result<Vec<Answer>, JsError> {
        let expected = self.0.images().len() * ANSWER_LEN;
        if answers.len() != expected {
            return Err(JsError::new(&format!(
                "expected {expected} numbers ({ANSWER_LEN} per image), got {}",
                answers.len()
            )));
        }
        Ok(answers
            .chunks_exact(ANSWER_LEN)
            .map(Answer::from_row)
            .collect())
    }
}

/// The plan for reading a whole number's strokes (arguments as for `preprocess`);
/// `undefined` when nothing is drawn.
#[wasm_bindgen(js_name = planNumber)]
pub fn plan_number(
    xy: Vec<f32>,
    ends: Vec<u32>,
    brush: f32,
) -> Result<Option<NumberPlan>, JsError> {
    let strokes = Strokes { xy, ends, brush };
    let plan = joined::plan(&strokes).map_err(|e| JsError::new(&e.to_string()))?;
    Ok((!plan.images().is_empty()).then_some(NumberPlan(plan)))
}
