//! Drawings that are not digits, as pen strokes through the page's preprocessing: what people
//! draw to test a digit recognizer. Some kinds train the eleventh "not a digit" output
//! ([`trained_negatives`]); the others are held out and only ever measured ([`measuring_set`]),
//! so that its figure says something about drawings no training generator made.
//!
//! Letters shaped like digits (O o I l S s Z z B b g q G T, and their Greek and Cyrillic
//! look-alikes such as З, Ч, б) are left out of every kind: a person may mean a digit by them.

use std::f32::consts::{PI, TAU};

use digits::model::{INPUT_SIZE, NOT_A_DIGIT};
use digits::pixels::byte;
use digits::preprocess::{Point, Strokes, to_mnist};
use rand_mt::Mt;

use crate::draw::trace::{BRUSH, CANVAS, resample};
use crate::sets::hershey::{self, Glyph};
use crate::sets::mnist::Dataset;

/// What a negative drawing is. The numbers seed each kind's measuring set: a new kind takes a
/// new number, so that the other sets stay the same drawings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Latin letters and signs from three Hershey fonts (upright, script, cursive).
    Letter = 0,
    /// Circles with crosses, stars, arrows, boxes, triangles, hearts, spirals, faces, ticks.
    Shape = 1,
    /// Random pen paths: loops, zigzags, coils, scribbled-out patches.
    Scribble = 2,
    /// Dashes, equals signs, waves, a dash and a dot: lines where no digit has them.
    Line = 3,
    /// Random compositions of two to four strokes (segments, bends, arcs, rings).
    Doodle = 4,
    /// Two Latin letters side by side, as a word begins.
    Pair = 5,
    /// Held out: Greek letters.
    Greek = 6,
    /// Held out: Cyrillic letters.
    Cyrillic = 7,
    /// Held out: astrological signs.
    Symbol = 8,
    /// Held out: hatching, parallel strokes at any angle but upright.
    Hatching = 9,
    /// Japanese kana and kanji of three strokes or more (fewer strokes can look like a digit:
    /// ノ, フ, つ, ろ).
    Japanese = 10,
    /// Mathematical signs: ± × ≤ ≠ √ arrows ÷ ℵ and the like; not ∑ ∏ (Greek), ≡ ∥ (hatching),
    /// ∃ ∂ ∪ ⊃ ⊥ ∫ ∞ (a digit's shape).
    Math = 11,
    /// Latin letters in a Gothic (blackletter) font, drawn with many strokes.
    Gothic = 12,
    /// Music signs: clefs, a natural, a coda; not notes (a 0 or a dot), flags, rests or bars.
    Music = 13,
    /// Map and card symbols: filled shapes, bells, trees, clouds, hexagrams, card suits,
    /// ligatures; not §, a balloon, an anchor or a cross (digit-like).
    MapSymbol = 14,
}

impl Kind {
    /// The kinds "not a digit" trains on.
    pub const TRAINED: [Kind; 11] = [
        Kind::Letter,
        Kind::Shape,
        Kind::Scribble,
        Kind::Line,
        Kind::Doodle,
        Kind::Pair,
        Kind::Japanese,
        Kind::Math,
        Kind::Gothic,
        Kind::Music,
        Kind::MapSymbol,
    ];
    /// The kinds it never sees in training, to measure on.
    pub const HELD_OUT: [Kind; 4] = [Kind::Greek, Kind::Cyrillic, Kind::Symbol, Kind::Hatching];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Letter => "Latin letters and signs",
            Kind::Shape => "shapes",
            Kind::Scribble => "scribbles",
            Kind::Line => "lines in odd places",
            Kind::Doodle => "doodles",
            Kind::Pair => "two letters",
            Kind::Greek => "Greek letters (held out)",
            Kind::Cyrillic => "Cyrillic letters (held out)",
            Kind::Symbol => "astrological signs (held out)",
            Kind::Hatching => "hatching (held out)",
            Kind::Japanese => "Japanese kana and kanji",
            Kind::Math => "mathematical signs",
            Kind::Gothic => "Gothic letters",
            Kind::Music => "music signs",
            Kind::MapSymbol => "map and card symbols",
        }
    }
}

