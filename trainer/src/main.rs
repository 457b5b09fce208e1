//! `trainer`: trains the digit recognizer's MLP on MNIST and exports what the page embeds.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use digits::preprocess::Strokes;
use digits::weights;
use trainer::cli::*;
use trainer::draw::trace::strokes_of;
use trainer::files::write_atomic;
use trainer::learn::backend::Backend;
use trainer::learn::evaluate::evaluate;
use trainer::measure::{numbers, report};
use trainer::run::{self, Event, load_split};
use trainer::sets::{fetch, fixture, typefaces};
use trainer::{in_workspace, terminal};

fn main() {
    if let Err(err) = run(Cli::parse()) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(args) => cmd_train(*args),
        Command::Predict(args) => cmd_predict(&args),
        Command::Evaluate(args) => cmd_evaluate(&args),
        Command::Store(args) => cmd_store(&args),
        Command::FetchData(args) if args.typefaces => {
            typefaces::fetch(&args.dest.unwrap_or_else(|| typefaces::resolve_dir(None)))
        }
        Command::FetchData(args) => {
            fetch::fetch(&args.dest.unwrap_or_else(|| in_workspace("data/mnist")))
        }
        Command::Fixture(args) => cmd_fixture(&args),
        Command::Optdigits(args) => cmd_optdigits(&args),
        Command::Replay(args) => cmd_replay(&args),
    }
}

fn cmd_train(args: TrainArgs) -> anyhow::Result<()> {
    let hyper = args.hyper();
    let epochs = hyper.epochs;
    let precision = args.precision();
    let request = run::Request {
        hyper,
        name: args.name.unwrap_or_else(|| args.preset.clone()),
        data: args.data.data.clone(),
        limit: args.limit,
        backend: args.backend,
        precision,
        out: args.out.unwrap_or_else(|| in_workspace("model")),
        show_progress: !args.quiet,
        pendigits: args.pendigits.clone(),
        unipen: args.unipen.clone(),
        typefaces: args.typefaces_dir.clone(),
        teachers: (!args.distill_from.is_empty()).then(|| run::TeacherRequest {
            weights: args.distill_from.clone(),
            weight: args.distill_weight,
            temperature: args.distill_temperature,
        }),
        hard_letters: args
            .hard_letters_from
            .clone()
            .map(|weights| run::HardLettersRequest {
                weights,
                repeat: args.hard_letters,
            }),
    };
    let outcome = run::run(request, |event| match event {
        Event::Started {
            hyper,
            train,
            test,
            data,
        } => {
            let config = hyper.model_config();
            eprintln!(
                "training {} ({} parameters) on {train} images, testing on {test} (data: {})",
                weights::describe(&config),
                config.num_params(),
                data.display()
            );
            if let Some(d) = &hyper.distill {
                let names: Vec<String> = d
                    .teachers
                    .iter()
                    .map(|t| format!("{} ({})", t.file, &t.sha256[..12.min(t.sha256.len())]))
                    .collect();
                eprintln!(
                    "learning {:.0}% from the answers of {} at temperature {}",
                    d.weight * 100.0,
                    names.join(" and "),
                    d.temperature
                );
            }
            if let Some(h) = &hyper.hard_letters {
                eprintln!(
                    "teaching {} more times the {} training letters that {} reads as digits",
                    h.repeat, h.found, h.miner
                );
            }
        }
        Event::Epoch(s) => println!(
            "epoch {:>2}/{epochs}  train loss {:.4}  test accuracy {:.2}%  ({:.1} s, {:.0} samples/s)",
            s.epoch,
            s.train_loss,
            s.test_accuracy * 100.0,
            s.seconds,
            s.samples_per_sec
        ),
        Event::Stored {
            precision,
            bytes,
            unrounded_correct,
        } => println!(
            "{precision} weights ({bytes} bytes); {unrounded_correct} correct on the test split before rounding"
        ),
        Event::Measured(m) => report::print(m),
    })?;
    eprintln!(
        "wrote {} ({} bytes), {}, and pictures in {:.0} s",
        outcome.paths.weights.display(),
        outcome.card.weights_bytes,
        outcome.paths.card.display(),
        outcome.seconds
    );
    Ok(())
}

