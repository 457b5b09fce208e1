//! Turning a burnpack weights file into a ready model, with errors that say what does not match.

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType};

use crate::model::{Mlp, MlpConfig};

/// Why a weights file could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightsError {
    /// Not a burnpack file, or a damaged one.
    Decode(String),
    /// A valid file for another network (other layer widths, or another model altogether).
    Mismatch { expected: String, detail: String },
}

impl std::fmt::Display for WeightsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "not a readable burnpack weights file: {e}"),
            Self::Mismatch { expected, detail } => write!(
                f,
                "the weights do not fit the {expected} network (re-export them with the \
                 trainer for this architecture): {detail}"
            ),
        }
    }
}

impl std::error::Error for WeightsError {}

/// Builds `config`'s network on `device` and fills it with the weights in `bytes`, stored as
/// f16 or f32: either way the network computes in f32.
pub fn load(bytes: &[u8], config: &MlpConfig, device: &Device) -> Result<Mlp, WeightsError> {
    // Widened on the host: burn's cast-on-load would first materialise every parameter's
    // random initial value just to read its dtype.
    let f32_bytes = recode(Bytes::from_bytes_vec(bytes.to_vec()), DType::F32)?;
    let record =
        ModuleRecord::from_bytes(f32_bytes).map_err(|e| WeightsError::Decode(e.to_string()))?;
    config
        .init(device)
        .try_load_record(record)
        .map(|m| m.valid())
        .map_err(|e| WeightsError::Mismatch {
            expected: describe(config),
            detail: e.to_string(),
        })
}

/// How the weights are stored. f16 halves the page's download; the trainer measures the
/// rounded model, so a model card's accuracy is that of the weights it ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F16,
    F32,
}

impl Precision {
    fn dtype(self) -> DType {
        match self {
            Self::F16 => DType::F16,
            Self::F32 => DType::F32,
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::F16 => "f16",
            Self::F32 => "f32",
        })
    }
}

/// Serialises a model's weights as burnpack bytes in `precision`.
pub fn to_bytes(model: Mlp, precision: Precision) -> Result<Vec<u8>, WeightsError> {
    let f32_bytes = model
        .into_record()
        .into_bytes()
        .map_err(|e| WeightsError::Decode(e.to_string()))?;
    // burn-ndarray has no f16 tensors, so the rounding happens on the stored data itself.
    recode(f32_bytes, precision.dtype()).map(|b| b.to_vec())
}

/// The same burnpack with every float tensor converted to `dtype`.
fn recode(bytes: Bytes, dtype: DType) -> Result<Bytes, WeightsError> {
    let decode = |e: burn_pack::Error| WeightsError::Decode(e.to_string());
    let tensors = burn_pack::Reader::from_bytes(bytes)
        .and_then(|r| r.into_tensors())
        .map_err(decode)?;
    let mut out = Vec::with_capacity(tensors.len());
    for tensor in tensors {
        let (name, from, shape, id, bytes) = tensor.into_parts().map_err(decode)?;
        let tensor = if from.is_float() && from != dtype {
            let (bytes, shape, dtype) = TensorData::from_bytes(bytes, shape, from)
                .convert_dtype(dtype)
                .into_parts();
            burn_pack::Tensor::new(name, dtype, shape, id, bytes)
        } else {
            burn_pack::Tensor::new(name, from, shape, id, bytes)
        };
        out.push(tensor);
    }
    burn_pack::Writer::new(out).into_bytes().map_err(decode)
}

/// `784-100-100-10`.
pub fn describe(config: &MlpConfig) -> String {
    let mut parts = vec![crate::model::INPUT_SIZE.to_string()];
    parts.extend(config.hidden.iter().map(|h| h.to_string()));
    parts.push(crate::model::NUM_CLASSES.to_string());
    parts.join("-")
}
