//! Turning a burnpack weights file into a ready model, with errors that say what does not match.

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

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

/// Builds `config`'s network on `device` and fills it with the weights in `bytes`.
pub fn load(bytes: &[u8], config: &MlpConfig, device: &Device) -> Result<Mlp, WeightsError> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| WeightsError::Decode(e.to_string()))?;
    config
        .init(device)
        .try_load_record(record)
        .map(|m| m.valid())
        .map_err(|e| WeightsError::Mismatch {
            expected: describe(config),
            detail: e.to_string(),
        })
}

/// Serialises a model's weights as burnpack bytes.
pub fn to_bytes(model: Mlp) -> Result<Vec<u8>, WeightsError> {
    model
        .into_record()
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| WeightsError::Decode(e.to_string()))
}

/// `784-100-100-10`.
pub fn describe(config: &MlpConfig) -> String {
    let mut parts = vec![crate::model::INPUT_SIZE.to_string()];
    parts.extend(config.hidden.iter().map(|h| h.to_string()));
    parts.push(crate::model::NUM_CLASSES.to_string());
    parts.join("-")
}
