//! Turning a burnpack weights file into a ready model, with errors that say what does not match.

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType, f16};

use crate::model::{Mlp, MlpConfig};
pub use crate::precision::Precision;

/// Why a weights file could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightsError {
    /// Not a burnpack file, or a damaged one.
    Decode(String),
    /// burn could not serialise a model's weights.
    Encode(String),
    /// A valid file for another network (other layer widths, or another model altogether).
    Mismatch { expected: String, detail: String },
}

impl std::fmt::Display for WeightsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "not a readable burnpack weights file: {e}"),
            Self::Encode(e) => write!(f, "the weights could not be written: {e}"),
            Self::Mismatch { expected, detail } => write!(
                f,
                "the weights do not fit the {expected} network (re-export them with the \
                 trainer for this architecture): {detail}"
            ),
        }
    }
}

impl std::error::Error for WeightsError {}

/// Suffix of the tensor that holds an int8 or int4 matrix's scales: `layers.0.weight` is
/// dequantised with `layers.0.weight.scale`.
const SCALE_SUFFIX: &str = ".scale";

/// Input rows of an int4 matrix that share one scale per output unit. 4 bits leave 15 levels,
/// so a unit's scale follows its weights' size along the input (the pad's centre against its
/// edges) rather than being set by its largest weight anywhere.
pub const INT4_GROUP_ROWS: usize = 56;

/// Builds `config`'s network on `device` and fills it with the weights in `bytes`, stored as
/// int4, int8, f16 or f32: either way the network computes in f32.
pub fn load(bytes: &[u8], config: &MlpConfig, device: &Device) -> Result<Mlp, WeightsError> {
    // Widened on the host: burn's cast-on-load would first materialise every parameter's
    // random initial value just to read its dtype.
    let f32_bytes = widen(Bytes::from_bytes_vec(bytes.to_vec()))?;
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

/// Serialises a model's weights as burnpack bytes in `precision`.
pub fn to_bytes(model: Mlp, precision: Precision) -> Result<Vec<u8>, WeightsError> {
    let f32_bytes = model
        .into_record()
        .into_bytes()
        .map_err(|e| WeightsError::Encode(e.to_string()))?;
    narrow(f32_bytes, precision).map(|b| b.to_vec())
}

/// The same weights (stored in any precision) in `precision`, e.g. to re-store a trained
/// model's f16 file as int8.
pub fn convert(bytes: &[u8], precision: Precision) -> Result<Vec<u8>, WeightsError> {
    let f32_bytes = widen(Bytes::from_bytes_vec(bytes.to_vec()))?;
    narrow(f32_bytes, precision).map(|b| b.to_vec())
}

fn decode_error(e: burn_pack::Error) -> WeightsError {
    WeightsError::Decode(e.to_string())
}

fn read_tensors(bytes: Bytes) -> Result<Vec<burn_pack::Tensor>, WeightsError> {
    burn_pack::Reader::from_bytes(bytes)
        .and_then(|r| r.into_tensors())
        .map_err(decode_error)
}

/// An f32 burnpack stored in `precision`. burn-ndarray has neither f16 nor integer weights, so
/// the rounding happens on the stored data itself.
fn narrow(f32_bytes: Bytes, precision: Precision) -> Result<Bytes, WeightsError> {
    let mut out = Vec::new();
    for tensor in read_tensors(f32_bytes)? {
        let (name, dtype, shape, id, bytes) = tensor.into_parts().map_err(decode_error)?;
        match precision {
            Precision::Int8 if dtype == DType::F32 && shape.rank() == 2 => {
                let [rows, cols] = shape.dims::<2>();
                let values = TensorData::from_bytes(bytes, shape, dtype)
                    .try_to_vec::<f32>()
                    .map_err(|e| WeightsError::Decode(format!("{name}: {e:?}")))?;
                let (q, scales) = quantize_columns(&values, rows, cols);
                let scale_name = format!("{name}{SCALE_SUFFIX}");
                let q = TensorData::new(q, [rows, cols]);
                let scales = TensorData::new(scales, [cols]);
                for (name, id, data) in [(name, id, q), (scale_name, None, scales)] {
                    let (bytes, shape, dtype) = data.into_parts();
                    out.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes));
                }
            }
            Precision::Int4 if dtype == DType::F32 && shape.rank() == 2 => {
                let [rows, cols] = shape.dims::<2>();
                let values = TensorData::from_bytes(bytes, shape, dtype)
                    .try_to_vec::<f32>()
                    .map_err(|e| WeightsError::Decode(format!("{name}: {e:?}")))?;
                let groups = int4_groups(rows);
                let (packed, scales) = quantize_int4(&values, rows, cols, groups);
                let scale_name = format!("{name}{SCALE_SUFFIX}");
                let packed = TensorData::new(packed, [rows, cols.div_ceil(2)]);
                let scales = TensorData::new(scales, [groups, cols]).convert_dtype(DType::F16);
                for (name, id, data) in [(name, id, packed), (scale_name, None, scales)] {
                    let (bytes, shape, dtype) = data.into_parts();
                    out.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes));
                }
            }
            Precision::F16 if dtype.is_float() && dtype != DType::F16 => {
                let (bytes, shape, dtype) = TensorData::from_bytes(bytes, shape, dtype)
                    .convert_dtype(DType::F16)
                    .into_parts();
                out.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes));
            }
            _ => out.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes)),
        }
    }
    burn_pack::Writer::new(out)
        .into_bytes()
        .map_err(decode_error)
}