/// Latin letters and signs no digit looks like.
const LATIN: &str = "ACDEFHJKLMNPQRUVWXYacdefhjkmnprtuvwxy%&*+<=>?@^~";
/// Mathematical signs (at their keys in the Hershey font): ± ∓ × ≤ ≥ ≠ $ √ → ↑ ← ↓ ℵ ÷ ∴.
const MATH: &str = "!\"#&'?acijklwx~";
/// Music signs (at their keys in the Hershey font): a natural, two codas, a treble and a C clef.
const MUSIC: &str = "(/;<?";
/// Map and card symbols (at their keys in the Hershey font).
const SYMBOLS: &str = "QRSTUWZ[]`abcdfghmopxyz{";
/// Greek letters (at their Latin keys in the Hershey font) no digit looks like.
const GREEK: &str = "ACDEFGHKLMNPQRSUWXYacefghjklmnpqruvwxy";
/// Cyrillic letters (at their Latin keys in the Hershey font) no digit looks like: not З, Ч, Б,
/// б, О, В, Ь, Ъ, Э, Т.
const CYRILLIC: &str = "ADEFGHIKLMNPQRSUWXY^`[adefghiklmnpqrsuwxy{}";
/// Astrological signs (at their keys in the Hershey font), without ⊕ and ⊙ (a shape of ours,
/// and a 0 with a dot).
const SIGNS: &str = "!$%'*+-/:;<=>?@[]`{|}~";

/// The glyph pools, read once from the committed fonts.
pub struct Glyphs {
    latin: Vec<Glyph>,
    japanese: Vec<Glyph>,
    math: Vec<Glyph>,
    gothic: Vec<Glyph>,
    music: Vec<Glyph>,
    symbols: Vec<Glyph>,
    greek: Vec<Glyph>,
    cyrillic: Vec<Glyph>,
    signs: Vec<Glyph>,
}

impl Glyphs {
    pub fn load() -> anyhow::Result<Self> {
        let mut latin = Vec::new();
        for font in ["futural", "scripts", "cursive"] {
            latin.extend(hershey::ascii(&hershey::font(font)?, LATIN));
        }
        let japanese = hershey::font("japanese")?
            .into_iter()
            .filter(|g| g.len() >= 3)
            .collect();
        Ok(Self {
            latin,
            japanese,
            math: hershey::ascii(&hershey::font("mathlow")?, MATH),
            gothic: hershey::ascii(&hershey::font("gothiceng")?, LATIN),
            music: hershey::ascii(&hershey::font("music")?, MUSIC),
            symbols: hershey::ascii(&hershey::font("symbolic")?, SYMBOLS),
            greek: hershey::ascii(&hershey::font("greek")?, GREEK),
            cyrillic: hershey::ascii(&hershey::font("cyrillic")?, CYRILLIC),
            signs: hershey::ascii(&hershey::font("astrology")?, SIGNS),
        })
    }
}

/// A seeded maker of negative drawings.
pub struct Negatives {
    rng: Mt,
    glyphs: Glyphs,
}

