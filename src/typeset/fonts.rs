//! Font discovery, done once per process: system font folders plus any
//! `--font-path`, then each role of the theme resolved to an installed
//! family. A role with no installed family is an error that names the role,
//! the families tried and the Debian package that provides one.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Result, bail};
use typst::text::FontBook;
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

use crate::model::Theme;

/// All discovered fonts and the family chosen for each role.
pub struct Fonts {
    pub store: FontStore,
    /// (Typst variable, families to use in order) per role.
    pub roles: Vec<(String, Vec<String>)>,
}

impl Fonts {
    /// Scans system fonts and `extra_dirs`, then resolves the theme's roles.
    /// Only faces of the theme's families are indexed for Typst: computing a
    /// face's metadata (its glyph coverage) is the costly part of discovery,
    /// and a CJK system has dozens of faces no role uses.
    pub fn discover(extra_dirs: &[PathBuf], theme: &Theme) -> Result<Fonts> {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        for dir in extra_dirs {
            if !dir.is_dir() {
                bail!("字体文件夹 {} 不存在", dir.display());
            }
            db.load_fonts_dir(dir);
        }
        let wanted: BTreeSet<String> =
            theme.roles.iter().flat_map(|r| r.families.iter().map(|f| f.to_lowercase())).collect();
        let mut store = FontStore::new();
        let mut faces: Vec<_> = db
            .faces()
            .filter(|f| f.families.iter().any(|(name, _)| wanted.contains(&name.to_lowercase())))
            .filter_map(|f| match &f.source {
                fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => Some((path.clone(), f.index, f.id)),
                fontdb::Source::Binary(_) => None,
            })
            .collect();
        faces.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        for (path, index, id) in faces {
            if let Some(Some(info)) = db.with_face_data(id, typst::text::FontInfo::new) {
                store.push((typst_kit::fonts::FontPath { path, index }, info));
            }
        }
        let installed: BTreeSet<String> = families(store.book());
        let mut roles = Vec::new();
        for role in &theme.roles {
            let found: Vec<String> =
                role.families.iter().filter(|f| installed.contains(&f.to_lowercase())).cloned().collect();
            if found.is_empty() {
                bail!(
                    "字体角色“{}”没有可用的字体：已尝试 {}。请安装 Debian 软件包 {}（或运行 make 自动安装），或用 --font-path 指定字体文件夹",
                    role.role,
                    role.families.join("、"),
                    role.packages.join(" 或 ")
                );
            }
            roles.push((role.var.clone(), found));
        }
        Ok(Fonts { store, roles })
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// Typst source defining one variable per role, e.g.
    /// `#let font-song = ("Noto Serif CJK SC",)`.
    pub fn theme_source(&self) -> String {
        let mut s = String::from("// 由 gongkai 根据 theme.yaml 和已安装字体生成\n");
        for (var, fams) in &self.roles {
            let list: Vec<String> =
                fams.iter().map(|f| format!("\"{}\"", f.replace('\\', "\\\\").replace('"', "\\\""))).collect();
            s += &format!("#let {var} = ({},)\n", list.join(", "));
        }
        s
    }
}

fn families(book: &FontBook) -> BTreeSet<String> {
    book.families().map(|(name, _)| name.to_lowercase()).collect()
}
