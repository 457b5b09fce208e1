//! Handwriting typefaces: Google Fonts' handwriting families (SIL Open Font License or Apache
//! 2.0), as the `@expo-google-fonts/*` npm packages carry them, each font standing in for one
//! more writer. A third of them are held out to measure on (the team's check draws typefaces
//! through the page too); the rest may train. The fonts are fetched, never committed:
//! `trainer fetch-data --typefaces` puts their regular TTFs in `data/typefaces/`.
//!
//! A character comes out as its coverage bitmap at a fixed size; `draw::typeface` thins and
//! traces it into pen strokes.

use std::fs;
use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::read_verified;
use crate::sets::idx::DataError;

/// The environment variable naming the folder, after `--typefaces`.
pub const ENV: &str = "TYPEFACES_DIR";

/// Where to get the fonts when they are missing.
pub const HINT: &str = "Fetch the handwriting typefaces with `cargo run --profile fast -p trainer -- \
    fetch-data --typefaces` (npm registry, about 45 MB of packages, 8 MB of fonts kept), or point \
    --typefaces or $TYPEFACES_DIR at a folder holding them";

/// A font's licence, for the credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Licence {
    Ofl,
    Apache,
}

/// One handwriting font: its family name, the npm package that carries it, the regular
/// weight's path in the package and the SHA-256 of that file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typeface {
    pub name: &'static str,
    pub package: &'static str,
    pub path: &'static str,
    pub sha256: &'static str,
    pub licence: Licence,
}

const fn face(
    name: &'static str,
    package: &'static str,
    path: &'static str,
    sha256: &'static str,
    licence: Licence,
) -> Typeface {
    Typeface {
        name,
        package,
        path,
        sha256,
        licence,
    }
}

use Licence::{Apache, Ofl};