/// A burnpack in any of the stored precisions, as the f32 burnpack burn loads: f16 widened,
/// int8 and int4 matrices multiplied back by their scales, the scale tensors dropped.
fn widen(bytes: Bytes) -> Result<Bytes, WeightsError> {
    let mut tensors = Vec::new();
    let mut scales = std::collections::HashMap::new();
    for tensor in read_tensors(bytes)? {
        let parts = tensor.into_parts().map_err(decode_error)?;
        match parts.0.strip_suffix(SCALE_SUFFIX) {
            Some(owner) if parts.1.is_float() => {
                let dims = parts.2.clone();
                let data = TensorData::from_bytes(parts.4, parts.2, parts.1);
                let values = data
                    .convert_dtype(DType::F32)
                    .try_to_vec::<f32>()
                    .map_err(|e| WeightsError::Decode(format!("{}: {e:?}", parts.0)))?;
                scales.insert(owner.to_owned(), (dims, values));
            }
            _ => tensors.push(parts),
        }
    }
    let mut out = Vec::with_capacity(tensors.len());
    for (name, dtype, shape, id, bytes) in tensors {
        if shape.num_elements() == 0 {
            return Err(WeightsError::Decode(format!(
                "tensor {name} of shape {shape:?} is empty"
            )));
        }
        let data = TensorData::from_bytes(bytes, shape.clone(), dtype);
        let data = if dtype == DType::U8 {
            let (dims, scales) = scales.remove(&name).ok_or_else(|| {
                WeightsError::Decode(format!("int4 tensor {name} has no {name}{SCALE_SUFFIX}"))
            })?;
            let (rows, cols, groups) = match (shape.as_slice(), dims.as_slice()) {
                ([rows, packed], [groups, cols])
                    if *groups >= 1
                        && *groups <= *rows
                        && cols.div_ceil(2) == *packed
                        && scales.len() == groups * cols =>
                {
                    (*rows, *cols, *groups)
                }
                _ => {
                    return Err(WeightsError::Decode(format!(
                        "int4 tensor {name} of shape {shape:?} does not fit scales of shape {dims:?}"
                    )));
                }
            };
            let packed = data
                .try_to_vec::<u8>()
                .map_err(|e| WeightsError::Decode(format!("{name}: {e:?}")))?;
            let values = dequantize_int4(&packed, &scales, rows, cols, groups)
                .ok_or_else(|| WeightsError::Decode(format!("int4 tensor {name} holds -8")))?;
            TensorData::new(values, [rows, cols])
        } else if dtype == DType::I8 {
            let (_, scales) = scales.remove(&name).ok_or_else(|| {
                WeightsError::Decode(format!("int8 tensor {name} has no {name}{SCALE_SUFFIX}"))
            })?;
            if shape.rank() != 2 || shape.dims::<2>()[1] != scales.len() {
                return Err(WeightsError::Decode(format!(
                    "int8 tensor {name} of shape {shape:?} has {} scales",
                    scales.len()
                )));
            }
            let q = data
                .try_to_vec::<i8>()
                .map_err(|e| WeightsError::Decode(format!("{name}: {e:?}")))?;
            TensorData::new(dequantize_columns(&q, &scales), shape)
        } else if dtype.is_float() && dtype != DType::F32 {
            data.convert_dtype(DType::F32)
        } else {
            data
        };
        if data.dtype() == DType::F32 {
            let values = data
                .as_slice::<f32>()
                .map_err(|e| WeightsError::Decode(format!("{name}: {e:?}")))?;
            if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                return Err(WeightsError::Decode(format!(
                    "tensor {name} holds {v}: the weights are damaged"
                )));
            }
        }
        let (bytes, shape, dtype) = data.into_parts();
        out.push(burn_pack::Tensor::new(name, dtype, shape, id, bytes));
    }
    if let Some(orphan) = scales.keys().next() {
        return Err(WeightsError::Decode(format!(
            "scales {orphan}{SCALE_SUFFIX} belong to no int8 or int4 tensor"
        )));
    }
    burn_pack::Writer::new(out)
        .into_bytes()
        .map_err(decode_error)
}

