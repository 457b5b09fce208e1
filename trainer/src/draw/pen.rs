//! A real writer's pen strokes as a drawing on the page's pad: placed on the pad at a size a
//! person draws, drawn with the pad's brush and read through the page's own preprocessing
//! (`digits::preprocess::to_mnist`), so that the model sees what the pad would give it.
//!
//! For training, each drawing is varied the ways devices and hands differ: slant, rotation and
//! proportions, size on the pad (so the pen's width relative to the glyph), the pen's width,
//! how densely the device samples the pen, and a small tremor.

use digits::model::INPUT_SIZE;
use digits::pixels::image_bytes;
use digits::preprocess::{Point, Strokes, bounds, to_mnist};
use std::f32::consts::TAU;

use rand_mt::Mt;

use crate::draw::coarsen::{coarsen, strokes_of};
use crate::draw::trace::{BRUSH, CANVAS, resample};
use crate::draw::typeface;
use crate::sets::Glyph;

/// The longer side of a plain drawing as a share of the pad: a digit drawn to fill most of it.
pub const PLAIN_SIZE: f32 = 0.6;
/// The pad's pointer events land about this far apart (canvas units) on a steady stroke.
pub const PLAIN_STEP: f32 = 3.0;

/// How far each variation goes; every draw is uniform in its range.
#[derive(Clone, PartialEq)]
pub struct PenConfig {
    /// Rotation, degrees either way.
    pub rotate: f32,
    /// Slant (horizontal shear), degrees either way.
    pub slant: f32,
    /// Width over height, as a factor either way (1.2: from 1/1.2 to 1.2).
    pub aspect: f32,
    /// The glyph's longer side as a share of the pad.
    pub size: [f32; 2],
    /// The pen's width as a factor of the pad's brush.
    pub brush: [f32; 2],
    /// Keep one point in 1 to this many, as a slower device samples the pen.
    pub decimate: u32,
    /// The largest distance between points, canvas units, as pointer events arrive.
    pub step: [f32; 2],
    /// Tremor: each point moved up to this share of the glyph's size either way.
    pub jitter: f32,
    /// Share of the digits also coarsened to 8x8 and traced back (`coarsen`), as optdigits'
    /// scanned forms were: real writers' shapes as blurred as a scan leaves them.
    pub coarse: f32,
    /// Share of the 9s whose tail, where it ends going down, is continued into a curl to the
    /// left (`curl_tail`): the 9 "whose tail curls left into a base" that writers elsewhere
    /// write and the page read as 3 (#37).
    pub curl_nines: f32,
    /// A smooth random warp (`Wave`s of displacement as long as the glyph), moving points by
    /// up to this share of the glyph's size: the proportions within a glyph, a loop against
    /// its stem, that a writer changes from one digit to the next. 0: none.
    pub warp: f32,
    /// Leave the typefaces' glyphs (`typeface::SOURCE`) unwarped: a font draws each character
    /// the same way every time, and warped, its letters come closer to digits.
    pub warp_spares_typefaces: bool,
    /// Share of the pen 1s given a long flag down-left from their top (`long_flag`), up to as
    /// long and as flat as a 7's bar: the 1s that fonts and some writers draw so, and the page
    /// read as 7 (#37).
    pub long_flags: f32,
}

impl Default for PenConfig {
    fn default() -> Self {
        Self {
            rotate: 10.0,
            slant: 15.0,
            aspect: 1.15,
            size: [0.3, 0.9],
            brush: [0.6, 1.6],
            decimate: 3,
            step: [1.0, 8.0],
            jitter: 0.006,
            coarse: 0.0,
            curl_nines: 0.0,
            warp: 0.0,
            warp_spares_typefaces: false,
            long_flags: 0.0,
        }
    }
}

/// As derived, less the levers left off since they came (`curl_nines`, `warp`,
/// `warp_spares_typefaces`, `long_flags`), so that the model cards of runs without them read as
/// they did.
impl std::fmt::Debug for PenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("PenConfig");
        d.field("rotate", &self.rotate)
            .field("slant", &self.slant)
            .field("aspect", &self.aspect)
            .field("size", &self.size)
            .field("brush", &self.brush)
            .field("decimate", &self.decimate)
            .field("step", &self.step)
            .field("jitter", &self.jitter)
            .field("coarse", &self.coarse);
        if self.curl_nines != 0.0 {
            d.field("curl_nines", &self.curl_nines);
        }
        if self.warp != 0.0 {
            d.field("warp", &self.warp);
        }
        if self.warp_spares_typefaces {
            d.field("warp_spares_typefaces", &true);
        }
        if self.long_flags != 0.0 {
            d.field("long_flags", &self.long_flags);
        }
        d.finish()
    }
}

