//! How a model's weights are stored: named by the model table (`model::Recipe::weights`), the
//! trainer's `--weights` and the cards, and read and written by `weights`.

/// How the weights are stored. The page downloads what is stored, so smaller is faster; the
/// trainer measures the stored model, so a model card's accuracy is that of the weights it
/// ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Weight matrices as int8 with one f32 scale per output (column), biases as f32: a
    /// quarter of f32's size. Per-output scales keep a layer's small and large units apart.
    Int8,
    /// Weight matrices as 4-bit integers (-7 to 7, two to a byte) with an f16 scale per output
    /// and group of [`crate::weights::INT4_GROUP_ROWS`] inputs, biases as f32: about half of int8's size.
    Int4,
    F16,
    F32,
}

impl Precision {
    pub const ALL: [Precision; 4] = [Self::Int4, Self::Int8, Self::F16, Self::F32];

    pub fn name(self) -> &'static str {
        match self {
            Self::Int8 => "int8",
            Self::Int4 => "int4",
            Self::F16 => "f16",
            Self::F32 => "f32",
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown weights precision {s:?}; use int4, int8, f16 or f32"))
    }
}
