//! Shared data files a unit-year needs besides its own: the layout profile
//! and the classification catalogue. Looked up in the data root
//! (`<root>/profiles/`, `<root>/catalogue/`) first, so users can copy and
//! correct them, then in the copies built into the binary.

use std::path::{Path, PathBuf};

use crate::load::{LoadError, parse_yaml, read_yaml};
use std::collections::BTreeMap;

use crate::model::grid::Forms;
use crate::model::scored_form::ScoredForms;
use crate::model::{Catalogue, EconCatalogue, FuncCatalogue, Loc, Profile};

const BUILTIN_PROFILES: &[(&str, &str)] = &[
    ("湖南-县级-2023", include_str!("../data/profiles/湖南-县级-2023.yaml")),
    ("湖南-怀化-2023", include_str!("../data/profiles/湖南-怀化-2023.yaml")),
    ("中央部门", include_str!("../data/profiles/中央部门.yaml")),
    ("湖北-县级", include_str!("../data/profiles/湖北-县级.yaml")),
    ("云南-县级", include_str!("../data/profiles/云南-县级.yaml")),
    ("四川-县级", include_str!("../data/profiles/四川-县级.yaml")),
];

const BUILTIN_FORMS: &[(&str, &str)] = &[
    ("湖南", include_str!("../data/profiles/forms/湖南.yaml")),
    ("中央", include_str!("../data/profiles/forms/中央.yaml")),
];

const BUILTIN_EVALUATION_FORMS: &[(&str, &str)] = &[
    ("湖南", include_str!("../data/profiles/自评表/湖南.yaml")),
    ("全国", include_str!("../data/profiles/自评表/全国.yaml")),
    ("四川", include_str!("../data/profiles/自评表/四川.yaml")),
];

const BUILTIN_FUNC: &[(u16, &str)] = &[(2023, include_str!("../data/catalogue/功能分类-2023.yaml"))];
const BUILTIN_ECON: &[(u16, &str)] = &[(2023, include_str!("../data/catalogue/经济分类-2023.yaml"))];

/// The names of the built-in profiles.
pub fn builtin_profiles() -> impl Iterator<Item = &'static str> {
    BUILTIN_PROFILES.iter().map(|(n, _)| *n)
}

/// Finds profile `name` for a unit under data root `root`, with the form
/// of each of its tables.
pub fn profile(root: &Path, name: &str) -> Result<Profile, LoadError> {
    let (mut p, file) = profile_file(root, name)?;
    if let Err(message) = check_parts(&p) {
        return Err(LoadError { file, at: Loc::default(), rule: "L-PARTS", message, also: Vec::new() });
    }
    let mut forms: Option<(Forms, PathBuf)> = None;
    let tables = p.tables.clone();
    for t in &tables {
        let id = t.id.as_str();
        let (form, origin) = match &t.form {
            Some(f) => (f.clone(), file.clone()),
            None => {
                if forms.is_none() {
                    forms = Some(forms_file(root, &p.forms, &file)?);
                }
                let (all, origin) = forms.as_ref().expect("loaded above");
                let Some(f) = all.get(id) else {
                    let message = format!(
                        "表 {id}（{}）没有表式：表中没有写 form，表式文件 {} 中也没有 {id}",
                        t.label,
                        origin.display()
                    );
                    return Err(LoadError { file, at: Loc::default(), rule: "L-FORM", message, also: Vec::new() });
                };
                (f.clone(), origin.clone())
            }
        };
        if let Err(e) = form.check(&crate::derive::columns_of) {
            let message = format!("表 {id}（{}）的表式有误：{e}", t.label);
            return Err(LoadError { file: origin, at: Loc::default(), rule: "L-FORM", message, also: Vec::new() });
        }
        p.table_forms.insert(id.to_string(), (form, origin));
    }
    p.evaluation_form_sets = evaluation_forms(root)?;
    if !p.evaluation_form_sets.contains_key(&p.evaluation_forms) {
        let known: Vec<&str> = p.evaluation_form_sets.keys().map(String::as_str).collect();
        let near = crate::model::did_you_mean(&p.evaluation_forms, known.iter().copied());
        let message = format!(
            "找不到自评表表式“{}”（evaluation_forms）{near}：可用的有 {}（数据目录的 profiles/自评表/ 中的文件和内置的）",
            p.evaluation_forms,
            known.join("、")
        );
        return Err(LoadError { file, at: Loc::default(), rule: "L-FORM", message, also: Vec::new() });
    }
    Ok(p)
}

