//! Random distortions of a 28x28 digit: thicker or thinner strokes, an affine transform and an
//! elastic displacement (Simard et al., 2003). The trainer draws them on MNIST, the page's
//! on-device learning on the examples a person teaches it, so both see the same variety.

use rand_mt::Mt;

use crate::model::INPUT_SIZE;
use crate::pixels::{image_bytes, image_unit};
use crate::preprocess::{SIDE, normalize_raster, sample};

/// How strong each distortion is.
#[derive(Debug, Clone, PartialEq)]
pub struct DistortConfig {
    pub rotate_degrees: f32,
    pub scale: (f32, f32),
    pub shear: f32,
    pub shift: f32,
    /// Elastic displacement strength and smoothness (pixels), after Simard et al.
    pub elastic_alpha: f32,
    pub elastic_sigma: f32,
}

impl Default for DistortConfig {
    fn default() -> Self {
        Self {
            rotate_degrees: 12.0,
            scale: (0.85, 1.15),
            shear: 0.25,
            shift: 2.0,
            elastic_alpha: 34.0,
            elastic_sigma: 4.0,
        }
    }
}

/// A seeded source of distortions (Mersenne Twister, so a seed gives the same digits on every
/// platform, the browser included).
pub struct Distorter {
    rng: Mt,
    config: DistortConfig,
    kernel: Vec<f32>,
}

impl Distorter {
    pub fn new(seed: u32, config: DistortConfig) -> Self {
        let kernel = gaussian_kernel(config.elastic_sigma);
        Self {
            rng: Mt::new(seed),
            config,
            kernel,
        }
    }

    /// The next raw draw of the generator (callers that add distortions of their own share it).
    pub fn next_u32(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// A uniform draw in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.rng.next_u32() as f32 / 4_294_967_296.0)
    }

    /// A distorted copy of a 28x28 digit (bytes 0-255), in [0, 1] and not yet re-centred.
    pub fn distort(&mut self, pixels: &[u8]) -> [f32; INPUT_SIZE] {
        let mut img = image_unit(pixels);
        // Thicker or thinner strokes. Thinning is a half-strength erosion, and only for digits
        // with ink to spare: a full one erases MNIST's thin strokes.
        let ink: f32 = img.iter().sum();
        match self.rng.next_u32() % 3 {
            0 => img = morph(&img, f32::max),
            1 if ink > 90.0 => {
                let thin = morph(&img, f32::min);
                for (v, t) in img.iter_mut().zip(thin) {
                    *v = 0.5 * (*v + t);
                }
            }
            _ => {}
        }
        let c = &self.config;
        let (rot, shear, shift) = (c.rotate_degrees.to_radians(), c.shear, c.shift);
        let (s_lo, s_hi) = c.scale;
        let angle = self.uniform(-rot, rot);
        let scale = self.uniform(s_lo, s_hi);
        let aspect = self.uniform(0.9, 1.1);
        let sh = self.uniform(-shear, shear);
        let (tx, ty) = (self.uniform(-shift, shift), self.uniform(-shift, shift));
        // Output -> source: inverse of rotate * shear * scale, about the centre.
        let (sin, cos) = angle.sin_cos();
        let (sx, sy) = (scale * aspect, scale / aspect);
        let m = [
            [cos * sx, (cos * sh - sin) * sy],
            [sin * sx, (sin * sh + cos) * sy],
        ];
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        let inv = [
            [m[1][1] / det, -m[0][1] / det],
            [-m[1][0] / det, m[0][0] / det],
        ];
        let (dx, dy) = (self.field(), self.field());
        let mut out = [0.0f32; INPUT_SIZE];
        let mid = SIDE as f32 / 2.0 - 0.5;
        for (i, o) in out.iter_mut().enumerate() {
            let (x, y) = ((i % SIDE) as f32 - mid - tx, (i / SIDE) as f32 - mid - ty);
            let u = inv[0][0] * x + inv[0][1] * y + mid + dx[i];
            let v = inv[1][0] * x + inv[1][1] * y + mid + dy[i];
            *o = sample(&img, u, v);
        }
        out
    }

