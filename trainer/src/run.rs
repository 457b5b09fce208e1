//! One training run from data to files: the article's split, the training loop, the weights
//! rounded for storage and measured as stored, then the card and pictures written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use digits::weights::{self, Precision};

use crate::files::write_atomic;
use crate::learn::backend::Backend;
use crate::learn::distill::{TeacherFile, Teachers};
use crate::learn::evaluate::evaluate;
use crate::learn::train::{EpochStats, Hyper, RunOptions, train_with};
use crate::measure::report::{self, Measurements};
use crate::sets::fixture;
use crate::sets::mnist::{self, Dataset};
use crate::sets::real_writers::{RealWriters, SetFile};
use crate::sets::split::{Split, article_split};
use crate::sets::{self, Glyph, typefaces};
use crate::store::export::{ModelCard, Paths, RunFacts, Stored};
use crate::store::plots;

/// What to train and where its files go.
pub struct Request {
    pub hyper: Hyper,
    /// Name of the exported files (a preset's name unless given).
    pub name: String,
    /// Folder with the MNIST files, or `None` for `$MNIST_DIR`, then `data/mnist/`.
    pub data: Option<PathBuf>,
    /// Train on only the first N images of the training split.
    pub limit: Option<usize>,
    pub backend: Backend,
    pub precision: Precision,
    pub out: PathBuf,
    pub show_progress: bool,
    /// Folders of the real writers' pen sets, or `None` for their usual places
    /// (`sets::pendigits::resolve_dir`, `sets::unipen::resolve_dir`).
    pub pendigits: Option<PathBuf>,
    pub unipen: Option<PathBuf>,
    /// Folder of the handwriting typefaces, or `None` for `sets::typefaces::resolve_dir`'s.
    pub typefaces: Option<PathBuf>,
    /// Trained models to learn from besides the labels (`learn::distill`).
    pub teachers: Option<TeacherRequest>,
    /// A trained model whose misread letters are taught again (`hard_letters`).
    pub hard_letters: Option<HardLettersRequest>,
}

/// `--hard-letters-from` and its setting.
pub struct HardLettersRequest {
    /// The miner's weights, `NAME.bpk` with `NAME.json` beside it.
    pub weights: PathBuf,
    /// How many more times each letter it misreads is taught.
    pub repeat: usize,
}

/// `--distill-from` and its settings.
pub struct TeacherRequest {
    /// The teachers' weights, each `NAME.bpk` with `NAME.json` beside it.
    pub weights: Vec<PathBuf>,
    pub weight: f32,
    pub temperature: f32,
}