impl PenConfig {
    /// The defaults with rotation, slant, proportions and tremor `factor` times as wide.
    pub fn varied(factor: f32) -> Self {
        let d = Self::default();
        Self {
            rotate: d.rotate * factor,
            slant: d.slant * factor,
            aspect: d.aspect.powf(factor),
            jitter: d.jitter * factor,
            ..d
        }
    }
}

/// The glyph drawn plainly: upright, at [`PLAIN_SIZE`], with the pad's brush; `None` when it
/// has no ink.
pub fn plain(glyph: &Glyph) -> Option<[u8; INPUT_SIZE]> {
    render(&plain_paths(glyph), BRUSH)
}

/// The glyph's strokes as the pad records a plain drawing of it (canvas units).
pub fn plain_paths(glyph: &Glyph) -> Vec<Vec<Point>> {
    let paths = place(&glyph.strokes, PLAIN_SIZE, [[1.0, 0.0], [0.0, 1.0]]);
    paths.iter().map(|p| resample(p, PLAIN_STEP)).collect()
}

/// A seeded source of varied drawings of glyphs.
pub struct PenDrawer {
    rng: Mt,
    config: PenConfig,
}

impl PenDrawer {
    pub fn new(seed: u32, config: PenConfig) -> Self {
        Self {
            rng: Mt::new(seed),
            config,
        }
    }

    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.rng.next_u32() as f32 / 4_294_967_296.0)
    }

    /// The glyph drawn once more with fresh variations; `None` when it has no ink.
    pub fn draw(&mut self, glyph: &Glyph) -> Option<[u8; INPUT_SIZE]> {
        let c = self.config.clone();
        let turn = self.uniform(-c.rotate, c.rotate).to_radians();
        let slant = self.uniform(-c.slant, c.slant).to_radians().tan();
        let aspect = self.uniform(-1.0, 1.0) * c.aspect.max(1.0).ln();
        let (sx, sy) = (aspect.exp().sqrt(), (-aspect).exp().sqrt());
        let (sin, cos) = turn.sin_cos();
        // Rotate, then slant (x moves with height), then stretch.
        let m = [
            [sx * (cos - slant * sin), sx * (-sin - slant * cos)],
            [sy * sin, sy * cos],
        ];
        let size = self.uniform(c.size[0], c.size[1]);
        let brush = BRUSH * self.uniform(c.brush[0], c.brush[1]);
        let keep = 1 + self.rng.next_u32() % c.decimate.max(1);
        let step = self.uniform(c.step[0], c.step[1]);
        let tremor = c.jitter * size * CANVAS;
        // Drawn only where asked for, so that the other draws (and earlier runs) stay put.
        let coarse =
            c.coarse > 0.0 && glyph.label.is_ascii_digit() && self.uniform(0.0, 1.0) < c.coarse;
        let mut paths = place(&glyph.strokes, size, m);
        if c.curl_nines > 0.0 && glyph.label == '9' && self.uniform(0.0, 1.0) < c.curl_nines {
            let turn = self.uniform(60.0, 140.0);
            let length = self.uniform(0.25, 0.6);
            curl_tail(&mut paths, turn, length);
        }
        if c.long_flags > 0.0 && glyph.label == '1' && self.uniform(0.0, 1.0) < c.long_flags {
            let length = self.uniform(0.3, 0.65);
            let droop = self.uniform(8.0, 40.0);
            long_flag(&mut paths, length, droop);
        }
        let spared = c.warp_spares_typefaces && glyph.source == typeface::SOURCE;
        if c.warp > 0.0 && !spared {
            let extent = size * CANVAS;
            let waves: Vec<Wave> = (0..WAVES)
                .map(|_| Wave {
                    across: self.uniform(0.0, TAU),
                    number: TAU / (extent * self.uniform(0.7, 1.5)),
                    phase: self.uniform(0.0, TAU),
                    towards: self.uniform(0.0, TAU),
                    amplitude: self.uniform(0.0, c.warp) * extent / WAVES as f32,
                })
                .collect();
            for p in paths.iter_mut().flatten() {
                *p = waves.iter().fold(*p, |q, w| w.moved(q, *p));
            }
        }
        for path in &mut paths {
            let last = path.len() - 1;
            let sparse: Vec<Point> = path
                .iter()
                .enumerate()
                .filter(|(i, _)| i % keep as usize == 0 || *i == last)
                .map(|(_, p)| *p)
                .collect();
            *path = resample(&sparse, step);
            for p in path.iter_mut() {
                p[0] += self.uniform(-tremor, tremor);
                p[1] += self.uniform(-tremor, tremor);
            }
        }
        let img = render(&paths, brush)?;
        if coarse && let Some(cells) = coarsen(&img) {
            return render(&strokes_of(&cells), brush).or(Some(img));
        }
        Some(img)
    }
}

