//! How a drawing becomes a training image.

pub mod pen;