impl Negatives {
    pub fn new(seed: u32, glyphs: Glyphs) -> Self {
        Self {
            rng: Mt::new(seed),
            glyphs,
        }
    }

    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.rng.next_u32() as f32 / 4_294_967_296.0)
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.next_u32() as usize % n.max(1)
    }

    /// One drawing of `kind`, as the pad would record it.
    pub fn draw(&mut self, kind: Kind) -> Strokes {
        let template = match kind {
            Kind::Letter => self.glyph(|g| &g.latin),
            Kind::Japanese => self.glyph(|g| &g.japanese),
            Kind::Math => self.glyph(|g| &g.math),
            Kind::Gothic => self.glyph(|g| &g.gothic),
            Kind::Music => self.glyph(|g| &g.music),
            Kind::MapSymbol => self.glyph(|g| &g.symbols),
            Kind::Greek => self.glyph(|g| &g.greek),
            Kind::Cyrillic => self.glyph(|g| &g.cyrillic),
            Kind::Symbol => self.glyph(|g| &g.signs),
            Kind::Shape => self.shape(),
            Kind::Scribble => self.scribble(),
            Kind::Line => self.line(),
            Kind::Doodle => self.doodle(),
            Kind::Pair => {
                let (a, b) = (self.glyph(|g| &g.latin), self.glyph(|g| &g.latin));
                beside(a, b, self.uniform(0.1, 0.4))
            }
            Kind::Hatching => self.hatching(),
        };
        self.draw_template(template)
    }

    /// `template` (a glyph's strokes) drawn as a negative is: placed, sized, turned and slanted
    /// at random, as the pad would record it.
    pub fn draw_template(&mut self, template: Vec<Vec<Point>>) -> Strokes {
        let strokes = self.place(template);
        Strokes::from_points(&strokes, BRUSH)
    }

    fn glyph(&mut self, pool: impl Fn(&Glyphs) -> &Vec<Glyph>) -> Vec<Vec<Point>> {
        let n = pool(&self.glyphs).len();
        let k = self.below(n);
        pool(&self.glyphs)[k].clone()
    }

    fn shape(&mut self) -> Vec<Vec<Point>> {
        let ring = |c: Point, r: f32, a0: f32, turns: f32| -> Vec<Point> {
            (0..=48)
                .map(|k| {
                    let a = a0 + turns * TAU * k as f32 / 48.0;
                    [c[0] + r * a.cos(), c[1] + r * a.sin()]
                })
                .collect()
        };
        let start = self.uniform(0.0, TAU);
        match self.below(10) {
            // A circle crossed: + or x inside.
            0 => {
                let d = if self.below(2) == 0 { 0.0 } else { PI / 4.0 };
                let spoke = |a: f32| {
                    vec![
                        [0.5 + 0.5 * a.cos(), 0.5 + 0.5 * a.sin()],
                        [0.5 - 0.5 * a.cos(), 0.5 - 0.5 * a.sin()],
                    ]
                };
                vec![
                    ring([0.5, 0.5], 0.5, start, 1.0),
                    spoke(d),
                    spoke(d + PI / 2.0),
                ]
            }
            // A five-pointed star in one stroke.
            1 => vec![
                (0..=5)
                    .map(|k| {
                        let a = -PI / 2.0 + k as f32 * 4.0 * PI / 5.0;
                        [0.5 + 0.5 * a.cos(), 0.5 + 0.5 * a.sin()]
                    })
                    .collect(),
            ],
            // An arrow, pointing anywhere.
            2 => {
                let a = self.uniform(0.0, TAU);
                let (c, s) = (a.cos(), a.sin());
                let tip = [0.5 + 0.5 * c, 0.5 + 0.5 * s];
                let tail = [0.5 - 0.5 * c, 0.5 - 0.5 * s];
                let barb = |b: f32| [tip[0] - 0.3 * (a + b).cos(), tip[1] - 0.3 * (a + b).sin()];
                vec![vec![tail, tip], vec![barb(0.5), tip, barb(-0.5)]]
            }
            // A box, sometimes with a diagonal or a cross inside.
            3 => {
                let w = self.uniform(0.6, 1.0);
                let mut out = vec![vec![[0.0, 0.0], [w, 0.0], [w, 1.0], [0.0, 1.0], [0.0, 0.0]]];
                match self.below(3) {
                    0 => out.push(vec![[0.0, 0.0], [w, 1.0]]),
                    1 => {
                        out.push(vec![[0.0, 0.0], [w, 1.0]]);
                        out.push(vec![[w, 0.0], [0.0, 1.0]]);
                    }
                    _ => {}
                }
                out
            }
            // A triangle.
            4 => vec![vec![[0.5, 0.0], [1.0, 0.9], [0.0, 0.9], [0.5, 0.0]]],
            // A heart.
            5 => vec![
                (0..=60)
                    .map(|k| {
                        let t = TAU * k as f32 / 60.0;
                        let x = 16.0 * t.sin().powi(3);
                        let y = 13.0 * t.cos()
                            - 5.0 * (2.0 * t).cos()
                            - 2.0 * (3.0 * t).cos()
                            - (4.0 * t).cos();
                        [0.5 + x / 34.0, 0.5 - y / 34.0]
                    })
                    .collect(),
            ],
            // A spiral of two or three turns.
            6 => {
                let turns = self.uniform(2.0, 3.2);
                vec![
                    (0..=120)
                        .map(|k| {
                            let t = k as f32 / 120.0;
                            let a = start + turns * TAU * t;
                            [0.5 + 0.5 * t * a.cos(), 0.5 + 0.5 * t * a.sin()]
                        })
                        .collect(),
                ]
            }
            // A face: a circle, two eyes, a smile.
            7 => vec![
                ring([0.5, 0.5], 0.5, start, 1.0),
                ring([0.33, 0.38], 0.04, 0.0, 1.0),
                ring([0.67, 0.38], 0.04, 0.0, 1.0),
                (0..=16)
                    .map(|k| {
                        let a = PI * (0.2 + 0.6 * k as f32 / 16.0);
                        [0.5 + 0.28 * a.cos(), 0.55 + 0.22 * a.sin()]
                    })
                    .collect(),
            ],
            // A tick.
            8 => vec![vec![[0.0, 0.55], [0.35, 1.0], [1.0, 0.0]]],
            // An X or a plus on its own.
            _ => {
                if self.below(2) == 0 {
                    vec![vec![[0.0, 0.0], [1.0, 1.0]], vec![[1.0, 0.0], [0.0, 1.0]]]
                } else {
                    vec![vec![[0.5, 0.0], [0.5, 1.0]], vec![[0.0, 0.5], [1.0, 0.5]]]
                }
            }
        }
    }

    fn scribble(&mut self) -> Vec<Vec<Point>> {
        match self.below(4) {
            // A wandering path with many turns.
            0 => {
                let turns = 6 + self.below(30);
                let mut p = [0.5, 0.5];
                let mut a = self.uniform(0.0, TAU);
                let mut path = vec![p];
                for _ in 0..turns * 8 {
                    a += self.uniform(-0.9, 0.9);
                    p = [
                        (p[0] + 0.06 * a.cos()).clamp(0.0, 1.0),
                        (p[1] + 0.06 * a.sin()).clamp(0.0, 1.0),
                    ];
                    path.push(p);
                }
                vec![path]
            }
            // A zigzag across.
            1 => {
                let n = 4 + self.below(8);
                vec![
                    (0..=n)
                        .map(|k| [k as f32 / n as f32, if k % 2 == 0 { 0.0 } else { 1.0 }])
                        .collect(),
                ]
            }
            // A coil of loops, like cursive l's run together.
            2 => {
                let loops = 3.0 + self.uniform(0.0, 5.0);
                vec![
                    (0..=200)
                        .map(|k| {
                            let t = k as f32 / 200.0;
                            let a = TAU * loops * t;
                            [t * 0.8 + 0.1 + 0.12 * a.cos(), 0.5 + 0.4 * a.sin()]
                        })
                        .collect(),
                ]
            }
            // A patch scribbled out: fast strokes back and forth with drift.
            _ => {
                let n = 8 + self.below(20);
                let mut path = Vec::with_capacity(n);
                for k in 0..n {
                    let y = k as f32 / n as f32 + self.uniform(-0.05, 0.05);
                    let x = if k % 2 == 0 {
                        self.uniform(0.0, 0.2)
                    } else {
                        self.uniform(0.8, 1.0)
                    };
                    path.push([x, y.clamp(0.0, 1.0)]);
                }
                vec![path]
            }
        }
    }

    fn line(&mut self) -> Vec<Vec<Point>> {
        match self.below(4) {
            // A dash, flat or nearly.
            0 => {
                let tilt = self.uniform(-0.15, 0.15);
                vec![vec![[0.0, 0.5 - tilt], [1.0, 0.5 + tilt]]]
            }
            // An equals sign.
            1 => vec![vec![[0.0, 0.3], [1.0, 0.3]], vec![[0.0, 0.7], [1.0, 0.7]]],
            // A wave.
            2 => {
                let waves = self.uniform(1.0, 3.0);
                vec![
                    (0..=40)
                        .map(|k| {
                            let t = k as f32 / 40.0;
                            [t, 0.5 + 0.15 * (TAU * waves * t).sin()]
                        })
                        .collect(),
                ]
            }
            // A dash and a dot far from it.
            _ => vec![vec![[0.0, 0.2], [0.7, 0.2]], vec![[0.9, 0.9], [0.91, 0.91]]],
        }
    }

    fn doodle(&mut self) -> Vec<Vec<Point>> {
        let n = 2 + self.below(3);
        (0..n)
            .map(|_| match self.below(4) {
                0 => vec![self.point(), self.point()],
                1 => (0..3 + self.below(3)).map(|_| self.point()).collect(),
                2 => {
                    let (c, r) = (self.point(), self.uniform(0.1, 0.4));
                    let (a0, sweep) = (self.uniform(0.0, TAU), self.uniform(1.0, 5.0));
                    (0..=24)
                        .map(|k| {
                            let a = a0 + sweep * k as f32 / 24.0;
                            [c[0] + r * a.cos(), c[1] + r * a.sin()]
                        })
                        .collect()
                }
                _ => {
                    let (c, r) = (self.point(), self.uniform(0.05, 0.3));
                    (0..=24)
                        .map(|k| {
                            let a = TAU * k as f32 / 24.0;
                            [c[0] + r * a.cos(), c[1] + r * a.sin()]
                        })
                        .collect()
                }
            })
            .collect()
    }

    fn point(&mut self) -> Point {
        [self.uniform(0.0, 1.0), self.uniform(0.0, 1.0)]
    }

    fn hatching(&mut self) -> Vec<Vec<Point>> {
        let n = 4 + self.below(6);
        // Any angle but upright, which would be a row of 1s.
        let a = self.uniform(-1.2, 1.2);
        let (c, s) = (a.cos(), a.sin());
        (0..n)
            .map(|k| {
                let off = k as f32 / (n - 1) as f32 - 0.5;
                let mid = [0.5 - off * s, 0.5 + off * c];
                vec![
                    [mid[0] - 0.45 * c, mid[1] - 0.45 * s],
                    [mid[0] + 0.45 * c, mid[1] + 0.45 * s],
                ]
            })
            .collect()
    }

    /// Places a template (any units, y down) on the pad as a hand would: fitted into a random
    /// box keeping its shape, turned and slanted a little, its corners nudged, and sampled as
    /// pointer events arrive.
    fn place(&mut self, template: Vec<Vec<Point>>) -> Vec<Vec<Point>> {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in template.iter().flatten() {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
        let extent = (x1 - x0).max(y1 - y0).max(f32::EPSILON);
        let size = self.uniform(0.3, 0.8) * CANVAS;
        let scale = size / extent;
        let angle = self.uniform(-15f32, 15.0).to_radians();
        let slant = self.uniform(-0.3, 0.3);
        let (sin, cos) = angle.sin_cos();
        let margin = 0.1 * CANVAS;
        let cx = self.uniform(
            margin + size / 2.0,
            (CANVAS - margin - size / 2.0).max(margin + size / 2.0 + 1.0),
        );
        let cy = self.uniform(
            margin + size / 2.0,
            (CANVAS - margin - size / 2.0).max(margin + size / 2.0 + 1.0),
        );
        let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let spacing = self.uniform(2.0, 9.0);
        let jitter = 0.03 * size;
        template
            .into_iter()
            .map(|stroke| {
                let placed: Vec<Point> = stroke
                    .into_iter()
                    .map(|[x, y]| {
                        let (u, v) = ((x - mx) * scale, (y - my) * scale);
                        let u = u - slant * v;
                        [
                            cx + cos * u - sin * v + self.uniform(-jitter, jitter),
                            cy + sin * u + cos * v + self.uniform(-jitter, jitter),
                        ]
                    })
                    .collect();
                resample(&placed, spacing)
            })
            .collect()
    }
}