/// Every handwriting font the trainer knows, in the packages' alphabetical order.
pub const TYPEFACES: &[Typeface] = &[
    face(
        "AnnieUseYourTelescope",
        "annie-use-your-telescope@0.4.0",
        "400Regular/AnnieUseYourTelescope_400Regular.ttf",
        "f390e6494169d51ede086829fe05f32911a96872363c8271f256ba0ba2150173",
        Ofl,
    ),
    face(
        "ArchitectsDaughter",
        "architects-daughter@0.4.1",
        "400Regular/ArchitectsDaughter_400Regular.ttf",
        "7e7ae3e7f37f4a56362e3dc486acf968a1023d954994901f960b0e53de3fa883",
        Ofl,
    ),
    face(
        "Caveat",
        "caveat@0.4.2",
        "400Regular/Caveat_400Regular.ttf",
        "271ee7c4a60b1be2ba13a66990e7475c76c982ac6e906c9db25139976282f6b8",
        Ofl,
    ),
    face(
        "CedarvilleCursive",
        "cedarville-cursive@0.4.1",
        "400Regular/CedarvilleCursive_400Regular.ttf",
        "cfe761535f2ab42ee297e7bfec27e6e9af18529b87ef8b7f07a000da3a18f93d",
        Ofl,
    ),
    face(
        "ComicNeue",
        "comic-neue@0.4.1",
        "400Regular/ComicNeue_400Regular.ttf",
        "63690a24f0ded1a87858c22a4abe69f07765661d3b0ac7284f90235c5dbd9539",
        Ofl,
    ),
    face(
        "ComingSoon",
        "coming-soon@0.4.1",
        "400Regular/ComingSoon_400Regular.ttf",
        "909aabcdb145da0c393ada544d8b133cf591fb512433a517018618ba96e59fa2",
        Apache,
    ),
    face(
        "CoveredByYourGrace",
        "covered-by-your-grace@0.4.1",
        "400Regular/CoveredByYourGrace_400Regular.ttf",
        "67ee4693d8b49edab0c81c8a4effc7ee6ac422a2a31fef361715ed6df3df26fc",
        Ofl,
    ),
    face(
        "Delius",
        "delius@0.4.1",
        "400Regular/Delius_400Regular.ttf",
        "f68d1021b7a7df0f7bb0f9980e04b41ff0e75e1ed00a61ebb384f1df4a147261",
        Ofl,
    ),
    face(
        "EduNSWACTFoundation",
        "edu-nsw-act-foundation@0.4.1",
        "400Regular/EduNSWACTFoundation_400Regular.ttf",
        "285dfbc5eca9f67bdd6fbd37541c628ac6cf9d875773fff617dd9df5b51b06af",
        Ofl,
    ),
    face(
        "EduQLDBeginner",
        "edu-qld-beginner@0.4.2",
        "400Regular/EduQLDBeginner_400Regular.ttf",
        "cce6c835d8b9bf99ccf4268419ce17269763d1f7c3fd8c1c98991eeed248bc45",
        Ofl,
    ),
    face(
        "GloriaHallelujah",
        "gloria-hallelujah@0.4.1",
        "400Regular/GloriaHallelujah_400Regular.ttf",
        "4206cbda828ccde275f6d8b406ad80a29d2f5d9bc1a39a86e56a1c9c7691ed8c",
        Ofl,
    ),
    face(
        "GochiHand",
        "gochi-hand@0.4.2",
        "400Regular/GochiHand_400Regular.ttf",
        "57e17aabd8bfa36f9ce790f26a64176abd01f89df2fac8263aa50003daaf81b5",
        Ofl,
    ),
    face(
        "HomemadeApple",
        "homemade-apple@0.4.1",
        "400Regular/HomemadeApple_400Regular.ttf",
        "0cce5c499541817f129b7a1078ffb89d426c1e09335e07e9b304bb34193e8eee",
        Apache,
    ),
    face(
        "IndieFlower",
        "indie-flower@0.4.1",
        "400Regular/IndieFlower_400Regular.ttf",
        "e6a139213baa54b2ff51d300f98cc1c16d690b5046a4b0e42435cbf791767853",
        Ofl,
    ),
    face(
        "Itim",
        "itim@0.4.1",
        "400Regular/Itim_400Regular.ttf",
        "acdd351e7e72ab5e3d16cc26cda212c51482905cd83cc5bfb8c799c272e0e09a",
        Ofl,
    ),
    face(
        "JustAnotherHand",
        "just-another-hand@0.4.1",
        "400Regular/JustAnotherHand_400Regular.ttf",
        "c4f456b0d727c7e6da6c22b9e253d5c697f07bf937b18ffc4f2b05ff78de69a9",
        Apache,
    ),
    face(
        "Kalam",
        "kalam@0.4.1",
        "400Regular/Kalam_400Regular.ttf",
        "c2a5822e35bd9826735baf8cea549534fd300c979129299d327a155ed9ef667f",
        Ofl,
    ),
    face(
        "LaBelleAurore",
        "la-belle-aurore@0.4.1",
        "400Regular/LaBelleAurore_400Regular.ttf",
        "366ab6209c5f16a503dde1ec7d1cc02a67da2d1a37eafe75f5f7eccfb125ecec",
        Ofl,
    ),
    face(
        "Mali",
        "mali@0.4.1",
        "400Regular/Mali_400Regular.ttf",
        "447cddd48d4d082bc32c4402d89360c499b24bf6d1a628f07c77d184d3c9064b",
        Ofl,
    ),
    face(
        "NanumPenScript",
        "nanum-pen-script@0.4.0",
        "400Regular/NanumPenScript_400Regular.ttf",
        "a0bc8ec50075e11496defe34eb9036d56907d44f880b80b2032ac0dbff140e88",
        Ofl,
    ),
    face(
        "Neucha",
        "neucha@0.4.1",
        "400Regular/Neucha_400Regular.ttf",
        "6b04fa67b591d1570644135638612c0eb23c728efad92690d98b9cf25c39eb71",
        Ofl,
    ),
    face(
        "NothingYouCouldDo",
        "nothing-you-could-do@0.4.1",
        "400Regular/NothingYouCouldDo_400Regular.ttf",
        "d866f985896d3280f4fce72db7e17302c24a0c1fdb0699b6b5ed3af14f944d57",
        Ofl,
    ),
    face(
        "Pangolin",
        "pangolin@0.4.1",
        "400Regular/Pangolin_400Regular.ttf",
        "a48db64eadc589c2e9f14a4ba79eed82a438c7f620f929dd19e352c20b2a922e",
        Ofl,
    ),
    face(
        "PatrickHand",
        "patrick-hand@0.4.1",
        "400Regular/PatrickHand_400Regular.ttf",
        "496937dafcb18bf2c2f624ed02c8f7f4d47bd1e4e6e5646c42b6cfd873c6b13c",
        Ofl,
    ),
    face(
        "PermanentMarker",
        "permanent-marker@0.4.0",
        "400Regular/PermanentMarker_400Regular.ttf",
        "4a613a4e0a67ad9c48ee6bbf664a59f73450069ad27c08d4ed21e1b9b1893590",
        Apache,
    ),
    face(
        "PlaypenSans",
        "playpen-sans@0.4.1",
        "400Regular/PlaypenSans_400Regular.ttf",
        "65fdaad5a3aee5ee4d0835957fdb4e0b6941890f198143c9a4ec36040026b44f",
        Ofl,
    ),
    face(
        "PlaywriteAUQLD",
        "playwrite-au-qld@0.4.1",
        "400Regular/PlaywriteAUQLD_400Regular.ttf",
        "c2f49e4f6eaff469faf2372a0a7207f8b52fd334420ea10caf18ecab08270438",
        Ofl,
    ),
    face(
        "PlaywriteBR",
        "playwrite-br@0.4.1",
        "400Regular/PlaywriteBR_400Regular.ttf",
        "36e40c61ae9880ca55a538be669cbe5edbd9dafa4e11a5d8680cf112c079829c",
        Ofl,
    ),
    face(
        "PlaywriteCL",
        "playwrite-cl@0.4.1",
        "400Regular/PlaywriteCL_400Regular.ttf",
        "71ff83f5cb7a6d437ed5083f8a112cddb36a7c616017cc21fdaf8b425fd8f352",
        Ofl,
    ),
    face(
        "PlaywriteES",
        "playwrite-es@0.4.1",
        "400Regular/PlaywriteES_400Regular.ttf",
        "f519b1ddd704728561463b4c6fe3a5747e41e2dff53e7f6186ede56b91031361",
        Ofl,
    ),
    face(
        "PlaywriteHU",
        "playwrite-hu@0.4.1",
        "400Regular/PlaywriteHU_400Regular.ttf",
        "57018b5198239efa375b611667ad4bccc167e1157d60d1a5008fc3304e5fd48b",
        Ofl,
    ),
    face(
        "PlaywriteITTrad",
        "playwrite-it-trad@0.4.1",
        "400Regular/PlaywriteITTrad_400Regular.ttf",
        "a084e3dbb252e86d549e23cbf91e3313670f376eca37848cb2d23cbf6be48ed0",
        Ofl,
    ),
    face(
        "PlaywriteMX",
        "playwrite-mx@0.4.1",
        "400Regular/PlaywriteMX_400Regular.ttf",
        "664122b4fb66bb01af26ce65fb44aaa377ebfa0b769ff066aa4fee69bd110b85",
        Ofl,
    ),
    face(
        "PlaywritePL",
        "playwrite-pl@0.4.1",
        "400Regular/PlaywritePL_400Regular.ttf",
        "a94fd4e55045e22cd5594f211d0b1be053d84968d467d75b7104afa2d9d9e9db",
        Ofl,
    ),
    face(
        "PlaywriteUSTrad",
        "playwrite-us-trad@0.4.1",
        "400Regular/PlaywriteUSTrad_400Regular.ttf",
        "ab397e6941f78fcd448f77e4a162d7346bcdd392b4c24124bd4bd463c6b8bbad",
        Ofl,
    ),
    face(
        "ReenieBeanie",
        "reenie-beanie@0.4.1",
        "400Regular/ReenieBeanie_400Regular.ttf",
        "f3b0fc248a510101281bfc2f81815b9758ff9bcc7400c42827791a8d36d14698",
        Ofl,
    ),
    face(
        "RockSalt",
        "rock-salt@0.4.1",
        "400Regular/RockSalt_400Regular.ttf",
        "90cc7e78ac2a8e2165c7ba2948c77a9f30b546806ad020afe6ececd2c8f92c28",
        Apache,
    ),
    face(
        "Satisfy",
        "satisfy@0.4.1",
        "400Regular/Satisfy_400Regular.ttf",
        "4b32302598dbc046768ae507e913c1468e7247cbeee3140540b445605a22c942",
        Apache,
    ),
    face(
        "Schoolbell",
        "schoolbell@0.4.0",
        "400Regular/Schoolbell_400Regular.ttf",
        "5c95c4513ba2908d82ae7f2205dabb6c3e887181bd7ee4d78e1fb5f8b618d701",
        Apache,
    ),
    face(
        "ShadowsIntoLight",
        "shadows-into-light@0.4.1",
        "400Regular/ShadowsIntoLight_400Regular.ttf",
        "2d697208b133a900ab1f5607e437d039b19a0f956fc3d998760cabb3c11ad3b0",
        Ofl,
    ),
    face(
        "ShadowsIntoLightTwo",
        "shadows-into-light-two@0.4.1",
        "400Regular/ShadowsIntoLightTwo_400Regular.ttf",
        "2794e63b651f594ef980edde9a6d57223bd89afdcac7abe3c82cd11f61792e22",
        Ofl,
    ),
    face(
        "ShantellSans",
        "shantell-sans@0.4.1",
        "400Regular/ShantellSans_400Regular.ttf",
        "84c3c95a452fbeb3819ed0bb3cd1190adec43595601d13b4b7c9f603731685ed",
        Ofl,
    ),
    face(
        "ShortStack",
        "short-stack@0.4.1",
        "400Regular/ShortStack_400Regular.ttf",
        "e784abf10db68a62bbb1ccca3e20c7fb35391cc1e9971c878095eedaebc9915b",
        Ofl,
    ),
    face(
        "Sriracha",
        "sriracha@0.4.1",
        "400Regular/Sriracha_400Regular.ttf",
        "10224a278f0fc770ba3efc57537b45a2eccc755d0eddb0c112af478414b8d3f5",
        Ofl,
    ),
    face(
        "SueEllenFrancisco",
        "sue-ellen-francisco@0.4.1",
        "400Regular/SueEllenFrancisco_400Regular.ttf",
        "590931b228c2885c8a124ab27e16ef2e8d0887900ef0d156bae1392944025625",
        Ofl,
    ),
    face(
        "Yellowtail",
        "yellowtail@0.4.1",
        "400Regular/Yellowtail_400Regular.ttf",
        "01418091041e0e73525b18416e3f9db9d63be7f9c0443c16465743bf3a9db48b",
        Apache,
    ),
];

