//! WebGPU for the browser's second module: burn-wgpu's device, set up once, and a classifier on
//! it that is trusted only when its warm-up answer matches the CPU's.

use std::cell::RefCell;

use burn::prelude::*;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::classifier::{BATCH_BUCKETS, Classifier};
use crate::model::INPUT_SIZE;
use crate::presets::Preset;
use crate::webgpu_error::WebGpuError;

/// How far WebGPU's probabilities may stray from the CPU's before we distrust it.
const TOLERANCE: f32 = 1e-4;

unsafe extern "C" {
    /// The linker's function that runs every static constructor: cubecl's IR (pliron)
    /// registers its dialects from constructors, and only the WebGPU path uses it.
    fn __wasm_call_ctors();
}

/// Runs the static constructors once, before anything of WebGPU's is touched (not from the
/// module's start function: a test harness's module has its own).
///
/// Left alone, a module that never calls `__wasm_call_ctors` counts as a "command" to wasm-ld,
/// which then re-runs every constructor at the top of every exported function, so every
/// prediction would pay for cubecl's registrations again. The first module has no cubecl and
/// needs none of this.
fn run_static_constructors() {
    static DONE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `Once` runs them exactly once per instance.
    DONE.call_once(|| unsafe { __wasm_call_ctors() });
}

thread_local! {
    /// burn's WebGPU runtime can be set up once per page; every model shares it.
    static WEBGPU: RefCell<Option<Result<Device, WebGpuError>>> = const { RefCell::new(None) };
}

/// A WebGPU classifier for `preset`'s network with `weights`, whose warm-up answer matches the
/// CPU's, or why there is none.
pub(crate) async fn classifier(
    preset: &Preset,
    weights: &[u8],
    cpu: &Classifier,
) -> Result<Classifier, WebGpuError> {
    run_static_constructors();
    let device = webgpu_device().await?;
    let gpu =
        Classifier::bucketed(weights, &preset.config(), device).map_err(WebGpuError::Weights)?;
    // One image, two (a number's batch) and nine (as the 18 halves of a wide part's cuts are),
    // each padded to its bucket: the shapes the page will send are compiled here, in the worker,
    // rather than on a person's first number or first unsure wide stroke.
    let probe = warm_up_image();
    for batch in [
        probe.clone(),
        probe.repeat(2),
        probe.repeat(BATCH_BUCKETS[0] + 1),
    ] {
        let want = cpu
            .probabilities(&batch)
            .await
            .map_err(WebGpuError::WarmUp)?;
        let got = gpu
            .probabilities(&batch)
            .await
            .map_err(WebGpuError::WarmUp)?;
        for (w, g) in want.iter().zip(&got) {
            let diff = crate::classifier::answers_differ_by(&w.row(), &g.row())
                .map_err(WebGpuError::WarmUp)?;
            if diff > TOLERANCE {
                return Err(WebGpuError::Differs {
                    by: diff,
                    tolerance: TOLERANCE,
                });
            }
        }
    }
    Ok(gpu)
}

async fn webgpu_device() -> Result<Device, WebGpuError> {
    if let Some(cached) = WEBGPU.with(|w| w.borrow().clone()) {
        return cached;
    }
    let result = init_webgpu().await;
    WEBGPU.with(|w| *w.borrow_mut() = Some(result.clone()));
    result
}

async fn init_webgpu() -> Result<Device, WebGpuError> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())
        .map_err(|_| WebGpuError::Browser("no navigator object".into()))?;
    let gpu = Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err(WebGpuError::NoWebGpu);
    }
    // Ask for an adapter ourselves first: wgpu reports a missing one less clearly.
    let request: js_sys::Function = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| WebGpuError::Browser("navigator.gpu.requestAdapter is missing".into()))?;
    let adapter = match request.call0(&gpu) {
        Ok(p) => JsFuture::from(Promise::from(p))
            .await
            .map_err(|e| WebGpuError::Browser(js_text(e)))?,
        Err(e) => return Err(WebGpuError::Browser(js_text(e))),
    };
    if adapter.is_null() || adapter.is_undefined() {
        return Err(WebGpuError::NoAdapter);
    }
    Device::wgpu_options()
        .graphics_api(burn::tensor::wgpu::WgpuBackend::WebGpu)
        .init_async()
        .await
        .map_err(|e| WebGpuError::Setup(e.to_string()))
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
