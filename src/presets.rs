//! The models the page ships: weights embedded at compile time with their model cards.

use crate::model::MlpConfig;

/// One exported model.
pub struct Preset {
    /// Name used in `?model=` and in `model/<name>.*`.
    pub name: &'static str,
    /// What a person sees in the model picker.
    pub label: &'static str,
    /// burnpack weights written by the trainer.
    pub weights: &'static [u8],
    /// The trainer's model card (JSON), for the page to show accuracy figures.
    pub card: &'static str,
    /// The network the weights belong to.
    pub config: fn() -> MlpConfig,
}

/// The page's default: trained on canvas-like distortions, inputs normalised like the page's.
pub const WEB: Preset = Preset {
    name: "web",
    label: "Robust MLP (784-256-128-10)",
    weights: include_bytes!("../model/web.bpk"),
    card: include_str!("../model/web.json"),
    config: MlpConfig::web,
};

/// The article's model.
pub const SEED: Preset = Preset {
    name: "seed",
    label: "Article MLP (784-100-100-10)",
    weights: include_bytes!("../model/seed.bpk"),
    card: include_str!("../model/seed.json"),
    config: MlpConfig::seed,
};

/// Every shipped model; the first is the default.
pub const ALL: &[Preset] = &[WEB, SEED];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name == name)
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
            let config = (p.config)();
            Classifier::new(p.weights, &config, Device::ndarray())
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
            // The card names the same layer widths as the code.
            let hidden: Vec<String> = config.hidden.iter().map(|h| h.to_string()).collect();
            let needle = format!("\"hidden\": [\n    {}\n  ]", hidden.join(",\n    "));
            assert!(
                p.card.contains(&needle),
                "{}: card disagrees with {:?}",
                p.name,
                config.hidden
            );
            assert!(p.card.contains(&format!("\"preset\": \"{}\"", p.name)));
        }
    }

    #[test]
    fn find_by_name() {
        assert_eq!(find("seed").map(|p| p.name), Some("seed"));
        assert!(find("nope").is_none());
    }
}
