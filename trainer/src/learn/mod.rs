//! Training: the loop over epochs (`train`), Adam in one pass per parameter (`adam`), batches
//! (`batch`), learning from a teacher (`distill`), through int4 rounding (`int4`), the backends (`backend`) and a model's
//! accuracy on a set (`evaluate`, which the loop reports each epoch). Reads `sets` and `draw`.

pub mod adam;
pub mod backend;
pub mod batch;
pub mod distill;
pub mod evaluate;
pub mod int4;
pub mod train;