fn cmd_predict(args: &PredictArgs) -> anyhow::Result<()> {
    let (index, stored) = (args.index, args.model.load()?);
    // The page's own classifier: the same scaling, softmax and argmax.
    let classifier =
        digits::classifier::Classifier::new(&stored.bytes, &stored.card.config(), cpu()?)
            .with_context(|| format!("{}", stored.paths.weights.display()))?;
    let (all, split, _) = load_split(args.data.dir())?;
    let Some(&image_index) = split.test.get(index) else {
        anyhow::bail!(
            "--index {index} is past the end of the {}-image test split",
            split.test.len()
        );
    };
    let one = all.select(&[image_index]);
    let input = one.clone().prepared(stored.card.normalized_input());
    let pixels = digits::pixels::image_unit(input.images.image(0));
    let probs = classifier.probabilities_blocking(&pixels)?;
    let (pred, p) = digits::classifier::top(&probs[0].digits);
    let mut out = std::io::stdout().lock();
    writeln!(out, "test image #{index} (MNIST image #{image_index}):")?;
    writeln!(out, "{}", terminal::render(&one.images.pixels, 28))?;
    writeln!(
        out,
        "prediction: {pred} ({:.1}%)  label: {}",
        p * 100.0,
        one.labels[0]
    )?;
    if classifier.outputs() == digits::model::WITH_NOT_A_DIGIT {
        writeln!(out, "not a digit: {:.1}%", probs[0].not_a_digit * 100.0)?;
    }
    Ok(())
}