/// `strokes` mapped by `m` about their centre, scaled so that their longer side is `size` of the
/// pad, and centred on it.
fn place(strokes: &[Vec<Point>], size: f32, m: [[f32; 2]; 2]) -> Vec<Vec<Point>> {
    let flat: Vec<f32> = strokes.iter().flatten().flatten().copied().collect();
    let Some([x0, y0, x1, y1]) = bounds(&flat) else {
        return Vec::new();
    };
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let moved: Vec<Vec<Point>> = strokes
        .iter()
        .map(|s| {
            s.iter()
                .map(|&[x, y]| {
                    let (u, v) = (x - cx, y - cy);
                    [m[0][0] * u + m[0][1] * v, m[1][0] * u + m[1][1] * v]
                })
                .collect()
        })
        .collect();
    let flat: Vec<f32> = moved.iter().flatten().flatten().copied().collect();
    let [a0, b0, a1, b1] = bounds(&flat).expect("points were there");
    let extent = (a1 - a0).max(b1 - b0).max(f32::EPSILON);
    let k = size * CANVAS / extent;
    let (mx, my) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
    moved
        .into_iter()
        .map(|s| {
            s.into_iter()
                .map(|[x, y]| [(x - mx) * k + CANVAS / 2.0, (y - my) * k + CANVAS / 2.0])
                .collect()
        })
        .collect()
}

/// Waves summed in a warp.
const WAVES: usize = 3;

/// One wave of a warp: points move along `towards` by `amplitude` times the sine of their
/// position along `across`.
struct Wave {
    across: f32,
    number: f32,
    phase: f32,
    towards: f32,
    amplitude: f32,
}

impl Wave {
    /// `q` moved by this wave's displacement at `at`.
    fn moved(&self, q: Point, at: Point) -> Point {
        let along = at[0] * self.across.cos() + at[1] * self.across.sin();
        let d = self.amplitude * (self.number * along + self.phase).sin();
        [q[0] + d * self.towards.cos(), q[1] + d * self.towards.sin()]
    }
}

/// Adds to a 1 a flag `length` of its height long, from its topmost point down and to the left
/// at `droop` degrees below the horizontal, as a stroke of its own (drawn over any flag it
/// has); `false` where it has no height.
fn long_flag(paths: &mut Vec<Vec<Point>>, length: f32, droop: f32) -> bool {
    let Some(&top) = paths.iter().flatten().min_by(|a, b| a[1].total_cmp(&b[1])) else {
        return false;
    };
    let flat: Vec<f32> = paths.iter().flatten().flatten().copied().collect();
    let Some([_, y0, _, y1]) = bounds(&flat) else {
        return false;
    };
    if y1 - y0 <= 0.0 {
        return false;
    }
    let (sin, cos) = droop.to_radians().sin_cos();
    let reach = length * (y1 - y0);
    paths.insert(0, vec![[top[0] - reach * cos, top[1] + reach * sin], top]);
    true
}