/// What a font is for: training, or measuring on glyphs shaped by hands the model never saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Train,
    HeldOut,
}

impl Typeface {
    /// Every third font of the list is held out (chosen by position before any was measured,
    /// so that no model choice picks its own test).
    pub fn role(&self) -> Role {
        let i = TYPEFACES.iter().position(|t| t == self).unwrap_or(0);
        if i % 3 == 2 {
            Role::HeldOut
        } else {
            Role::Train
        }
    }

    /// The file's name in the typefaces folder.
    pub fn file(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// The npm spec to fetch it with.
    pub fn spec(&self) -> String {
        format!("@expo-google-fonts/{}", self.package)
    }

    /// Reads the font from `dir`, checked against its checksum.
    pub fn load(&self, dir: &Path) -> Result<FontVec, DataError> {
        let bytes = read_verified(dir, self.file(), self.sha256, HINT)?;
        FontVec::try_from_vec(bytes).map_err(|e| DataError::Format {
            path: dir.join(self.file()),
            message: format!("not a font the rasteriser reads: {e}"),
        })
    }
}

/// The fonts in one role.
pub fn with_role(role: Role) -> impl Iterator<Item = &'static Typeface> {
    TYPEFACES.iter().filter(move |t| t.role() == role)
}

/// The folder: `explicit`, then `$TYPEFACES_DIR`, then the workspace's `data/typefaces/`.
pub fn resolve_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_owned();
    }
    if let Some(dir) = std::env::var_os(ENV) {
        return PathBuf::from(dir);
    }
    crate::in_workspace("data/typefaces")
}