fn cmd_evaluate(args: &EvaluateArgs) -> anyhow::Result<()> {
    let device = cpu()?;
    let stored = args.model.load()?;
    let (card, model) = (&stored.card, stored.model(&device)?);
    if let Some(path) = &args.style_sheet {
        write_atomic(path, &trainer::measure::styles::contact_sheet())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.writers_sheet {
        let set = trainer::measure::optdigits::ValidationSet::committed()?;
        let (sheet, legend) = set.misses_sheet(&set.evaluate(&model, &device));
        write_atomic(path, &sheet)?;
        eprintln!("wrote {}", path.display());
        print!("{legend}");
    }
    if args.pen {
        let sets = trainer::measure::pen::PenSets::load()?;
        let threshold = card.not_a_digit_threshold().ok();
        trainer::measure::pen::print(&trainer::measure::pen::measure(
            &model, &sets, threshold, &device,
        ));
        return Ok(());
    }
    if args.typefaces {
        use trainer::measure::typefaces as faces;
        let sets =
            faces::TypefaceSets::load(&typefaces::resolve_dir(args.typefaces_dir.as_deref()))?;
        let threshold = card.not_a_digit_threshold().ok();
        faces::print(&faces::measure(&model, &sets, threshold, &device));
        return Ok(());
    }
    if args.fixture {
        let set = fixture::load()?.prepared(card.normalized_input());
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
    let (all, split, _) = load_split(args.data.dir())?;
    let test = all.select(&split.test);
    let measured = report::measure(&model, &test, card.normalized_input(), None, &device)?;
    report::print(&measured);
    report::print_validation_styles(&trainer::measure::validation::evaluate(&model, &device));
    let styled = trainer::measure::styles::drawings();
    let not_digit_above = measured.rejection.as_ref().map(|r| r.threshold);
    for (title, numbers) in [
        (
            "whole numbers read exactly (held-out digits, split and read as the page does)",
            numbers::numbers(&test, &styled),
        ),
        (
            "the same numbers with two neighbours joined (the pen running on from one into the next)",
            numbers::joined_numbers(&test, &styled),
        ),
    ] {
        let scores = numbers::evaluate_numbers(&model, &numbers, not_digit_above, &device);
        numbers::print(title, &scores);
    }
    let traced: Vec<Strokes> = (0..test.len())
        .map(|i| strokes_of(test.images.image(i)))
        .collect();
    let split = |set: Vec<&Strokes>| {
        let n = set.len();
        (numbers::singles_split(&model, &set, &device), n)
    };
    let (drawn, drawn_total) = split(traced.iter().collect());
    let (styles, styles_total) = split(styled.iter().map(|d| &d.strokes).collect());
    println!(
        "single digits read as more than one: drawn test digits {drawn}/{drawn_total}, held-out styles {styles}/{styles_total}"
    );
    println!(
        "model card: test {}/{}, drawn {:?}, held-out styles {:?}",
        card.test_correct, card.test_total, card.drawn_correct, card.style_correct
    );
    Ok(())
}

fn cmd_store(args: &StoreArgs) -> anyhow::Result<()> {
    let (precision, max_loss) = (args.weights, args.max_loss);
    let old = args.model.load()?;
    let (new, measured) = run::restore(&old, precision, args.data.dir())?;
    let was = &old.card;
    println!(
        "{}: {} -> {precision}, {} -> {} bytes",
        args.model.preset,
        was.weights_precision,
        old.bytes.len(),
        new.bytes.len()
    );
    report::print(&measured);
    println!(
        "was: test {}, drawn {:?}, held-out styles {:?}",
        was.test_correct, was.drawn_correct, was.style_correct
    );
    let (lost_test, lost_drawn) = new.card.points_lost(was);
    if lost_test > max_loss || lost_drawn > max_loss {
        anyhow::bail!(
            "{precision} loses {lost_test:.2} points on the test split and {lost_drawn:.2} on drawn \
             digits, over --max-loss {max_loss}; nothing was written"
        );
    }
    new.write()?;
    eprintln!(
        "wrote {} ({} bytes) and {}",
        new.paths.weights.display(),
        new.bytes.len(),
        new.paths.card.display()
    );
    Ok(())
}

fn cmd_fixture(args: &FixtureArgs) -> anyhow::Result<()> {
    let (all, split, _) = load_split(args.data.dir())?;
    let (images, labels, n) = fixture::write(&all, &split, args.count)?;
    eprintln!(
        "wrote {} and {} ({n} images)",
        images.display(),
        labels.display()
    );
    Ok(())
}

fn cmd_replay(args: &ReplayArgs) -> anyhow::Result<()> {
    let (per_class, holdout_per_class) = (args.per_class, args.holdout_per_class);
    anyhow::ensure!(per_class > 0, "--per-class must be at least 1");
    let (all, split, _) = load_split(args.data.dir())?;
    let set =
        trainer::store::replay::build(&all, &split, per_class, holdout_per_class, args.negatives)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| in_workspace(trainer::store::replay::REPLAY_FILE));
    let bytes = set.to_bytes();
    write_atomic(&out, &bytes)?;
    eprintln!(
        "wrote {} ({} training digits, {} drawings that are not, {} held-out digits, {} bytes)",
        out.display(),
        set.train.len() - args.negatives,
        args.negatives,
        set.holdout.len(),
        bytes.len()
    );
    Ok(())
}

fn cmd_optdigits(args: &OptdigitsArgs) -> anyhow::Result<()> {
    use trainer::measure::optdigits::{FILE, ValidationSet};
    let set = ValidationSet::from_files(&args.csv, &args.heldout)?;
    let out = args.out.clone().unwrap_or_else(|| in_workspace(FILE));
    write_atomic(&out, serde_json::to_string(&set)?.as_bytes())?;
    if let Some(path) = &args.sheet {
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

/// The page's CPU backend, which `predict`, `evaluate` and `store` measure on.
fn cpu() -> anyhow::Result<burn::prelude::Device> {
    Backend::Ndarray.device()
}