/// Glyph `b` to the right of glyph `a`, `gap` of `a`'s width apart, on one baseline.
fn beside(a: Glyph, b: Glyph, gap: f32) -> Vec<Vec<Point>> {
    let (x0, x1) = a
        .iter()
        .flatten()
        .fold((f32::MAX, f32::MIN), |(lo, hi), p| {
            (lo.min(p[0]), hi.max(p[0]))
        });
    let b0 = b.iter().flatten().fold(f32::MAX, |lo, p| lo.min(p[0]));
    let shift = x1 + gap * (x1 - x0).max(1.0) - b0;
    let mut out = a;
    out.extend(
        b.into_iter()
            .map(|s| s.into_iter().map(|[x, y]| [x + shift, y]).collect()),
    );
    out
}

/// Seeds the fixed measuring sets (never trained on).
pub const MEASURE_SEED: u32 = 11_041_995;
/// Negatives of each kind in a measuring set.
pub const PER_KIND: usize = 500;

/// `n` negatives of the trained kinds, in turn, labelled "not a digit"; two threads, seeded
/// from `seed`.
pub fn trained_negatives(n: usize, seed: u32) -> anyhow::Result<Dataset> {
    let mut pixels = vec![0u8; n * INPUT_SIZE];
    let half = n.div_ceil(2).max(1);
    let glyphs = [Glyphs::load()?, Glyphs::load()?];
    std::thread::scope(|s| {
        for ((k, part), glyphs) in pixels.chunks_mut(half * INPUT_SIZE).enumerate().zip(glyphs) {
            s.spawn(move || {
                let mut neg = Negatives::new(seed ^ (0x9e37 + k as u32), glyphs);
                for (j, out) in part.chunks_mut(INPUT_SIZE).enumerate() {
                    let kind = Kind::TRAINED[(k * half + j) % Kind::TRAINED.len()];
                    fill(out, &neg.draw(kind));
                }
            });
        }
    });
    Ok(Dataset::from_pixels(pixels, vec![NOT_A_DIGIT; n]))
}