/// Are all the fonts in `dir`? (Checksums are checked when they are read.)
pub fn present(dir: &Path) -> bool {
    TYPEFACES.iter().all(|t| dir.join(t.file()).is_file())
}

/// A character's ink as the font draws it at `px` pixels to the em: coverage in [0, 1],
/// row-major, `width` x `height`, with the top-left pixel at `origin` relative to the pen
/// position on the baseline (so characters of one font keep their sizes and heights).
#[derive(Debug, Clone, PartialEq)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    pub origin: [f32; 2],
    pub coverage: Vec<f32>,
}

/// `ch` in `font` at `px` pixels to the em; `None` when the font has no such glyph or it has
/// no ink.
pub fn rasterise(font: &FontVec, ch: char, px: f32) -> Option<Bitmap> {
    let id = font.glyph_id(ch);
    if id.0 == 0 {
        return None;
    }
    let scaled = font.as_scaled(PxScale::from(px));
    let outlined = scaled.outline_glyph(id.with_scale(px))?;
    let b = outlined.px_bounds();
    let (width, height) = (b.width() as usize, b.height() as usize);
    if width == 0 || height == 0 {
        return None;
    }
    let mut coverage = vec![0.0; width * height];
    outlined.draw(|x, y, c| {
        if let Some(v) = coverage.get_mut(y as usize * width + x as usize) {
            *v = c;
        }
    });
    Some(Bitmap {
        width,
        height,
        origin: [b.min.x, b.min.y],
        coverage,
    })
}