    /// A distorted copy re-centred as the page centres a drawing (20x20 fit, centre of mass),
    /// as bytes again.
    pub fn distorted(&mut self, pixels: &[u8]) -> [u8; INPUT_SIZE] {
        let out = self.distort(pixels);
        image_bytes(&normalize_raster(&out).unwrap_or(out))
    }

    /// A smooth random displacement field (one coordinate), in pixels.
    fn field(&mut self) -> [f32; INPUT_SIZE] {
        let mut f = [0.0f32; INPUT_SIZE];
        for v in f.iter_mut() {
            *v = self.uniform(-1.0, 1.0);
        }
        let f = blur(&f, &self.kernel);
        let alpha = self.config.elastic_alpha;
        f.map(|v| v * alpha)
    }
}

/// Grey-level dilation (`max`) or erosion (`min`) over the pixel and its 4 neighbours: strokes
/// about one pixel thicker or thinner.
fn morph(img: &[f32; INPUT_SIZE], op: fn(f32, f32) -> f32) -> [f32; INPUT_SIZE] {
    let at = |x: i32, y: i32, own: f32| {
        if x < 0 || y < 0 || x >= SIDE as i32 || y >= SIDE as i32 {
            own
        } else {
            img[y as usize * SIDE + x as usize]
        }
    };
    std::array::from_fn(|i| {
        let (x, y) = ((i % SIDE) as i32, (i / SIDE) as i32);
        let own = img[i];
        [(1, 0), (-1, 0), (0, 1), (0, -1)]
            .iter()
            .fold(own, |acc, (dx, dy)| op(acc, at(x + dx, y + dy, own)))
    })
}

fn gaussian_kernel(sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil() as i32;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = k.iter().sum();
    k.into_iter().map(|v| v / sum).collect()
}

/// Separable Gaussian blur with zero padding.
fn blur(f: &[f32; INPUT_SIZE], k: &[f32]) -> [f32; INPUT_SIZE] {
    let r = (k.len() / 2) as i32;
    let pass = |src: &[f32; INPUT_SIZE], horizontal: bool| {
        std::array::from_fn::<f32, INPUT_SIZE, _>(|i| {
            let (x, y) = ((i % SIDE) as i32, (i / SIDE) as i32);
            let mut acc = 0.0;
            for (j, w) in k.iter().enumerate() {
                let d = j as i32 - r;
                let (sx, sy) = if horizontal { (x + d, y) } else { (x, y + d) };
                if sx >= 0 && sy >= 0 && sx < SIDE as i32 && sy < SIDE as i32 {
                    acc += w * src[sy as usize * SIDE + sx as usize];
                }
            }
            acc
        })
    };
    pass(&pass(f, true), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preprocess::centre_of_mass;

    /// A vertical bar, 4 px wide: a plain 1.
    fn bar() -> Vec<u8> {
        let mut img = vec![0u8; INPUT_SIZE];
        for y in 4..24 {
            for x in 12..16 {
                img[y * SIDE + x] = 255;
            }
        }
        img
    }

    #[test]
    fn distorted_digits_differ_but_keep_their_ink_centred() {
        let mut d = Distorter::new(1, DistortConfig::default());
        let x = d.distorted(&bar());
        let y = d.distorted(&bar());
        assert_ne!(x, y);
        let [cx, cy] = centre_of_mass(&image_unit(&x)).unwrap();
        assert!(
            (cx - 14.0).abs() < 0.6 && (cy - 14.0).abs() < 0.6,
            "{cx} {cy}"
        );
    }

    #[test]
    fn same_seed_same_distortions() {
        let a = Distorter::new(7, DistortConfig::default()).distorted(&bar());
        let b = Distorter::new(7, DistortConfig::default()).distorted(&bar());
        assert_eq!(a, b);
    }

    #[test]
    fn dilation_thickens_and_erosion_thins() {
        let img = image_unit(&bar());
        let ink = |m: &[f32; INPUT_SIZE]| m.iter().sum::<f32>();
        assert!(ink(&morph(&img, f32::max)) > ink(&img));
        assert!(ink(&morph(&img, f32::min)) < ink(&img));
    }
}