/// Continues the last stroke, where it ends heading down (or down and to the left) in the
/// lower half of the drawing, along an arc that turns left toward a flat base, as long as
/// `length` of the drawing's height; returns whether it did. Strokes ending any other way (a 9
/// drawn tail first, a 7's bar) stay as they are.
fn curl_tail(paths: &mut [Vec<Point>], turn: f32, length: f32) -> bool {
    let flat: Vec<f32> = paths.iter().flatten().flatten().copied().collect();
    let Some([_, y0, _, y1]) = bounds(&flat) else {
        return false;
    };
    let height = y1 - y0;
    if height <= 0.0 {
        return false;
    }
    let Some(path) = paths.last_mut() else {
        return false;
    };
    let Some(&end) = path.last() else {
        return false;
    };
    // The heading over the stroke's last tenth of the drawing's height.
    let Some(&from) = path
        .iter()
        .rev()
        .find(|p| (p[0] - end[0]).hypot(p[1] - end[1]) >= 0.1 * height)
    else {
        return false;
    };
    // Canvas y grows downward: 90 degrees is straight down, 180 straight left.
    let heading = (end[1] - from[1]).atan2(end[0] - from[0]).to_degrees();
    if !(45.0..=160.0).contains(&heading) || end[1] < (y0 + y1) / 2.0 {
        return false;
    }
    // Turn left, at most until heading a little up and to the left.
    let turn = turn.min(190.0 - heading).to_radians();
    const STEPS: usize = 12;
    let step = length * height / STEPS as f32;
    let mut angle = heading.to_radians();
    let mut at = end;
    for _ in 0..STEPS {
        angle += turn / STEPS as f32;
        at = [at[0] + step * angle.cos(), at[1] + step * angle.sin()];
        path.push(at);
    }
    true
}

