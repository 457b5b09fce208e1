//! Stroke-direction features: what a network may read instead of raw pixels.
//!
//! A pixel-input MLP must learn again, for every place on the pad, that an edge is an edge; the
//! direction of the strokes' edges, pooled over a coarse grid, tells it which way the pen went
//! near each place whatever the pen's width (Liu et al., "Handwritten digit recognition:
//! benchmarking of state-of-the-art techniques", 2003, the gradient feature). Here: the image's
//! Sobel gradient, its rectified projection on eight directions, each pooled to 7x7 by a tent
//! of eight pixels, then the image itself at 14x14: 588 values.
//!
//! Two implementations of the same map: on burn tensors (training, the GPU, the page's
//! fine-tune), as small matrix products, and on the host for one image at a time (the CPU's
//! zero-skipping network). The tests hold them together.

use burn::prelude::*;
use burn::tensor::activation::relu;

/// Side of the images the map reads (the network's 28x28 input; `model` checks it).
const SIDE: usize = 28;
/// Pixels in one image: `model::INPUT_SIZE`, not imported so that this module stays below `model`.
pub const PIXELS: usize = SIDE * SIDE;
/// Directions the gradient is projected on, 45 degrees apart.
pub const DIRECTIONS: usize = 8;
/// Side of the grid each direction is pooled to.
pub const CELLS: usize = 7;
/// Side of the image's own values, averaged 2x2.
pub const COARSE: usize = 14;
/// Values a network reads from one 28x28 image.
pub const WIDTH: usize = DIRECTIONS * CELLS * CELLS + COARSE * COARSE;

/// What the network's first layer reads: the pixels, or their direction features. Told apart
/// by the first layer's width, so a weights file says which it was trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Pixels,
    Directions,
}

impl Input {
    pub fn new(directions: bool) -> Self {
        if directions {
            Self::Directions
        } else {
            Self::Pixels
        }
    }

    /// Values the first layer reads.
    pub fn width(self) -> usize {
        match self {
            Self::Pixels => PIXELS,
            Self::Directions => WIDTH,
        }
    }

    /// The input of a first layer `width` wide, if any.
    pub fn of_width(width: usize) -> Option<Self> {
        [Self::Pixels, Self::Directions]
            .into_iter()
            .find(|i| i.width() == width)
    }

    /// What the first layer reads of each 784-pixel image in `pixels`, made on the host
    /// ([`crate::model::Mlp::forward_read`] takes it): a GPU then runs the network alone, not
    /// the map's dozen extra kernels, each compiled before its first use.
    pub fn read(self, pixels: &[f32]) -> Vec<f32> {
        match self {
            Self::Pixels => pixels.to_vec(),
            Self::Directions => features(pixels),
        }
    }
}

/// The `[28, 28]` matrices of the map, row-major: `S` smooths along an axis ([1, 2, 1]), `D`
/// differentiates (next minus previous), both zero past the edge.
fn smooth(i: usize, j: usize) -> f32 {
    match i.abs_diff(j) {
        0 => 2.0,
        1 => 1.0,
        _ => 0.0,
    }
}

fn difference(i: usize, j: usize) -> f32 {
    if j == i + 1 {
        1.0
    } else if i == j + 1 {
        -1.0
    } else {
        0.0
    }
}

/// `[7, 28]`: cell `i` weighs pixel `j` by a tent of half-width four around the cell's centre,
/// halved, so that a full cell of ones pools to 4 and an edge through it to about 1.
fn tent(i: usize, j: usize) -> f32 {
    let centre = (4 * i) as f32 + 1.5;
    (1.0 - (j as f32 - centre).abs() / 4.0).max(0.0) / 2.0
}

/// `[14, 28]`: the mean of each pair of pixels.
fn pair(i: usize, j: usize) -> f32 {
    if j / 2 == i { 0.5 } else { 0.0 }
}

/// The gradient's scale: a step from 0 to 1 gives 4 through Sobel's kernel.
const SOBEL_SCALE: f32 = 0.25;

/// Unit vector of direction `k`.
fn direction(k: usize) -> (f32, f32) {
    let angle = k as f32 * std::f32::consts::FRAC_PI_4;
    (angle.cos(), angle.sin())
}

