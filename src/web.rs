//! The browser's entry points: a thin wasm-bindgen layer over preprocessing and the classifier.
//!
//! The backend is chosen at run time: WebGPU when the browser gives an adapter and a warm-up
//! inference matches the CPU's answer, the CPU (burn-ndarray) otherwise, with the reason kept
//! for the page to show.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use js_sys::{Float32Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::classifier::Classifier;
use crate::model::INPUT_SIZE;
use crate::preprocess::{self, Strokes};
use crate::presets::{self, Preset};

/// How far WebGPU's probabilities may stray from the CPU's before we distrust it.
const TOLERANCE: f32 = 1e-4;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

unsafe extern "C" {
    /// The linker's function that runs every static constructor: cubecl's IR (pliron)
    /// registers its dialects from constructors, and only the WebGPU path uses it.
    fn __wasm_call_ctors();
}

/// Runs the static constructors, once, before anything of WebGPU's is touched.
///
/// Left alone, a module that never calls `__wasm_call_ctors` counts as a "command" to wasm-ld,
/// which then re-runs every constructor at the top of every exported function: that was about
/// 40% of each prediction's time. Run here instead of at start, the CPU path never pays for
/// them (about 50 ms of start-up).
fn run_static_constructors() {
    static DONE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `Once` runs them exactly once per instance.
    DONE.call_once(|| unsafe { __wasm_call_ctors() });
}

thread_local! {
    /// burn's WebGPU runtime can be set up once per page; every model shares it.
    static WEBGPU: RefCell<Option<Result<Device, String>>> = const { RefCell::new(None) };
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
            "auto" | "webgpu" => match webgpu_classifier(preset, &cpu).await {
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

/// A WebGPU classifier whose warm-up answer matches the CPU's, or why there is none.
async fn webgpu_classifier(preset: &Preset, cpu: &Classifier) -> Result<Classifier, String> {
    let device = webgpu_device().await?;
    let gpu =
        Classifier::new(preset.weights, &(preset.config)(), device).map_err(|e| e.to_string())?;
    let probe = warm_up_image();
    let want = cpu.probabilities(&probe).await?;
    let got = gpu.probabilities(&probe).await?;
    let diff = want[0]
        .iter()
        .zip(&got[0])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    if diff.is_nan() || diff > TOLERANCE {
        return Err(format!(
            "WebGPU's warm-up result differs from the CPU's by {diff:e}, over {TOLERANCE:e}"
        ));
    }
    Ok(gpu)
}

async fn webgpu_device() -> Result<Device, String> {
    if let Some(cached) = WEBGPU.with(|w| w.borrow().clone()) {
        return cached;
    }
    let result = init_webgpu().await;
    WEBGPU.with(|w| *w.borrow_mut() = Some(result.clone()));
    result
}

async fn init_webgpu() -> Result<Device, String> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())
        .map_err(|_| "no navigator object".to_owned())?;
    let gpu = Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU (navigator.gpu is missing)".into());
    }
    // Ask for an adapter ourselves first: wgpu reports a missing one less clearly.
    let request: js_sys::Function = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter is missing")?;
    let adapter = match request.call0(&gpu) {
        Ok(p) => JsFuture::from(Promise::from(p)).await.map_err(js_text)?,
        Err(e) => return Err(js_text(e)),
    };
    if adapter.is_null() || adapter.is_undefined() {
        return Err("no WebGPU adapter (navigator.gpu.requestAdapter() gave none)".into());
    }
    run_static_constructors();
    Device::wgpu_options()
        .graphics_api(burn::tensor::wgpu::WgpuBackend::WebGpu)
        .init_async()
        .await
        .map_err(|e| format!("WebGPU set-up failed: {e}"))
}

/// A fixed, digit-like input for the warm-up comparison: a ring.
fn warm_up_image() -> Vec<f32> {
    (0..INPUT_SIZE)
        .map(|i| {
            let (x, y) = ((i % 28) as f32 - 13.5, (i / 28) as f32 - 13.5);
            let r = (x * x + y * y).sqrt();
            (1.0 - (r - 7.0).abs() / 2.0).clamp(0.0, 1.0)
        })
        .collect()
}

fn js_text(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|err| String::from(err.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
