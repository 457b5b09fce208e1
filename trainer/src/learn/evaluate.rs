//! Measuring a model: accuracy and confusion on labelled images, on MNIST's test split as
//! scanned and as drawn on the pad.

use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp, NUM_CLASSES};

use crate::draw::trace::redraw;
use crate::learn::batch::Batcher;
use crate::sets::mnist::Dataset;
use digits::pixels::byte;

/// Predictions of a model on labelled images.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub correct: usize,
    pub total: usize,
    /// `confusion[label][prediction]`.
    pub confusion: [[u32; NUM_CLASSES]; NUM_CLASSES],
    pub predictions: Vec<u8>,
}

impl Evaluation {
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }

    /// Accuracy per true digit.
    pub fn per_class(&self) -> [f64; NUM_CLASSES] {
        std::array::from_fn(|d| {
            let row = &self.confusion[d];
            let n: u32 = row.iter().sum();
            if n == 0 {
                0.0
            } else {
                row[d] as f64 / n as f64
            }
        })
    }
}

/// Classifies every image of `data` and tallies the results.
pub fn evaluate(model: &Mlp, data: &Dataset, device: &Device) -> Evaluation {
    const CHUNK: usize = 1000;
    let mut batcher = Batcher::default();
    let mut confusion = [[0u32; NUM_CLASSES]; NUM_CLASSES];
    let mut predictions = Vec::with_capacity(data.len());
    let order: Vec<usize> = (0..data.len()).collect();
    for chunk in order.chunks(CHUNK) {
        let (x, _) = batcher.batch(data, chunk, device);
        // The digit read is the top of the digits' outputs: whether a network with an eleventh,
        // "not a digit", output turns the drawing away is measured apart (`rejection`).
        let logits = model.forward(x);
        let width = logits.dims()[1].min(NUM_CLASSES);
        let pred = logits.narrow(1, 0, width).argmax(1).into_data();
        for (&i, p) in chunk.iter().zip(pred.iter::<i64>()) {
            let p = p as usize;
            confusion[data.labels[i] as usize][p] += 1;
            predictions.push(p as u8);
        }
    }
    let correct = (0..NUM_CLASSES).map(|d| confusion[d][d] as usize).sum();
    Evaluation {
        correct,
        total: data.len(),
        confusion,
        predictions,
    }
}

/// `test`'s digits redrawn as pen strokes through the page's preprocessing (two threads).
pub fn drawn_dataset(test: &Dataset) -> Dataset {
    let n = test.len();
    let mut pixels = vec![0u8; n * INPUT_SIZE];
    let half = n.div_ceil(2).max(1);
    std::thread::scope(|scope| {
        for (part, chunk) in pixels.chunks_mut(half * INPUT_SIZE).enumerate() {
            scope.spawn(move || {
                for (j, out) in chunk.chunks_mut(INPUT_SIZE).enumerate() {
                    if let Some(img) = redraw(test.images.image(part * half + j)) {
                        for (o, v) in out.iter_mut().zip(img) {
                            *o = byte(v);
                        }
                    }
                }
            });
        }
    });
    Dataset::from_pixels(pixels, test.labels.clone())
}
