//! Why a model cannot run on WebGPU: the answer of the wasm's `Recognizer.create` on WebGPU,
//! from the first module (built without WebGPU) and the second alike.

use crate::classifier::ClassifyError;
use crate::weights::WeightsError;

/// Why a model cannot run on WebGPU here.
#[derive(Debug, Clone)]
pub enum WebGpuError {
    /// The first module: the page loads the WebGPU module for WebGPU.
    NotBuiltIn,
    /// `navigator.gpu` is missing, or gave no adapter.
    NoWebGpu,
    NoAdapter,
    /// The browser refused: its own words.
    Browser(String),
    /// burn's WebGPU runtime could not be set up.
    Setup(String),
    Weights(WeightsError),
    /// The warm-up could not be read back, or its answer is not a probability.
    WarmUp(ClassifyError),
    /// The warm-up answer differs from the CPU's by more than the tolerance.
    Differs {
        by: f32,
        tolerance: f32,
    },
}

impl std::fmt::Display for WebGpuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotBuiltIn => write!(
                f,
                "this module was built without WebGPU (the page loads the WebGPU module for that)"
            ),
            Self::NoWebGpu => write!(f, "this browser has no WebGPU: navigator.gpu is missing"),
            Self::NoAdapter => write!(
                f,
                "no WebGPU adapter: navigator.gpu.requestAdapter() gave none"
            ),
            Self::Browser(e) => write!(f, "{e}"),
            Self::Setup(e) => write!(f, "WebGPU set-up failed: {e}"),
            Self::Weights(e) => write!(f, "{e}"),
            Self::WarmUp(e) => write!(f, "WebGPU's warm-up result cannot be trusted: {e}"),
            Self::Differs { by, tolerance } => write!(
                f,
                "WebGPU's warm-up result differs from the CPU's by {by:e}, over {tolerance:e}"
            ),
        }
    }
}

impl std::error::Error for WebGpuError {}