/// Downloads every font not yet in `dest` through the npm registry, checks each against its
/// checksum and writes it there.
pub fn fetch(dest: &Path) -> anyhow::Result<()> {
    let missing: Vec<&Typeface> = TYPEFACES.iter().filter(|t| t.load(dest).is_err()).collect();
    if missing.is_empty() {
        eprintln!(
            "{}: all {} typefaces present and verified",
            dest.display(),
            TYPEFACES.len()
        );
        return Ok(());
    }
    fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    eprintln!(
        "fetching {} handwriting typefaces from the npm registry...",
        missing.len()
    );
    for face in missing {
        let spec = face.spec();
        let wanted = format!("package/{}", face.path);
        let files = super::fetch::npm_files(&spec, |p| p == wanted)?;
        let Some((_, bytes)) = files.into_iter().next() else {
            bail!(
                "{spec} holds no {}; the package may have changed",
                face.path
            );
        };
        let actual = crate::sets::mnist::hex(&Sha256::digest(&bytes));
        if actual != face.sha256 {
            bail!(
                "{spec}: {} has SHA-256 {actual}, expected {}; the package changed",
                face.path,
                face.sha256
            );
        }
        crate::files::write_atomic(&dest.join(face.file()), &bytes)?;
        eprintln!("  {} verified", face.file());
    }
    eprintln!("the typefaces are in {}", dest.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_third_of_the_fonts_are_held_out_and_names_are_unique() {
        let held = with_role(Role::HeldOut).count();
        assert_eq!(held, TYPEFACES.len() / 3);
        let mut names: Vec<&str> = TYPEFACES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TYPEFACES.len());
        assert!(
            TYPEFACES
                .iter()
                .all(|t| t.sha256.len() == 64 && t.file().ends_with(".ttf"))
        );
    }

    #[test]
    fn a_missing_or_damaged_font_names_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let face = &TYPEFACES[0];
        let err = face.load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(face.file()) && err.contains("fetch-data --typefaces"),
            "{err}"
        );
        std::fs::write(dir.path().join(face.file()), b"not a font").unwrap();
        let err = face.load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("checksum") || err.contains("SHA-256"), "{err}");
    }
}
