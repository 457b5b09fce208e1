//! The models the page ships: weights and model card of each row of `model::ARCHITECTURES`,
//! embedded at compile time under the row's name.

use crate::model::{ARCHITECTURES, Architecture, MlpConfig};

/// One exported model.
#[derive(Clone, Copy)]
pub struct Preset {
    /// Its row of the model table: name, label, network, input and recipe.
    pub arch: &'static Architecture,
    /// burnpack weights written by the trainer.
    pub weights: &'static [u8],
    /// The trainer's model card (JSON), for the page to show accuracy figures.
    pub card: &'static str,
}

impl Preset {
    pub fn name(&self) -> &'static str {
        self.arch.name
    }

    pub fn config(&self) -> MlpConfig {
        self.arch.config()
    }
}

/// A model's files, embedded by name.
macro_rules! embedded {
    ($($name:literal),*) => {
        &[$(($name, include_bytes!(concat!("../model/", $name, ".bpk")), include_str!(concat!("../model/", $name, ".json")))),*]
    };
}

/// The exported files, by model name.
const FILES: &[(&str, &[u8], &str)] = embedded!("web", "seed");

/// The model called `name`, when it is in the table and its files are embedded.
pub fn find(name: &str) -> Option<Preset> {
    let arch = Architecture::find(name)?;
    let &(_, weights, card) = FILES.iter().find(|f| f.0 == name)?;
    Some(Preset {
        arch,
        weights,
        card,
    })
}

/// Every shipped model, in the table's order (the first is the page's default).
pub fn all() -> impl Iterator<Item = Preset> {
    ARCHITECTURES.iter().filter_map(|a| find(a.name))
}

/// The page's default model.
pub fn default() -> Preset {
    all()
        .next()
        .expect("the model table has an embedded first row")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classifier::Classifier;
    use burn::prelude::*;

    #[test]
    #[allow(deprecated)]
    fn every_embedded_model_loads_and_matches_its_card() {
        for p in all() {
            let config = p.config();
            Classifier::new(p.weights, &config, Device::ndarray())
                .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
            // The card names the same layer widths as the code.
            let hidden: Vec<String> = config.hidden.iter().map(|h| h.to_string()).collect();
            let needle = format!("\"hidden\": [\n    {}\n  ]", hidden.join(",\n    "));
            assert!(
                p.card.contains(&needle),
                "{}: card disagrees with {:?}",
                p.name(),
                config.hidden
            );
            assert!(p.card.contains(&format!("\"preset\": \"{}\"", p.name())));
        }
    }

    #[test]
    fn every_model_in_the_table_is_embedded_and_no_other() {
        assert_eq!(all().count(), ARCHITECTURES.len());
        assert_eq!(FILES.len(), ARCHITECTURES.len());
        assert_eq!(default().name(), ARCHITECTURES[0].name);
        assert_eq!(find("seed").map(|p| p.name()), Some("seed"));
        assert!(find("nope").is_none());
    }
}
