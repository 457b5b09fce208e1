//! What a trained model does on what it never trained on: drawn digits and the held-out
//! styles (`styles`, `validation`), optdigits' scanned forms (`optdigits`), real writers' pen
//! strokes (`pen`), "not a digit" (`rejection`), whole numbers (`numbers`), the unsure
//! threshold (`unsure`), and all of them at once for a card (`report`). Reads the stages
//! before it.

pub mod numbers;
pub mod optdigits;
pub mod pen;
pub mod rejection;
pub mod report;
pub mod sheet;
pub mod styles;
pub mod typefaces;
pub mod unsure;
pub mod validation;