fn render(paths: &[Vec<Point>], brush: f32) -> Option<[u8; INPUT_SIZE]> {
    let img = to_mnist(&Strokes::from_points(paths, brush))
        .ok()
        .flatten()?;
    Some(image_bytes(&img))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seven() -> Glyph {
        Glyph {
            label: '7',
            writer: "w".into(),
            source: "s".into(),
            // In tablet units, far from the pad's: placing must not care.
            strokes: vec![vec![[1000.0, 1000.0], [3000.0, 1000.0], [1800.0, 5000.0]]],
        }
    }

    fn ink(img: &[u8]) -> u32 {
        img.iter().map(|&p| u32::from(p)).sum()
    }

    #[test]
    fn a_plain_drawing_is_the_pads_image_of_the_glyph_at_the_pads_scale() {
        let img = plain(&seven()).unwrap();
        // Fitted into 20 pixels of height like any drawing on the pad, the top bar on top.
        let rows: Vec<usize> = img
            .chunks(28)
            .map(|r| r.iter().filter(|&&p| p > 128).count())
            .collect();
        let first = rows.iter().position(|&n| n > 0).unwrap();
        let last = rows.iter().rposition(|&n| n > 0).unwrap();
        assert!((18..=21).contains(&(last - first + 1)), "{rows:?}");
        assert!(rows[first] >= 8 && rows[last] <= 3, "{rows:?}");
        // The same glyph at any scale or position gives the same image.
        let mut moved = seven();
        moved.strokes[0]
            .iter_mut()
            .for_each(|p| *p = [p[0] * 0.01 + 5.0, p[1] * 0.01]);
        let diff: u32 = img
            .iter()
            .zip(plain(&moved).unwrap())
            .map(|(a, b)| a.abs_diff(b) as u32)
            .sum();
        assert!(diff < 255 * 2, "{diff}");
    }

    #[test]
    fn varied_drawings_differ_keep_their_ink_and_repeat_by_seed() {
        let mut d = PenDrawer::new(3, PenConfig::default());
        let (a, b) = (d.draw(&seven()).unwrap(), d.draw(&seven()).unwrap());
        assert_ne!(a, b);
        let plain_ink = ink(&plain(&seven()).unwrap()) as f32;
        for img in [a, b] {
            let r = ink(&img) as f32 / plain_ink;
            assert!((0.5..2.0).contains(&r), "{r}");
        }
        let again = PenDrawer::new(3, PenConfig::default())
            .draw(&seven())
            .unwrap();
        assert_eq!(a, again);
    }

    #[test]
    fn a_glyph_without_ink_draws_nothing() {
        let mut g = seven();
        g.strokes.clear();
        assert!(plain(&g).is_none());
        assert!(PenDrawer::new(1, PenConfig::default()).draw(&g).is_none());
    }

    #[test]
    fn varied_scales_the_shape_variations_only() {
        let d = PenConfig::default();
        assert_eq!(PenConfig::varied(1.0), d);
        let v = PenConfig::varied(2.0);
        assert_eq!((v.rotate, v.slant), (2.0 * d.rotate, 2.0 * d.slant));
        assert!((v.aspect - d.aspect * d.aspect).abs() < 1e-6);
        assert_eq!((v.size, v.brush, v.step), (d.size, d.brush, d.step));
        // Wider variations move the drawing further from the plain one, on average.
        let far = |config: PenConfig| {
            let mut drawer = PenDrawer::new(5, config);
            let base = plain(&seven()).unwrap();
            (0..40)
                .map(|_| {
                    let img = drawer.draw(&seven()).unwrap();
                    img.iter()
                        .zip(&base)
                        .map(|(a, b)| a.abs_diff(*b) as u64)
                        .sum::<u64>()
                })
                .sum::<u64>()
        };
        assert!(far(PenConfig::varied(0.0)) < far(PenConfig::varied(3.0)));
    }

    #[test]
    fn coarsening_redraws_digits_only_and_leaves_the_other_draws_put() {
        let coarse = PenConfig {
            coarse: 1.0,
            ..PenConfig::default()
        };
        let (a, b) = (
            PenDrawer::new(7, PenConfig::default())
                .draw(&seven())
                .unwrap(),
            PenDrawer::new(7, coarse.clone()).draw(&seven()).unwrap(),
        );
        assert_ne!(a, b);
        let r = ink(&b) as f32 / ink(&a) as f32;
        assert!((0.4..2.5).contains(&r), "{r}");
        // A letter is never coarsened, and its draws are those of a run without coarsening.
        let mut letter = seven();
        letter.label = 'T';
        assert_eq!(
            PenDrawer::new(7, PenConfig::default()).draw(&letter),
            PenDrawer::new(7, coarse).draw(&letter)
        );
    }

    #[test]
    fn the_description_names_the_later_levers_only_when_used() {
        let plain = format!("{:?}", PenConfig::default());
        assert!(plain.ends_with("jitter: 0.006, coarse: 0.0 }"), "{plain}");
        let used = PenConfig {
            warp: 0.1,
            ..PenConfig::default()
        };
        assert!(format!("{used:?}").ends_with("coarse: 0.0, warp: 0.1 }"));
    }

    #[test]
    fn a_warp_moves_points_smoothly_and_no_further_than_its_share() {
        let warped = PenConfig {
            warp: 0.1,
            ..PenConfig::varied(0.0)
        };
        let mut drawer = PenDrawer::new(11, warped);
        let plain_ink = ink(&plain(&seven()).unwrap()) as f32;
        let (a, b) = (
            drawer.draw(&seven()).unwrap(),
            drawer.draw(&seven()).unwrap(),
        );
        assert_ne!(a, b);
        for img in [a, b] {
            let r = ink(&img) as f32 / plain_ink;
            assert!((0.5..2.0).contains(&r), "{r}");
        }
        // Each wave moves a point by at most its amplitude, and nearby points alike.
        let w = Wave {
            across: 0.3,
            number: TAU / 100.0,
            phase: 1.0,
            towards: 2.0,
            amplitude: 4.0,
        };
        let (p, q) = ([10.0, 20.0], [11.0, 20.0]);
        let (mp, mq) = (w.moved(p, p), w.moved(q, q));
        assert!((mp[0] - p[0]).hypot(mp[1] - p[1]) <= 4.0 + 1e-4);
        let (dp, dq) = ([mp[0] - p[0], mp[1] - p[1]], [mq[0] - q[0], mq[1] - q[1]]);
        assert!((dp[0] - dq[0]).hypot(dp[1] - dq[1]) < 0.3, "{dp:?} {dq:?}");
        // Without a warp the draws are those of a run without one.
        assert_eq!(
            PenDrawer::new(7, PenConfig::default()).draw(&seven()),
            PenDrawer::new(
                7,
                PenConfig {
                    warp: 0.0,
                    ..PenConfig::default()
                }
            )
            .draw(&seven())
        );
    }

    #[test]
    fn a_warp_that_spares_the_typefaces_warps_the_real_writers_alone() {
        let spare = PenConfig {
            warp: 0.3,
            warp_spares_typefaces: true,
            ..PenConfig::default()
        };
        let unwarped = PenConfig::default();
        let mut font_seven = seven();
        font_seven.source = typeface::SOURCE.to_owned();
        // A typeface's glyph is drawn as without a warp, random draws and all ...
        assert_eq!(
            PenDrawer::new(5, spare.clone()).draw(&font_seven),
            PenDrawer::new(5, unwarped.clone()).draw(&font_seven)
        );
        // ... a real writer's is warped as by a warp that spares nothing.
        let all = PenConfig {
            warp_spares_typefaces: false,
            ..spare.clone()
        };
        let writers = PenDrawer::new(5, spare.clone()).draw(&seven());
        assert_eq!(writers, PenDrawer::new(5, all).draw(&seven()));
        assert_ne!(writers, PenDrawer::new(5, unwarped).draw(&seven()));
        assert!(format!("{spare:?}").ends_with("warp: 0.3, warp_spares_typefaces: true }"));
    }

    /// A 9 as most write it: the loop anticlockwise from its top right, then the tail down.
    fn nine() -> Glyph {
        let mut strokes = vec![Vec::new()];
        for i in 0..=24 {
            let a = std::f32::consts::TAU * i as f32 / 24.0;
            strokes[0].push([50.0 + 20.0 * a.cos(), 30.0 - 20.0 * a.sin()]);
        }
        strokes[0].extend((1..=10).map(|i| [70.0, 30.0 + 7.0 * i as f32]));
        Glyph {
            label: '9',
            writer: "w".into(),
            source: "s".into(),
            strokes,
        }
    }

    #[test]
    fn a_curl_continues_a_tail_going_down_and_to_the_left() {
        let mut paths = nine().strokes;
        let end = *paths[0].last().unwrap();
        assert!(curl_tail(&mut paths, 120.0, 0.4));
        let curled = paths[0][paths[0].len() - 12..].to_vec();
        // It leaves the end going down, then turns left, past the end's column.
        assert!(curled[0][1] > end[1] && (curled[0][0] - end[0]).abs() < 2.0);
        let last = *curled.last().unwrap();
        assert!(last[0] < end[0] - 10.0, "{last:?} from {end:?}");
        assert!(last[1] > end[1], "{last:?} from {end:?}");
        // A 9 drawn tail first (ending at the loop's top) is left alone, as is a 7's bar.
        let mut reversed: Vec<Vec<Point>> = nine().strokes;
        reversed[0].reverse();
        let before = reversed.clone();
        assert!(!curl_tail(&mut reversed, 90.0, 0.4));
        assert_eq!(reversed, before);
        let mut bar = vec![vec![[0.0, 50.0], [60.0, 50.0]]];
        assert!(!curl_tail(&mut bar, 90.0, 0.4));
    }

    #[test]
    fn a_long_flag_falls_left_from_a_ones_top() {
        let mut paths = vec![vec![[50.0, 20.0], [50.0, 80.0]]];
        assert!(long_flag(&mut paths, 0.5, 30.0));
        let flag = &paths[0];
        // From 30 to the left and 15 down of the top (0.5 of 60 high, at 30 degrees), to it.
        assert_eq!(flag[1], [50.0, 20.0]);
        assert!(
            (flag[0][0] - (50.0 - 30.0 * 0.866)).abs() < 0.01,
            "{flag:?}"
        );
        assert!((flag[0][1] - 35.0).abs() < 0.01, "{flag:?}");
        assert_eq!(paths[1], vec![[50.0, 20.0], [50.0, 80.0]]);
        let mut flat = vec![vec![[0.0, 50.0], [60.0, 50.0]]];
        assert!(!long_flag(&mut flat, 0.5, 30.0));
        assert_eq!(flat.len(), 1);
    }

    #[test]
    fn long_flags_redraw_ones_only_and_leave_the_other_draws_put() {
        let flags = PenConfig {
            long_flags: 1.0,
            ..PenConfig::default()
        };
        let one = Glyph {
            label: '1',
            writer: "w".into(),
            source: "s".into(),
            strokes: vec![vec![[50.0, 20.0], [50.0, 80.0]]],
        };
        assert_ne!(
            PenDrawer::new(7, PenConfig::default()).draw(&one),
            PenDrawer::new(7, flags.clone()).draw(&one)
        );
        assert_eq!(
            PenDrawer::new(7, PenConfig::default()).draw(&seven()),
            PenDrawer::new(7, flags.clone()).draw(&seven())
        );
        assert!(format!("{flags:?}").ends_with("long_flags: 1.0 }"));
    }

    #[test]
    fn curling_redraws_nines_only_and_leaves_the_other_draws_put() {
        let curl = PenConfig {
            curl_nines: 1.0,
            ..PenConfig::default()
        };
        assert_ne!(
            PenDrawer::new(7, PenConfig::default()).draw(&nine()),
            PenDrawer::new(7, curl.clone()).draw(&nine())
        );
        assert_eq!(
            PenDrawer::new(7, PenConfig::default()).draw(&seven()),
            PenDrawer::new(7, curl).draw(&seven())
        );
    }
}
