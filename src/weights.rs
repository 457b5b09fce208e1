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
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| WeightsError::Decode(e.to_string()))?
        .cast_to_module_dtype();
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
    let encode = |e: &dyn std::fmt::Display| WeightsError::Decode(e.to_string());
    let f32_bytes = model.into_record().into_bytes().map_err(|e| encode(&e))?;
    if precision == Precision::F32 {
        return Ok(f32_bytes.to_vec());
    }
    // burn-ndarray has no f16 tensors, so the rounding happens on the stored data itself.
    let tensors = burn_pack::Reader::from_bytes(f32_bytes)
        .and_then(|r| r.into_tensors())
        .map_err(|e| encode(&e))?;
    let mut rounded = Vec::with_capacity(tensors.len());
    for tensor in tensors {
        let (name, dtype, shape, id, bytes) = tensor.into_parts().map_err(|e| encode(&e))?;
        let (bytes, shape, dtype) = TensorData::from_bytes(bytes, shape, dtype)
            .convert_dtype(precision.dtype())
            .into_parts();
        rounded.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes));
    }
    burn_pack::Writer::new(rounded)
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| encode(&e))
}

/// `784-100-100-10`.
pub fn describe(config: &MlpConfig) -> String {
    let mut parts = vec![crate::model::INPUT_SIZE.to_string()];
    parts.extend(config.hidden.iter().map(|h| h.to_string()));
    parts.push(crate::model::NUM_CLASSES.to_string());
    parts.join("-")
}
