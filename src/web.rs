//! The browser's entry points: a thin wasm-bindgen layer over preprocessing and the classifier.
//!
//! The same layer makes both of the page's modules. The first, built without the `webgpu`
//! feature, holds only the CPU backend (burn-ndarray) so that it downloads fast; the second,
//! with it, adds burn-wgpu and is fetched by the page's worker only where the browser gives a
//! WebGPU adapter. There the backend is chosen at run time: WebGPU when a warm-up inference
//! matches the CPU's answer, the CPU otherwise, with the reason kept for the page to show.

use std::rc::Rc;

use burn::prelude::*;
use js_sys::{Float32Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::classifier::Classifier;
use crate::preprocess::{self, Strokes};
use crate::presets::{self, Preset};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A model ready to classify drawings, on WebGPU or on the CPU.
#[wasm_bindgen]
pub struct Recognizer {
    classifier: Rc<Classifier>,
    backend: &'static str,
    reason: Option<String>,
    preset: &'static Preset,
}

#[wasm_bindgen]
impl Recognizer {
    /// Loads the model `model` ("web", "seed"; empty for the default) on `backend`: "auto" (WebGPU if it works, else the
    /// CPU), "webgpu" (the same, but a fallback is reported as a failure to honour the request)
    /// or "cpu".
    pub async fn create(model: String, backend: String) -> Result<Recognizer, JsError> {
        let preset = if model.is_empty() {
            Some(&presets::ALL[0])
        } else {
            presets::find(&model)
        };
        let preset = preset.ok_or_else(|| {
            let names: Vec<_> = presets::ALL.iter().map(|p| p.name).collect();
            JsError::new(&format!("unknown model {model:?}; choose one of {names:?}"))
        })?;
        let config = (preset.config)();
        #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
        let cpu = Classifier::new(preset.weights, &config, Device::ndarray())
            .map_err(|e| JsError::new(&format!("model {model}: {e}")))?;
        let (classifier, backend, reason) = match backend.as_str() {
            "cpu" => (cpu, "CPU", Some("forced with ?backend=cpu".to_owned())),
            "auto" | "webgpu" => match gpu_classifier(preset, &cpu).await {
                Ok(gpu) => (gpu, "WebGPU", None),
                Err(why) if backend == "webgpu" => (
                    cpu,
                    "CPU",
                    Some(format!("WebGPU was requested but failed: {why}")),
                ),
                Err(why) => (cpu, "CPU", Some(why)),
            },
            other => {
                return Err(JsError::new(&format!(
                    "unknown backend {other:?}; use auto, webgpu or cpu"
                )));
            }
        };
        Ok(Recognizer {
            classifier: Rc::new(classifier),
            backend,
            reason,
            preset,
        })
    }

    /// "WebGPU" or "CPU".
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.to_owned()
    }

    /// Why the CPU is in use, if it is.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> Option<String> {
        self.reason.clone()
    }

    /// The model's name.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.preset.name.to_owned()
    }

    /// The model card (JSON) the trainer wrote beside the weights.
    #[wasm_bindgen(getter)]
    pub fn card(&self) -> String {
        self.preset.card.to_owned()
    }

    /// Resolves to the ten class probabilities (a `Float32Array`) for a 28x28 image.
    pub fn classify(&self, image: Vec<f32>) -> Promise {
        let classifier = Rc::clone(&self.classifier);
        future_to_promise(async move {
            let probs = classifier
                .probabilities(&image)
                .await
                .map_err(|e| JsValue::from(JsError::new(&e)))?;
            Ok(Float32Array::from(&probs[0][..]).into())
        })
    }
}

/// The shipped models as JSON: `[{name, label, card}]`, for the model picker.
#[wasm_bindgen(js_name = models)]
pub fn models() -> String {
    let items: Vec<String> = presets::ALL
        .iter()
        .map(|p| {
            format!(
                r#"{{"name":"{}","label":"{}","card":{}}}"#,
                p.name, p.label, p.card
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// On WebGPU, if this module has it and it passes its checks; else why not.
async fn gpu_classifier(preset: &Preset, cpu: &Classifier) -> Result<Classifier, String> {
    #[cfg(feature = "webgpu")]
    return crate::webgpu::classifier(preset, cpu).await;
    #[cfg(not(feature = "webgpu"))]
    {
        let _ = (preset, cpu);
        Err(
            "this module was built without WebGPU (the page loads the WebGPU module for that)"
                .into(),
        )
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