/// Every 自评表 forms file a unit may name: the built-in ones and those in
/// the data root's `profiles/自评表/` (a file there replaces the built-in
/// one of its name), each checked; a set without an 整体 form takes the
/// built-in 湖南 one.
fn evaluation_forms(root: &Path) -> Result<BTreeMap<String, (ScoredForms, PathBuf)>, LoadError> {
    let dir = root.join("profiles").join("自评表");
    let mut names: Vec<String> = BUILTIN_EVALUATION_FORMS.iter().map(|(n, _)| n.to_string()).collect();
    for e in std::fs::read_dir(&dir).into_iter().flatten().filter_map(Result::ok) {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "yaml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && !names.iter().any(|n| n == stem)
        {
            names.push(stem.to_string());
        }
    }
    let mut sets = BTreeMap::new();
    for name in names {
        let Ok(found) = shared_file::<ScoredForms>(&dir, "profiles/自评表", &name, BUILTIN_EVALUATION_FORMS) else {
            continue;
        };
        let (set, origin) = found?;
        for (what, form) in
            std::iter::once(("project", &set.project)).chain(set.overall.as_ref().map(|o| ("overall", o)))
        {
            form.check().map_err(|e| LoadError {
                file: origin.clone(),
                at: Loc::default(),
                rule: "L-FORM",
                message: format!("自评表表式“{name}”的 {what} 有误：{e}"),
                also: Vec::new(),
            })?;
        }
        sets.insert(name, (set, origin));
    }
    let hunan_overall = sets.get("湖南").and_then(|(s, _)| s.overall.clone()).or_else(|| {
        let (_, text) = BUILTIN_EVALUATION_FORMS[0];
        parse_yaml::<ScoredForms>(Path::new("（内置）profiles/自评表/湖南.yaml"), text).ok()?.overall
    });
    for (set, _) in sets.values_mut() {
        if set.overall.is_none() {
            set.overall = hunan_overall.clone();
        }
    }
    Ok(sets)
}

/// A profile's parts: a text part has a key and a title, no other kind
/// appears twice, and tables are listed only where a part prints them.
fn check_parts(p: &Profile) -> Result<(), String> {
    use crate::model::PartKind;
    let mut seen = Vec::new();
    for (i, part) in p.parts.iter().enumerate() {
        let at = format!("parts 第 {} 项", i + 1);
        if part.kind == PartKind::Text {
            if part.key.as_deref().is_none_or(|k| k.trim().is_empty()) || part.title.is_none() {
                return Err(format!("{at}（kind: text）要写 key（决算.yaml 中 texts 的键）和 title"));
            }
            if seen.contains(&(PartKind::Text, part.key.clone())) {
                return Err(format!("{at}：key“{}”写了两次", part.key.as_deref().unwrap_or("")));
            }
        } else {
            if part.key.is_some() {
                return Err(format!("{at}：只有 kind: text 的部分有 key"));
            }
            if seen.iter().any(|(k, _)| *k == part.kind) {
                return Err(format!("{at}：同一种部分（{:?}）写了两次", part.kind).to_lowercase());
            }
        }
        seen.push((part.kind, part.key.clone()));
    }
    if !p.tables.is_empty() && !p.parts.iter().any(|x| x.kind == PartKind::Tables) {
        return Err(
            "parts 中没有 kind: tables，tables 中列的公开表不会印出：加一项 {kind: tables} 或删去 tables".into()
        );
    }
    Ok(())
}

/// The forms file `name`: the data root's `profiles/forms/<name>.yaml`, else the built-in one.
fn forms_file(root: &Path, name: &str, profile: &Path) -> Result<(Forms, PathBuf), LoadError> {
    let dir = root.join("profiles").join("forms");
    shared_file(&dir, "profiles/forms", name, BUILTIN_FORMS).unwrap_or_else(|path| {
        Err(LoadError {
            file: profile.to_path_buf(),
            at: Loc::default(),
            rule: "L-FORM",
            message: format!(
                "找不到表式文件“{name}”（forms: {name}）：{} 不存在，内置表式有 {}",
                path.display(),
                BUILTIN_FORMS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join("、")
            ),
            also: Vec::new(),
        })
    })
}

