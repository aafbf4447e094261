//! Shared data files a unit-year needs besides its own: the layout profile
//! and the classification catalogue. Looked up in the data root
//! (`<root>/profiles/`, `<root>/catalogue/`) first, so users can copy and
//! correct them, then in the copies built into the binary.

use std::path::Path;

use crate::load::{LoadError, parse_yaml, read_yaml};
use crate::model::{Catalogue, EconCatalogue, FuncCatalogue, Loc, Profile};

const BUILTIN_PROFILES: &[(&str, &str)] = &[
    ("湖南-县级-2023", include_str!("../data/profiles/湖南-县级-2023.yaml")),
    ("湖南-怀化-2023", include_str!("../data/profiles/湖南-怀化-2023.yaml")),
];

const BUILTIN_FUNC: &[(u16, &str)] = &[(2023, include_str!("../data/catalogue/功能分类-2023.yaml"))];
const BUILTIN_ECON: &[(u16, &str)] = &[(2023, include_str!("../data/catalogue/经济分类-2023.yaml"))];

/// The names of the built-in profiles.
pub fn builtin_profiles() -> impl Iterator<Item = &'static str> {
    BUILTIN_PROFILES.iter().map(|(n, _)| *n)
}

/// Finds profile `name` for a unit under data root `root`.
pub fn profile(root: &Path, name: &str) -> Result<Profile, LoadError> {
    let path = root.join("profiles").join(format!("{name}.yaml"));
    if path.is_file() {
        return read_yaml(&path);
    }
    match BUILTIN_PROFILES.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => parse_yaml(Path::new(&format!("（内置）profiles/{name}.yaml")), text),
        None => Err(LoadError {
            file: path,
            at: Loc::default(),
            rule: "L-PROFILE",
            message: format!(
                "找不到版式方案“{name}”：数据目录的 profiles/ 中没有，内置方案有 {}",
                builtin_profiles().collect::<Vec<_>>().join("、")
            ),
        }),
    }
}

/// The catalogue for `year`: the data root's own files for that year (or
/// the latest earlier year), else the built-in ones.
pub fn catalogue(root: &Path, year: u16) -> Result<Catalogue, LoadError> {
    let func = pick::<FuncCatalogue>(root, "功能分类", year, BUILTIN_FUNC)?;
    let econ = pick::<EconCatalogue>(root, "经济分类", year, BUILTIN_ECON)?;
    Ok(Catalogue { func, econ })
}

fn pick<T: serde::de::DeserializeOwned>(
    root: &Path,
    stem: &str,
    year: u16,
    builtin: &[(u16, &str)],
) -> Result<T, LoadError> {
    let dir = root.join("catalogue");
    for y in (year.saturating_sub(10)..=year).rev() {
        let path = dir.join(format!("{stem}-{y}.yaml"));
        if path.is_file() {
            return read_yaml(&path);
        }
        if let Some((_, text)) = builtin.iter().find(|(by, _)| *by == y) {
            return parse_yaml(Path::new(&format!("（内置）catalogue/{stem}-{y}.yaml")), text);
        }
    }
    // Later years only: use the earliest built-in one.
    let (y, text) = builtin.first().expect("at least one built-in catalogue");
    parse_yaml(Path::new(&format!("（内置）catalogue/{stem}-{y}.yaml")), text)
}