fn matrix(rows: usize, f: fn(usize, usize) -> f32) -> Vec<f32> {
    (0..rows)
        .flat_map(|i| (0..SIDE).map(move |j| f(i, j)))
        .collect()
}

/// The features of each 784-pixel image in `pixels`, one after another (`WIDTH` each).
pub fn features(pixels: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0f32; pixels.len() / PIXELS * WIDTH];
    for (image, f) in pixels.chunks_exact(PIXELS).zip(out.chunks_exact_mut(WIDTH)) {
        image_features(image, f);
    }
    out
}

/// The cells (at most two) whose tent covers pixel row or column `j`, with their weights.
fn cells_of(j: usize) -> impl Iterator<Item = (usize, f32)> {
    let first = (j / 4).saturating_sub(1);
    (first..(first + 3).min(CELLS))
        .map(move |i| (i, tent(i, j)))
        .filter(|&(_, w)| w > 0.0)
}

/// [`features`] of one image, as stencils rather than matrix products: a pixel's gradient
/// reaches only the cells whose tent covers it, and blank places have none, so a drawing
/// costs a few thousand multiply-adds (the CPU classifies one in about 0.1 ms).
fn image_features(image: &[f32], out: &mut [f32]) {
    let at = |r: usize, c: usize, dr: isize, dc: isize| {
        let (r, c) = (r as isize + dr, c as isize + dc);
        if (0..SIDE as isize).contains(&r) && (0..SIDE as isize).contains(&c) {
            image[r as usize * SIDE + c as usize]
        } else {
            0.0
        }
    };
    let units: [(f32, f32); DIRECTIONS] = std::array::from_fn(direction);
    let (directions, coarse) = out.split_at_mut(DIRECTIONS * CELLS * CELLS);
    for r in 0..SIDE {
        for c in 0..SIDE {
            // The mean of each 2x2 block.
            coarse[(r / 2) * COARSE + c / 2] += 0.25 * image[r * SIDE + c];
            let mut gx = 0.0;
            let mut gy = 0.0;
            for (d, w) in [(-1, 1.0), (0, 2.0), (1, 1.0)] {
                gx += w * (at(r, c, d, 1) - at(r, c, d, -1));
                gy += w * (at(r, c, 1, d) - at(r, c, -1, d));
            }
            if gx == 0.0 && gy == 0.0 {
                continue;
            }
            for (k, (cos, sin)) in units.iter().enumerate() {
                let g = (SOBEL_SCALE * (cos * gx + sin * gy)).max(0.0);
                if g == 0.0 {
                    continue;
                }
                let plane = &mut directions[k * CELLS * CELLS..(k + 1) * CELLS * CELLS];
                for (i, wr) in cells_of(r) {
                    for (j, wc) in cells_of(c) {
                        plane[i * CELLS + j] += g * wr * wc;
                    }
                }
            }
        }
    }
}

fn tensor(rows: usize, f: fn(usize, usize) -> f32, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(matrix(rows, f), [rows, SIDE]), device)
}

/// `a · x · bᵀ` for each `[28, 28]` matrix of `x` (`[batch, 28, 28]`).
fn sandwich_tensor(a: &Tensor<2>, x: Tensor<3>, b: &Tensor<2>) -> Tensor<3> {
    let [batch, _, _] = x.dims();
    let [m, _] = a.dims();
    let [n, _] = b.dims();
    let t = x
        .reshape([batch * SIDE, SIDE])
        .matmul(b.clone().transpose())
        .reshape([batch, SIDE, n])
        .swap_dims(1, 2)
        .reshape([batch * n, SIDE])
        .matmul(a.clone().transpose());
    t.reshape([batch, n, m]).swap_dims(1, 2)
}