/// The profile file `name` as written, and where it came from.
fn profile_file(root: &Path, name: &str) -> Result<(Profile, PathBuf), LoadError> {
    shared_file(&root.join("profiles"), "profiles", name, BUILTIN_PROFILES).unwrap_or_else(|path| {
        Err(LoadError {
            file: path,
            at: Loc::default(),
            rule: "L-PROFILE",
            message: format!(
                "找不到版式方案“{name}”：数据目录的 profiles/ 中没有，内置方案有 {}",
                builtin_profiles().collect::<Vec<_>>().join("、")
            ),
            also: Vec::new(),
        })
    })
}

/// `<dir>/<name>.yaml` if the data root has it, else the built-in copy
/// (named “（内置）<shown>/<name>.yaml” in messages), parsed, with where
/// it came from; `Err(path)` when neither exists.
fn shared_file<T: serde::de::DeserializeOwned>(
    dir: &Path,
    shown: &str,
    name: &str,
    builtin: &[(&str, &str)],
) -> Result<Result<(T, PathBuf), LoadError>, PathBuf> {
    let path = dir.join(format!("{name}.yaml"));
    if path.is_file() {
        return Ok(read_yaml(&path).map(|v| (v, path)));
    }
    let (_, text) = builtin.iter().find(|(n, _)| *n == name).ok_or(path)?;
    let origin = PathBuf::from(format!("（内置）{shown}/{name}.yaml"));
    Ok(parse_yaml(&origin, text).map(|v| (v, origin)))
}

/// The catalogue for `year`: the data root's own files for that year (or
/// the latest earlier year), else the built-in ones.
pub fn catalogue(root: &Path, year: u16) -> Result<Catalogue, LoadError> {
    let (mut func, origin) = pick::<FuncCatalogue>(root, "功能分类", year, BUILTIN_FUNC)?;
    func.origin = origin;
    let (mut econ, origin) = pick::<EconCatalogue>(root, "经济分类", year, BUILTIN_ECON)?;
    econ.origin = origin;
    Ok(Catalogue { func, econ })
}

/// The catalogue file for `year` and where it came from.
fn pick<T: serde::de::DeserializeOwned>(
    root: &Path,
    stem: &str,
    year: u16,
    builtin: &[(u16, &str)],
) -> Result<(T, String), LoadError> {
    let dir = root.join("catalogue");
    let builtin_file = |y: u16| format!("（内置）catalogue/{stem}-{y}.yaml");
    for y in (year.saturating_sub(10)..=year).rev() {
        let path = dir.join(format!("{stem}-{y}.yaml"));
        if path.is_file() {
            return Ok((read_yaml(&path)?, path.display().to_string()));
        }
        if let Some((_, text)) = builtin.iter().find(|(by, _)| *by == y) {
            return Ok((parse_yaml(Path::new(&builtin_file(y)), text)?, builtin_file(y)));
        }
    }
    // Later years only: use the earliest built-in one.
    let (y, text) = builtin.first().expect("at least one built-in catalogue");
    Ok((parse_yaml(Path::new(&builtin_file(*y)), text)?, builtin_file(*y)))
}

/// Profiles and catalogues, parsed once per data root, name and year in a
/// session: parsing the 654-code 功能分类 catalogue for every unit-year cost
/// about 2% of a batch's CPU time.
#[derive(Default)]
pub struct Shared {
    parsed: std::sync::Mutex<std::collections::HashMap<SharedKey, std::sync::Arc<(Profile, Catalogue)>>>,
}

/// A data root, a profile name and a year.
type SharedKey = (std::path::PathBuf, String, u16);

impl Shared {
    /// The profile `name` and the catalogue of `year` for a unit under `root`.
    pub fn get(&self, root: &Path, name: &str, year: u16) -> Result<std::sync::Arc<(Profile, Catalogue)>, LoadError> {
        let key = (root.to_path_buf(), name.to_string(), year);
        if let Some(hit) = self.parsed.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(hit.clone());
        }
        let parsed = std::sync::Arc::new((profile(root, name)?, catalogue(root, year)?));
        self.parsed.lock().unwrap_or_else(|e| e.into_inner()).insert(key, parsed.clone());
        Ok(parsed)
    }
}
