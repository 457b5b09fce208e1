//! Which real writers' letters are written like digits (#37): UNIPEN's letters from the training
//! sites, drawn plainly on the pad, read by a model that learned real writers' digits but no
//! letters. A letter that such a model reads as one and the same digit, surely, for most
//! writers (O as 0, l as 1, S as 5...) is digit-shaped: a person may mean that digit by it, so
//! it is neither taught nor counted as "not a digit" (`sets::real_writers::DIGIT_SHAPED`).
//!
//!   cargo run --profile fast -p trainer --example pen_lookalikes [MODEL_DIR] [NAME]
//!
//! Prints one line per letter, most digit-like first: the share read as its most common digit
//! with p >= 0.8, that digit, and the share read as it at all.

use std::collections::BTreeMap;

use trainer::measure::pen::drawn;
use trainer::measure::rejection::probabilities;
use trainer::sets::{real_writers::HELD_OUT_SITES, unipen};
use trainer::store::export::Stored;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cpu = Stored::cpu_model_from_args(&mut args)?;
    let (model, device, name) = (&cpu.model, &cpu.device, &cpu.name);
    let letters: Vec<_> = unipen::load(&unipen::resolve_dir(None), unipen::Part::Letters)?
        .into_iter()
        .filter(|g| !HELD_OUT_SITES.contains(&g.source.as_str()))
        .collect();
    let set = drawn(&letters, |_| 0);
    let probs = probabilities(model, &set, device);
    // Per letter: answers per digit, sure answers per digit, total.
    let mut tally: BTreeMap<char, ([usize; 10], [usize; 10], usize)> = BTreeMap::new();
    for (g, p) in letters.iter().zip(&probs) {
        let (d, q) = (0..10)
            .map(|d| (d, p[d]))
            .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let t = tally.entry(g.label).or_insert(([0; 10], [0; 10], 0));
        t.0[d] += 1;
        if q >= 0.8 {
            t.1[d] += 1;
        }
        t.2 += 1;
    }
    let mut rows: Vec<(char, usize, f64, f64)> = tally
        .into_iter()
        .map(|(c, (all, sure, n))| {
            let d = (0..10).max_by_key(|&d| sure[d]).unwrap_or(0);
            (c, d, sure[d] as f64 / n as f64, all[d] as f64 / n as f64)
        })
        .collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2));
    println!("letter  read surely as one digit  digit  read as it at all  (model {name})");
    for (c, d, sure, any) in rows {
        println!(
            "{c:>6}  {:>24.0}%  {d:>5}  {:>16.0}%",
            sure * 100.0,
            any * 100.0
        );
    }
    Ok(())
}