/// [`PER_KIND`] drawings of `kind` from the fixed measuring seed, labelled "not a digit".
pub fn measuring_set(kind: Kind) -> anyhow::Result<Dataset> {
    let mut neg = Negatives::new(MEASURE_SEED ^ kind as u32, Glyphs::load()?);
    let mut pixels = vec![0u8; PER_KIND * INPUT_SIZE];
    for out in pixels.chunks_mut(INPUT_SIZE) {
        fill(out, &neg.draw(kind));
    }
    Ok(Dataset::from_pixels(pixels, vec![NOT_A_DIGIT; PER_KIND]))
}

/// The image of `strokes` as bytes into `out` (black when there is no ink).
fn fill(out: &mut [u8], strokes: &Strokes) {
    let img = to_mnist(strokes)
        .ok()
        .flatten()
        .unwrap_or([0.0; INPUT_SIZE]);
    for (o, v) in out.iter_mut().zip(img) {
        *o = byte(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_draws_ink_about_the_pad_s_size() {
        // A slanted, turned glyph may run a little past the pad's edge, as a pointer held
        // down can; the preprocessing fits the ink, so only its shape counts.
        let mut n = Negatives::new(1, Glyphs::load().unwrap());
        for kind in Kind::TRAINED.into_iter().chain(Kind::HELD_OUT) {
            for _ in 0..50 {
                let s = n.draw(kind);
                let (lo, hi) =
                    s.xy.iter()
                        .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                assert!(
                    lo > -CANVAS / 2.0 && hi < 1.5 * CANVAS,
                    "{kind:?}: {lo}..{hi}"
                );
                assert!(to_mnist(&s).unwrap().is_some(), "{kind:?} drew nothing");
            }
        }
    }

    #[test]
    fn same_seed_same_drawings() {
        let draw = || {
            let mut n = Negatives::new(7, Glyphs::load().unwrap());
            (0..20).map(|_| n.draw(Kind::Letter)).collect::<Vec<_>>()
        };
        assert_eq!(draw(), draw());
    }
}