/// What a run reports as it goes, for the command line to print.
pub enum Event<'a> {
    Started {
        hyper: &'a Hyper,
        train: usize,
        test: usize,
        data: &'a Path,
    },
    Epoch(&'a EpochStats),
    Stored {
        precision: Precision,
        bytes: usize,
        unrounded_correct: usize,
    },
    Measured(&'a Measurements),
}

/// What a run wrote.
pub struct Outcome {
    pub card: ModelCard,
    pub paths: Paths,
    pub seconds: f64,
}

/// The verified 70,000 images, the article's split of them, and the folder they came from.
pub fn load_split(data: Option<&Path>) -> anyhow::Result<(Dataset, Split, PathBuf)> {
    let dir = mnist::resolve_dir(data)?;
    let all = mnist::load_all(&dir)?;
    Ok((all, article_split(), dir))
}

/// Trains `req.hyper`, stores its weights, measures them as stored and writes the weights,
/// card and pictures atomically: an interrupted run leaves the previous files in place.
pub fn run(req: Request, mut report: impl FnMut(Event)) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let device = req.backend.device()?;
    // The teachers first: a wrong file is refused before minutes of loading and drawing.
    let mut hyper = req.hyper.clone();
    let teachers = match &req.teachers {
        Some(t) => {
            let models = t
                .weights
                .iter()
                .map(|path| {
                    let t = load_trained(path, "teacher", hyper.outputs, hyper.normalize, &device)?;
                    Ok((t.model, t.file))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let teachers = Teachers::new(models, t.weight, t.temperature)?;
            hyper.distill = Some(teachers.distill.clone());
            Some(teachers)
        }
        None => None,
    };
    let miner = match &req.hard_letters {
        Some(h) => {
            anyhow::ensure!(
                hyper.outputs == digits::model::WITH_NOT_A_DIGIT && hyper.pen_letters > 0.0,
                "--hard-letters-from teaches letters again, which needs --pen-letters and \
                 --negatives above 0"
            );
            let miner = load_trained(&h.weights, "miner", hyper.outputs, hyper.normalize, &device)?;
            anyhow::ensure!(
                miner.threshold.is_some(),
                "{}: its card gives no \"not a digit\" threshold to mine letters with",
                h.weights.display()
            );
            Some((miner, h.repeat))
        }
        None => None,
    };
    let (all, split, dir) = load_split(req.data.as_deref())?;
    let mut train_idx = split.train.clone();
    if let Some(n) = req.limit {
        train_idx.truncate(n);
    }
    // Augmented runs normalise each distorted copy themselves.
    let train_set = all
        .select(&train_idx)
        .prepared(hyper.normalize && !hyper.augment);
    let digits_trained = train_set.len();
    let train_set = with_negatives(train_set, hyper.negatives)?;
    let mut pen = pen_glyphs(&hyper, req.pendigits.as_deref(), req.unipen.as_deref())?;
    pen.add_typefaces(&hyper, req.typefaces.as_deref())?;
    match &miner {
        Some((miner, repeat)) => {
            hyper.hard_letters = Some(pen.add_hard_letters(miner, *repeat, &device));
        }
        // Only mining reads the whole pool: it is not kept through training.
        None => pen.letter_pool = Vec::new(),
    }
    let hyper = &hyper;
    let train_set = with_pen(train_set, &pen.glyphs);
    let raw_test = all.select(&split.test);
    let test_set = raw_test.clone().prepared(hyper.normalize);
    report(Event::Started {
        hyper,
        train: train_set.len(),
        test: test_set.len(),
        data: &dir,
    });

    let options = RunOptions {
        show_progress: req.show_progress,
        host_adam: req.backend.host_adam(),
    };
    let (model, history) = train_with(
        hyper,
        &train_set,
        &pen.glyphs,
        teachers.as_ref(),
        &test_set,
        &device.clone().autodiff(),
        &options,
        |s| report(Event::Epoch(s)),
    )?;

    // Everything below is measured on the weights as stored (int4, int8, f16 or f32).
    let unrounded = evaluate(&model, &test_set, &device);
    let bytes = weights::to_bytes(model, req.precision)?;
    let model = weights::load(&bytes, &hyper.model_config(), &device)?;
    report(Event::Stored {
        precision: req.precision,
        bytes: bytes.len(),
        unrounded_correct: unrounded.correct,
    });
    let measured = report::measure(
        &model,
        &raw_test,
        hyper.normalize,
        fixture::load().ok(),
        &device,
    )?;
    report(Event::Measured(&measured));

    let paths = Paths::new(&req.out, &req.name);
    let mut card = ModelCard::from_run(
        hyper,
        RunFacts {
            name: req.name.clone(),
            backend: req.backend,
            trained_on: digits_trained,
            negatives: train_set.len() - digits_trained - pen.digits,
            train_split: split.train.len(),
            history,
            unrounded_test_correct: unrounded.correct,
        },
    );
    card.record(&measured);
    card.record_weights(&bytes, req.precision);
    if !pen.glyphs.is_empty() {
        card.trained_sets = Some(pen.files);
        card.pen_drawing = Some(format!("{:?}", hyper.pen_config()));
        card.split += &format!(
            " ({} of them real writers' letters), and {} real writers' pen digits; the pen \
             glyphs drawn afresh each epoch",
            // The typefaces' digits are among `pen.digits` already.
            pen.glyphs.len() - pen.digits - (pen.typeface_glyphs - pen.typeface_digits),
            pen.digits - pen.typeface_digits
        );
        if pen.typeface_glyphs > 0 {
            card.split += &format!(
                "; and {} characters of {} handwriting typefaces ({} digits), traced into strokes",
                pen.typeface_glyphs,
                typefaces::with_role(typefaces::Role::Train).count(),
                pen.typeface_digits
            );
        }
        card.samples_per_sec =
            (train_set.len() * hyper.epochs) as f64 / card.train_seconds.max(f64::EPSILON);
    }
    let title = format!("{}: {}", req.name, card.architecture);
    let curves = plots::curves_svg(&title, &card.history)?;

    write_atomic(&paths.weights, &bytes)?;
    write_atomic(&paths.card, serde_json::to_string_pretty(&card)?.as_bytes())?;
    write_atomic(&paths.curves, curves.as_bytes())?;
    write_atomic(&paths.confusion, card.confusion_svg()?.as_bytes())?;
    Ok(Outcome {
        card,
        paths,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// A trained model read back to help a run (`role`: a teacher, a miner).
struct Trained {
    model: digits::model::Mlp,
    file: TeacherFile,
    /// Its card's "not a digit" threshold, where it has one.
    threshold: Option<f32>,
}

/// The model stored as `path` (`NAME.bpk`, its card `NAME.json` beside it) on `device`, once
/// it is known to answer what a run with `outputs` outputs learns, from inputs prepared as that
/// run's (`normalized`); with the SHA-256 of its weights for the card.
fn load_trained(
    path: &Path,
    role: &str,
    outputs: usize,
    normalized: bool,
    device: &burn::prelude::Device,
) -> anyhow::Result<Trained> {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|_| path.extension().is_some_and(|e| e == "bpk"))
        .with_context(|| {
            format!(
                "{}: give the {role}'s weights file, NAME.bpk (its card NAME.json beside it)",
                path.display()
            )
        })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let stored = Stored::load(dir, name)
        .with_context(|| format!("{}: cannot read the {role}", path.display()))?;
    let their_outputs = stored.card.config().outputs;
    anyhow::ensure!(
        their_outputs == outputs,
        "{}: the {role} has {their_outputs} outputs and this run {outputs}; a model with \
         \"not a digit\" learns from one that has it too",
        path.display()
    );
    anyhow::ensure!(
        stored.card.normalized_input() == normalized,
        "{}: the {role} and this run read differently prepared images (normalised input: {} \
         and {normalized})",
        path.display(),
        stored.card.normalized_input()
    );
    let model = stored.model(device)?;
    let file = TeacherFile {
        file: path.display().to_string(),
        sha256: mnist::hex(&<sha2::Sha256 as sha2::Digest>::digest(&stored.bytes)),
    };
    let threshold = stored.card.not_a_digit_threshold().ok();
    Ok(Trained {
        model,
        file,
        threshold,
    })
}

/// `digits` followed by `share` as many drawings that are not digits, labelled
/// [`NOT_A_DIGIT`](digits::model::NOT_A_DIGIT); `digits` alone when `share` is 0. An augmented
/// run distorts them afresh each epoch as it does the digits (with no style edit).
pub fn with_negatives(digits: Dataset, share: f32) -> anyhow::Result<Dataset> {
    let n = (digits.len() as f64 * f64::from(share)) as usize;
    if n == 0 {
        return Ok(digits);
    }
    let negatives = crate::draw::negatives::trained_negatives(n, NEGATIVES_SEED)?;
    let mut pixels = digits.images.pixels;
    pixels.extend_from_slice(&negatives.images.pixels);
    let mut labels = digits.labels;
    labels.resize(labels.len() + n, digits::model::NOT_A_DIGIT);
    Ok(Dataset::from_pixels(pixels, labels))
}

/// The real writers' glyphs a run trains on, as `train_with` takes them: each digit
/// `pen_repeat` times, then `pen_letters` of the letters (spread evenly over the file).
pub struct PenGlyphs {
    pub glyphs: Vec<Glyph>,
    /// How many of `glyphs` are digits (the first ones; the rest are letters, taught as "not a
    /// digit").
    pub digits: usize,
    pub files: Vec<SetFile>,
    /// Of `glyphs`, those from handwriting typefaces, and of them the digits.
    pub typeface_glyphs: usize,
    pub typeface_digits: usize,
    /// Every training letter, taught or not: where hard letters are mined.
    pub letter_pool: Vec<Glyph>,
}

impl PenGlyphs {
    /// Adds `repeat` more copies of each letter of the pool that `miner` accepts as a digit
    /// at its threshold, drawn plainly as the page would see them; the pool is let go.
    fn add_hard_letters(
        &mut self,
        miner: &Trained,
        repeat: usize,
        device: &burn::prelude::Device,
    ) -> crate::sets::real_writers::HardLetters {
        let pool = std::mem::take(&mut self.letter_pool);
        let hard = hard_letters(&pool, |set| {
            crate::measure::rejection::page_answers(&miner.model, set, miner.threshold, device)
        });
        for _ in 0..repeat {
            self.glyphs.extend(hard.iter().cloned());
        }
        crate::sets::real_writers::HardLetters {
            miner: miner.file.file.clone(),
            sha256: miner.file.sha256.clone(),
            repeat,
            found: hard.len(),
        }
    }

    /// Adds the training typefaces' characters `hyper.typefaces` times each (digits after the
    /// real writers' digits, letters at the end, only for a model that can say "not a
    /// digit"), and each font file to `files`.
    pub fn add_typefaces(&mut self, hyper: &Hyper, dir: Option<&Path>) -> anyhow::Result<()> {
        if hyper.typefaces == 0 {
            return Ok(());
        }
        let dir = typefaces::resolve_dir(dir);
        let letters_too = hyper.outputs == digits::model::WITH_NOT_A_DIGIT;
        let (mut digits, mut letters) = (Vec::new(), Vec::new());
        let fonts = crate::draw::typeface::fonts(&dir, typefaces::Role::Train)
            .context("the handwriting typefaces are needed for --typefaces above 0")?;
        for (face, own) in fonts {
            let (d, l): (Vec<Glyph>, Vec<Glyph>) =
                own.into_iter().partition(|g| g.digit().is_some());
            let l = if letters_too { l } else { Vec::new() };
            self.files.push(SetFile {
                file: format!("typefaces/{}", face.file()),
                sha256: face.sha256.to_owned(),
                trained: d.len() + l.len(),
            });
            digits.extend(d);
            letters.extend(l);
        }
        let n = hyper.typefaces;
        let (digits, letters) = (repeat(&digits, n), repeat(&letters, n));
        self.typeface_digits = digits.len();
        self.typeface_glyphs = digits.len() + letters.len();
        let tail = self.glyphs.split_off(self.digits);
        self.digits += digits.len();
        self.glyphs.extend(digits);
        self.glyphs.extend(tail);
        self.glyphs.extend(letters);
        Ok(())
    }
}

fn repeat(glyphs: &[Glyph], n: usize) -> Vec<Glyph> {
    (0..n).flat_map(|_| glyphs.iter().cloned()).collect()
}

/// The pen glyphs `hyper` asks for, loaded from `pendigits` and `unipen` (or their usual
/// places); none when it asks for none.
pub fn pen_glyphs(
    hyper: &Hyper,
    pendigits: Option<&Path>,
    unipen: Option<&Path>,
) -> anyhow::Result<PenGlyphs> {
    if hyper.pen_repeat == 0 && hyper.pen_letters <= 0.0 {
        return Ok(PenGlyphs {
            glyphs: Vec::new(),
            digits: 0,
            files: Vec::new(),
            typeface_glyphs: 0,
            typeface_digits: 0,
            letter_pool: Vec::new(),
        });
    }
    anyhow::ensure!(
        hyper.pen_letters <= 0.0 || hyper.outputs == digits::model::WITH_NOT_A_DIGIT,
        "--pen-letters teaches \"not a digit\", which needs --negatives above 0"
    );
    let sets = RealWriters::load(
        &sets::pendigits::resolve_dir(pendigits),
        &sets::unipen::resolve_dir(unipen),
    )
    .context(
        "the real writers' pen sets are needed for this recipe; \
         pass --mnist-only to train on MNIST alone",
    )?;
    let mut glyphs = Vec::new();
    for _ in 0..hyper.pen_repeat {
        glyphs.extend(sets.train_digits.iter().cloned());
    }
    let digits = glyphs.len();
    let share = f64::from(hyper.pen_letters.clamp(0.0, 1.0));
    let letters: Vec<Glyph> = sets
        .train_letters
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as f64 * share).floor() != ((i + 1) as f64 * share).floor())
        .map(|(_, g)| g.clone())
        .collect();
    let mut files = sets.files;
    if let Some(f) = files.iter_mut().find(|f| f.file.contains("letters")) {
        f.trained = letters.len();
    }
    if hyper.pen_repeat == 0 {
        files.retain(|f| f.file.contains("letters"));
    }
    if letters.is_empty() {
        files.retain(|f| !f.file.contains("letters"));
    }
    glyphs.extend(letters);
    Ok(PenGlyphs {
        glyphs,
        digits,
        files,
        typeface_glyphs: 0,
        typeface_digits: 0,
        letter_pool: sets.train_letters,
    })
}

/// The letters of `pool` that `answers` (the page's answer to each, drawn plainly; 10 for
/// "not a digit") reads as a digit.
pub fn hard_letters(pool: &[Glyph], answers: impl FnOnce(&Dataset) -> Vec<u8>) -> Vec<Glyph> {
    // The labels are not read (and `evaluate` tallies digits' only).
    let set = crate::measure::pen::drawn(pool, |_| 0);
    pool.iter()
        .zip(answers(&set))
        .filter(|(_, a)| *a != digits::model::NOT_A_DIGIT)
        .map(|(g, _)| g.clone())
        .collect()
}

/// `set` followed by `glyphs` drawn plainly, labelled with their digit or "not a digit".
pub fn with_pen(set: Dataset, glyphs: &[Glyph]) -> Dataset {
    if glyphs.is_empty() {
        return set;
    }
    let drawn =
        crate::measure::pen::drawn(glyphs, |g| g.digit().unwrap_or(digits::model::NOT_A_DIGIT));
    let mut pixels = set.images.pixels;
    pixels.extend_from_slice(&drawn.images.pixels);
    let mut labels = set.labels;
    labels.extend_from_slice(&drawn.labels);
    Dataset::from_pixels(pixels, labels)
}

/// Seeds the training negatives: other drawings than the replay set's and the measuring sets'.
const NEGATIVES_SEED: u32 = 991;

/// `old`'s weights stored in `precision` and measured again as stored: the new file with its
/// card (nothing written yet), and the measurements.
pub fn restore(
    old: &Stored,
    precision: Precision,
    data: Option<&Path>,
) -> anyhow::Result<(Stored, Measurements)> {
    let device = Backend::Ndarray.device()?;
    let bytes = weights::convert(&old.bytes, precision)
        .with_context(|| format!("{}", old.paths.weights.display()))?;
    let (all, split, _) = load_split(data)?;
    let model = weights::load(&bytes, &old.card.config(), &device)?;
    let test = all.select(&split.test);
    let normalized = old.card.normalized_input();
    let measured = report::measure(&model, &test, normalized, fixture::load().ok(), &device)?;
    let mut card = old.card.clone();
    card.record(&measured);
    card.record_weights(&bytes, precision);
    let paths = old.paths.clone();
    Ok((Stored { card, bytes, paths }, measured))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    fn device() -> burn::prelude::Device {
        burn::prelude::Device::ndarray()
    }

    fn refusal(path: &Path, outputs: usize, normalized: bool) -> String {
        let err = load_trained(path, "teacher", outputs, normalized, &device()).err();
        format!("{:#}", err.expect("refused"))
    }

    #[test]
    fn a_teacher_is_a_weights_file_that_answers_what_the_run_learns() {
        let model = crate::workspace_root().join("model");
        let err = refusal(&model.join("web.json"), 11, true);
        assert!(err.contains("NAME.bpk"), "{err}");
        let err = refusal(&model.join("no-such-model.bpk"), 11, true);
        assert!(err.contains("cannot read the teacher"), "{err}");
        // The article's model has ten outputs, and reads the raw scans.
        let err = refusal(&model.join("seed.bpk"), 11, false);
        assert!(err.contains("10 outputs"), "{err}");
        let err = refusal(&model.join("seed.bpk"), 10, true);
        assert!(err.contains("differently prepared"), "{err}");
        let seed = load_trained(&model.join("seed.bpk"), "teacher", 10, false, &device()).unwrap();
        let card = Stored::load(&model, "seed").unwrap().card;
        assert_eq!(seed.file.sha256, card.weights_sha256);
        assert_eq!(
            seed.threshold, None,
            "the article's model never says \"not a digit\""
        );
        let web = load_trained(&model.join("web.bpk"), "miner", 11, true, &device()).unwrap();
        assert!(web.threshold.is_some_and(|t| t > 0.0 && t < 1.0));
    }

    fn letter(label: char, x: f32) -> Glyph {
        Glyph {
            label,
            writer: "w".into(),
            source: "s".into(),
            strokes: vec![vec![[x, 0.0], [x + 10.0, 40.0], [x + 30.0, 10.0]]],
        }
    }

    #[test]
    fn hard_letters_are_those_read_as_digits() {
        let pool = [letter('a', 0.0), letter('J', 5.0), letter('y', 9.0)];
        let mut seen = 0;
        let hard = hard_letters(&pool, |set| {
            seen = set.len();
            vec![digits::model::NOT_A_DIGIT, 1, 4]
        });
        assert_eq!(seen, 3, "every letter of the pool is read");
        let labels: Vec<char> = hard.iter().map(|g| g.label).collect();
        assert_eq!(labels, ['J', 'y']);
        assert!(hard_letters(&pool, |_| vec![digits::model::NOT_A_DIGIT; 3]).is_empty());
    }

    #[test]
    fn mined_letters_are_taught_again_and_recorded() {
        let model = crate::workspace_root().join("model");
        let miner = load_trained(&model.join("web.bpk"), "miner", 11, true, &device()).unwrap();
        let pool: Vec<Glyph> = (0..4).map(|i| letter('x', i as f32)).collect();
        let mut pen = PenGlyphs {
            glyphs: pool[..2].to_vec(),
            digits: 0,
            files: Vec::new(),
            typeface_glyphs: 0,
            typeface_digits: 0,
            letter_pool: pool,
        };
        let found = hard_letters(&pen.letter_pool, |set| {
            crate::measure::rejection::page_answers(&miner.model, set, miner.threshold, &device())
        })
        .len();
        let h = pen.add_hard_letters(&miner, 3, &device());
        assert_eq!(h.found, found);
        assert_eq!(pen.glyphs.len(), 2 + 3 * found);
        assert_eq!(h.sha256, miner.file.sha256);
        assert_eq!(h.repeat, 3);
    }
}
