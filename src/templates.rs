//! The template set: the built-in `templates/` folder embedded in the binary
//! (so an installed `gongkai` works without the repository), overridden file
//! by file by `--templates DIR`. Holds the Tera document templates
//! (`*.typ.tera`), the Typst helpers (`lib/*.typ`) and the font theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The built-in files, relative to `templates/`.
const BUILTIN: &[(&str, &str)] = &[
    ("部门决算.typ.tera", include_str!("../templates/部门决算.typ.tera")),
    ("macros.tera", include_str!("../templates/macros.tera")),
    ("绩效自评报告.typ.tera", include_str!("../templates/绩效自评报告.typ.tera")),
    ("lib/gongkai.typ", include_str!("../templates/lib/gongkai.typ")),
    ("theme.yaml", include_str!("../templates/theme.yaml")),
];

/// Every template file by relative path, with where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    pub files: BTreeMap<String, String>,
    /// Files that came from an override folder, for messages.
    pub overridden: BTreeMap<String, PathBuf>,
}

impl TemplateSet {
    /// The built-in templates, overridden by the files of `dir` if given.
    pub fn load(dir: Option<&Path>) -> Result<TemplateSet> {
        let mut files: BTreeMap<String, String> = BUILTIN.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut overridden = BTreeMap::new();
        if let Some(dir) = dir {
            anyhow::ensure!(dir.is_dir(), "模板文件夹 {} 不存在", dir.display());
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.with_context(|| format!("无法读取模板文件夹 {}", dir.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let key = rel.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(entry.path())
                    .with_context(|| format!("无法读取模板 {}", entry.path().display()))?;
                files.insert(key.clone(), text);
                overridden.insert(key, entry.path().to_path_buf());
            }
        }
        Ok(TemplateSet { files, overridden })
    }

    /// The Tera templates (`*.tera`).
    pub fn tera_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter(|(k, _)| k.ends_with(".tera")).map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The Typst helper files served to the compiler (`lib/…`).
    pub fn typst_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter(|(k, _)| k.ends_with(".typ")).map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Where a template came from, for messages.
    pub fn origin(&self, name: &str) -> String {
        match self.overridden.get(name) {
            Some(p) => p.display().to_string(),
            None => format!("templates/{name}（内置）"),
        }
    }
}
