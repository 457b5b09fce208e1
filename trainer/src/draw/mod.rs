//! How a drawing becomes a training image: MNIST digits traced into pen strokes and redrawn,
//! distorted and style-edited (`augment`, `restyle`, `trace`), coarsened as a scanned form is
//! (`coarsen`), letters, shapes and scribbles drawn as "not a digit" (`negatives`), and real
//! writers' strokes drawn with the pad's brush (`pen`). Reads `sets`; nothing later.

pub mod augment;
pub mod coarsen;
pub mod negatives;
pub mod pen;
pub mod restyle;
pub mod trace;
pub mod typeface;