/// Symmetric int8 quantisation of a row-major `rows x cols` matrix with one scale per column
/// (burn's `Linear` stores `[inputs, outputs]`, so a column is one output unit).
pub fn quantize_columns(values: &[f32], rows: usize, cols: usize) -> (Vec<i8>, Vec<f32>) {
    debug_assert_eq!(values.len(), rows * cols);
    let mut scales = vec![0.0f32; cols];
    for row in values.chunks_exact(cols) {
        for (s, v) in scales.iter_mut().zip(row) {
            *s = s.max(v.abs());
        }
    }
    for s in &mut scales {
        *s /= 127.0;
    }
    let q = values
        .chunks_exact(cols)
        .flat_map(|row| {
            row.iter().zip(&scales).map(|(v, s)| {
                if *s > 0.0 {
                    (v / s).round().clamp(-127.0, 127.0) as i8
                } else {
                    0
                }
            })
        })
        .collect();
    (q, scales)
}

/// The inverse of [`quantize_columns`], up to rounding.
pub fn dequantize_columns(q: &[i8], scales: &[f32]) -> Vec<f32> {
    q.chunks_exact(scales.len())
        .flat_map(|row| row.iter().zip(scales).map(|(q, s)| f32::from(*q) * s))
        .collect()
}

/// Symmetric 4-bit quantisation of a row-major `rows x cols` matrix, packed two values to a
/// byte along each row (low nibble first), with one scale per column and band of
/// `rows / groups` rows (`[groups, cols]`, row-major, each exact in f16). Each scale is the one of a few clipping
/// levels that leaves the least squared error: with 15 levels, letting the rare largest
/// weight clip keeps the many small ones apart.
pub fn quantize_int4(
    values: &[f32],
    rows: usize,
    cols: usize,
    groups: usize,
) -> (Vec<u8>, Vec<f32>) {
    let scales = int4_scales(values, rows, cols, groups);
    let band = rows.div_ceil(groups.max(1));
    let mut packed = vec![0u8; rows * cols.div_ceil(2)];
    for r in 0..rows {
        for c in 0..cols {
            let s = scales[(r / band) * cols + c];
            let q = if s > 0.0 {
                (values[r * cols + c] / s).round().clamp(-7.0, 7.0) as i8
            } else {
                0
            };
            let nibble = (q as u8) & 0x0f;
            packed[r * cols.div_ceil(2) + c / 2] |= nibble << (4 * (c % 2));
        }
    }
    (packed, scales)
}

/// Groups of input rows an int4 matrix of `rows` inputs is stored with.
pub fn int4_groups(rows: usize) -> usize {
    rows.div_ceil(INT4_GROUP_ROWS).max(1)
}

/// [`quantize_int4`]'s scales, `[groups, cols]`.
pub fn int4_scales(values: &[f32], rows: usize, cols: usize, groups: usize) -> Vec<f32> {
    debug_assert_eq!(values.len(), rows * cols);
    let band = rows.div_ceil(groups.max(1));
    let mut scales = vec![0.0f32; groups * cols];
    for (g, rows) in values.chunks(band * cols).enumerate() {
        for c in 0..cols {
            let column = || rows.iter().skip(c).step_by(cols);
            let top = column().fold(0.0f32, |m, v| m.max(v.abs()));
            let error = |scale: f32| -> f32 {
                column()
                    .map(|v| (v - (v / scale).round().clamp(-7.0, 7.0) * scale).powi(2))
                    .sum()
            };
            scales[g * cols + c] = if top > 0.0 {
                (10..=20)
                    // As stored: the scales are kept as f16.
                    .map(|k| f16::from_f32(top * k as f32 / 20.0 / 7.0).to_f32())
                    .map(|s| (error(s), s))
                    .fold(
                        (f32::INFINITY, 0.0),
                        |best, e| if e.0 < best.0 { e } else { best },
                    )
                    .1
            } else {
                0.0
            };
        }
    }
    scales
}

