//! The models the page ships: weights embedded at compile time with their model cards, for the
//! presets of `model::ARCHITECTURES`.

use crate::model::{ARCHITECTURES, Architecture, MlpConfig};

/// One exported model.
pub struct Preset {
    /// Its name, label and network.
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

/// Every shipped model, in the order of `ARCHITECTURES` (the first is the default).
pub const ALL: &[Preset] = &[
    Preset {
        arch: &ARCHITECTURES[0],
        weights: include_bytes!("../model/web.bpk"),
        card: include_str!("../model/web.json"),
    },
    Preset {
        arch: &ARCHITECTURES[1],
        weights: include_bytes!("../model/seed.bpk"),
        card: include_str!("../model/seed.json"),
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classifier::Classifier;
    use burn::prelude::*;

    #[test]
    #[allow(deprecated)]
    fn every_embedded_model_loads_and_matches_its_card() {
        for p in ALL {
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
    fn find_by_name() {
        assert_eq!(find("seed").map(|p| p.name()), Some("seed"));
        // The embedded files match the table's order.
        for (p, a) in ALL.iter().zip(ARCHITECTURES) {
            assert_eq!(p.arch, a);
        }
        assert_eq!(ALL.len(), ARCHITECTURES.len());
        assert!(find("nope").is_none());
    }
}