/// [`features`] of `[batch, 784]` pixels, as `[batch, WIDTH]`.
pub fn features_tensor(pixels: Tensor<2>) -> Tensor<2> {
    let device = pixels.device();
    let [batch, _] = pixels.dims();
    let s = tensor(SIDE, smooth, &device);
    let d = tensor(SIDE, difference, &device);
    let p = tensor(CELLS, tent, &device);
    let q = tensor(COARSE, pair, &device);
    let x = pixels.reshape([batch, SIDE, SIDE]);
    let gx = sandwich_tensor(&s, x.clone(), &d).reshape([batch * PIXELS, 1]);
    let gy = sandwich_tensor(&d, x.clone(), &s).reshape([batch * PIXELS, 1]);
    // [2, 8]: each direction's unit vector, a column.
    let units: Vec<f32> = (0..2)
        .flat_map(|axis| (0..DIRECTIONS).map(move |k| [direction(k).0, direction(k).1][axis]))
        .collect();
    let units = Tensor::<2>::from_data(TensorData::new(units, [2, DIRECTIONS]), &device);
    let maps = relu(
        Tensor::cat(vec![gx, gy], 1)
            .matmul(units)
            .mul_scalar(SOBEL_SCALE),
    )
    .reshape([batch, PIXELS, DIRECTIONS])
    .swap_dims(1, 2)
    .reshape([batch * DIRECTIONS, SIDE, SIDE]);
    let pooled = sandwich_tensor(&p, maps, &p).reshape([batch, DIRECTIONS * CELLS * CELLS]);
    let coarse = sandwich_tensor(&q, x, &q).reshape([batch, COARSE * COARSE]);
    Tensor::cat(vec![pooled, coarse], 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vertical_bar() -> Vec<f32> {
        let mut image = vec![0.0f32; PIXELS];
        for r in 4..24 {
            for c in 12..15 {
                image[r * SIDE + c] = 1.0;
            }
        }
        image
    }

    #[test]
    #[allow(deprecated)]
    fn host_and_tensors_agree() {
        let device = Device::ndarray();
        let mut pixels = vertical_bar();
        // A second image of every value, edge pixels included.
        pixels.extend((0..PIXELS).map(|i| ((i * 37) % 101) as f32 / 100.0));
        let host = features(&pixels);
        let x = Tensor::<2>::from_data(TensorData::new(pixels, [2, PIXELS]), &device);
        let tensors: Vec<f32> = features_tensor(x).into_data().iter::<f32>().collect();
        assert_eq!(host.len(), 2 * WIDTH);
        assert_eq!(tensors.len(), host.len());
        for (i, (h, t)) in host.iter().zip(&tensors).enumerate() {
            assert!((h - t).abs() < 1e-4, "feature {i}: {h} against {t}");
        }
    }

    #[test]
    fn a_vertical_bar_has_left_and_right_edges_only() {
        let f = features(&vertical_bar());
        let plane = |k: usize| &f[k * CELLS * CELLS..(k + 1) * CELLS * CELLS];
        let total = |k: usize| plane(k).iter().sum::<f32>();
        // Direction 0 points right: the bar's left edge (dark to light going right); 4 points
        // left: its right edge. Up and down see only the bar's two ends.
        assert!(total(0) > 5.0 && (total(0) - total(4)).abs() < 1e-3);
        assert!(total(2) < total(0) / 4.0 && total(6) < total(0) / 4.0);
        // Both edges fall in the middle three columns of cells (a tent spans two cells).
        let middle: f32 = (0..CELLS)
            .flat_map(|r| (2..5).map(move |c| r * CELLS + c))
            .map(|i| plane(0)[i])
            .sum();
        assert!((middle - total(0)).abs() < 1e-4, "{middle} of {}", total(0));
        // The coarse image keeps the ink: 60 pixels, averaged by four.
        let coarse: f32 = f[DIRECTIONS * CELLS * CELLS..].iter().sum();
        assert!((coarse - 15.0).abs() < 1e-4);
        assert!(f.iter().all(|&v| v >= 0.0));
    }

    #[test]
    fn a_blank_image_has_no_features_and_widths_name_the_input() {
        assert!(features(&[0.0; PIXELS]).iter().all(|&v| v == 0.0));
        assert_eq!(WIDTH, 588);
        assert_eq!(Input::of_width(784), Some(Input::Pixels));
        assert_eq!(Input::of_width(WIDTH), Some(Input::Directions));
        assert_eq!(Input::of_width(100), None);
    }
}