/// The inverse of [`quantize_int4`], up to rounding; `None` where a nibble holds -8, which
/// the quantiser never writes.
pub fn dequantize_int4(
    packed: &[u8],
    scales: &[f32],
    rows: usize,
    cols: usize,
    groups: usize,
) -> Option<Vec<f32>> {
    let band = rows.div_ceil(groups);
    let width = cols.div_ceil(2);
    let mut out = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            let nibble = (packed[r * width + c / 2] >> (4 * (c % 2))) & 0x0f;
            // Sign-extend the 4-bit two's complement value.
            let q = ((nibble << 4) as i8) >> 4;
            if q == -8 {
                return None;
            }
            out.push(f32::from(q) * scales[(r / band) * cols + c]);
        }
    }
    Some(out)
}

/// `784-100-100-10`.
pub fn describe(config: &MlpConfig) -> String {
    let mut parts = vec![config.input().width().to_string()];
    parts.extend(config.hidden.iter().map(|h| h.to_string()));
    parts.push(config.outputs.to_string());
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_columns_round_trip_within_half_a_step() {
        // Three outputs of very different magnitude, and one that is all zeros.
        let (rows, cols) = (5, 4);
        let values: Vec<f32> = (0..rows * cols)
            .map(|i| {
                let (r, c) = ((i / cols) as f32, i % cols);
                [0.01 * (r - 2.0), 3.0 * (2.0 - r).sin(), -0.5 + 0.2 * r, 0.0][c]
            })
            .collect();
        let (q, scales) = quantize_columns(&values, rows, cols);
        assert_eq!(scales[3], 0.0);
        assert!((scales[0] - 0.02 / 127.0).abs() < 1e-9, "{scales:?}");
        // Each column's largest value maps to +-127.
        for c in 0..3 {
            let top = (0..rows).map(|r| q[r * cols + c].unsigned_abs()).max();
            assert_eq!(top, Some(127), "column {c}");
        }
        let back = dequantize_columns(&q, &scales);
        for (i, (a, b)) in values.iter().zip(&back).enumerate() {
            assert!(
                (a - b).abs() <= scales[i % cols] / 2.0 + 1e-7,
                "{i}: {a} -> {b}"
            );
        }
    }

    #[test]
    fn int4_round_trips_within_half_a_step_of_each_band() {
        // An odd number of columns (the last byte of a row half used), a zero column, and
        // two bands whose sizes differ a hundredfold.
        let (rows, cols, groups) = (6, 3, 2);
        let values: Vec<f32> = (0..rows * cols)
            .map(|i| {
                let (r, c) = (i / cols, i % cols);
                let size = if r < 3 { 0.01 } else { 1.0 };
                [size * (r as f32 - 2.5), 0.0, -size * (r % 3) as f32][c]
            })
            .collect();
        let (packed, scales) = quantize_int4(&values, rows, cols, groups);
        assert_eq!(packed.len(), rows * 2);
        assert_eq!(scales.len(), groups * cols);
        assert_eq!((scales[1], scales[4]), (0.0, 0.0));
        assert!(scales[0] < scales[3] / 50.0, "{scales:?}");
        for s in &scales {
            assert_eq!(f16::from_f32(*s).to_f32(), *s, "scales are stored as f16");
        }
        let back = dequantize_int4(&packed, &scales, rows, cols, groups).unwrap();
        for (i, (a, b)) in values.iter().zip(&back).enumerate() {
            let s = scales[(i / cols / 3) * cols + i % cols];
            // Within half a step, or clipped at 7 steps.
            assert!(
                (a - b).abs() <= s / 2.0 + 1e-7 || (b.abs() - 7.0 * s).abs() < 1e-7,
                "{i}: {a} -> {b} (scale {s})"
            );
        }
    }

    #[test]
    fn damaged_int4_is_a_decode_error() {
        let scales = TensorData::new(vec![0.5f32, 0.5, 0.5], [1, 3]);
        // -8 (0x8) is never written.
        let minus_eight = pack(vec![
            ("w", TensorData::new(vec![0x21u8, 0x08], [1, 2])),
            ("w.scale", scales.clone()),
        ]);
        let err = widen(Bytes::from_bytes_vec(minus_eight)).unwrap_err();
        assert!(err.to_string().contains("-8"), "{err}");
        // Four columns' worth of bytes for three scales.
        let wide = pack(vec![
            ("w", TensorData::new(vec![0x21u8, 0x43, 0x11], [1, 3])),
            ("w.scale", scales),
        ]);
        let err = widen(Bytes::from_bytes_vec(wide)).unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
        let alone = pack(vec![("w", TensorData::new(vec![0x21u8], [1, 1]))]);
        let err = widen(Bytes::from_bytes_vec(alone)).unwrap_err();
        assert!(err.to_string().contains("w.scale"), "{err}");
        // A good one reads back, low nibble first: 1, 2, then -1 from 0xf.
        let good = pack(vec![
            ("w", TensorData::new(vec![0x21u8, 0x0f], [1, 2])),
            ("w.scale", TensorData::new(vec![0.5f32, 0.25, 2.0], [1, 3])),
        ]);
        let tensors = read_tensors(widen(Bytes::from_bytes_vec(good)).unwrap()).unwrap();
        let (_, dtype, shape, _, bytes) = tensors.into_iter().next().unwrap().into_parts().unwrap();
        let values = TensorData::from_bytes(bytes, shape, dtype)
            .try_to_vec::<f32>()
            .unwrap();
        assert_eq!(values, vec![0.5, 0.5, -2.0]);
    }

    #[test]
    fn precision_names_parse_back() {
        for p in Precision::ALL {
            assert_eq!(p.name().parse::<Precision>(), Ok(p));
        }
        assert!("int2".parse::<Precision>().is_err());
    }

    fn pack(tensors: Vec<(&str, TensorData)>) -> Vec<u8> {
        let tensors = tensors
            .into_iter()
            .map(|(name, data)| {
                let (bytes, shape, dtype) = data.into_parts();
                burn_pack::Tensor::new(name.to_owned(), dtype, shape, None, bytes)
            })
            .collect();
        burn_pack::Writer::new(tensors)
            .into_bytes()
            .unwrap()
            .to_vec()
    }

    #[test]
    fn int8_without_its_scales_is_a_decode_error() {
        let q = TensorData::new(vec![1i8, -2, 3, 4], [2, 2]);
        let alone = pack(vec![("w", q.clone())]);
        let err = widen(Bytes::from_bytes_vec(alone)).unwrap_err();
        assert!(err.to_string().contains("w.scale"), "{err}");
        let short = pack(vec![
            ("w", q),
            ("w.scale", TensorData::new(vec![0.5f32], [1])),
        ]);
        let err = widen(Bytes::from_bytes_vec(short)).unwrap_err();
        assert!(err.to_string().contains("1 scales"), "{err}");
        let orphan = pack(vec![("v.scale", TensorData::new(vec![0.5f32], [1]))]);
        let err = widen(Bytes::from_bytes_vec(orphan)).unwrap_err();
        assert!(err.to_string().contains("belong to no int8"), "{err}");
    }

    #[test]
    fn an_empty_int8_tensor_is_a_decode_error_not_a_panic() {
        let empty = pack(vec![
            ("w", TensorData::new(Vec::<i8>::new(), [3, 0])),
            ("w.scale", TensorData::new(Vec::<f32>::new(), [0])),
        ]);
        let err = widen(Bytes::from_bytes_vec(empty)).unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    #[test]
    fn weights_that_are_not_finite_are_refused() {
        for bad in [f32::NAN, f32::INFINITY] {
            let f32s = pack(vec![("b", TensorData::new(vec![0.5f32, bad], [2]))]);
            let err = widen(Bytes::from_bytes_vec(f32s)).unwrap_err();
            assert!(err.to_string().contains("damaged"), "{err}");
            // Through int8, a NaN scale.
            let int8 = pack(vec![
                ("w", TensorData::new(vec![1i8, 2], [1, 2])),
                ("w.scale", TensorData::new(vec![0.5f32, bad], [2])),
            ]);
            let err = widen(Bytes::from_bytes_vec(int8)).unwrap_err();
            assert!(err.to_string().contains("damaged"), "{err}");
        }
    }
}
