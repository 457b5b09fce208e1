//! Which of pendigits' validation writers a model misreads, and how (#37): each writer's
//! share read right, as the page answers (top digit right and not turned away), what each
//! missed digit was read as, and a picture of the misses as the model sees them.
//!
//!   cargo run --profile fast -p trainer --example pen_misses [MODEL_DIR] [NAME] [SHEET.pgm]
//!
//! The picture has one row per true digit, ordered by the answer (X: "not a digit").

use std::collections::BTreeMap;
use std::path::PathBuf;

use trainer::measure::pen::drawn;
use trainer::measure::rejection::page_answers;
use trainer::measure::sheet::misses_sheet;
use trainer::sets::{pendigits, real_writers};
use trainer::store::export::Stored;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cpu = Stored::cpu_model_from_args(&mut args)?;
    let (model, device, name) = (&cpu.model, &cpu.device, &cpu.name);
    let sheet = args.next().map(PathBuf::from);
    let threshold = cpu.stored.card.not_a_digit_threshold().ok();
    let glyphs = real_writers::validation(&pendigits::resolve_dir(None))?;
    let set = drawn(&glyphs, |g| g.digit().unwrap_or(0));
    // The page's answer: 10 for "not a digit".
    let answers = page_answers(model, &set, threshold, device);
    // Per writer: right, total, and the misses as "label>answer".
    let mut writers: BTreeMap<&str, (usize, usize, Vec<String>)> = BTreeMap::new();
    for ((g, &label), &answer) in glyphs.iter().zip(&set.labels).zip(&answers) {
        let w = writers.entry(g.writer.as_str()).or_default();
        w.1 += 1;
        if label == answer {
            w.0 += 1;
        } else {
            let a = char::from_digit(answer.into(), 10).unwrap_or('X');
            w.2.push(format!("{label}>{a}"));
        }
    }
    let mut rows: Vec<_> = writers.into_iter().collect();
    rows.sort_by(|a, b| (a.1.0 * b.1.1).cmp(&(b.1.0 * a.1.1)));
    println!("writer                   read right        misses (label>answer)   (model {name})");
    for (writer, (right, n, misses)) in &rows {
        println!(
            "{writer:<24} {right:>4}/{n:<4} {:>6.2}%   {}",
            *right as f64 * 100.0 / *n as f64,
            misses.join(" ")
        );
    }
    if let Some(path) = sheet {
        let (pgm, legend) = misses_sheet(&set, &answers);
        trainer::files::write_atomic(&path, &pgm)?;
        eprintln!("wrote {}", path.display());
        print!("{legend}");
    }
    Ok(())
}
