//! The Typst `World`: one shared [`Engine`] (standard library, fonts, our
//! Typst helpers) built once per process, and one cheap [`DocWorld`] per
//! document holding its generated source in memory under a meaningful name.

use std::collections::HashMap;
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::Fonts;

/// What every document shares: built once, used from every thread.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: Fonts,
    /// `lib/…` helpers and the generated `lib/theme.typ`, by file id.
    files: HashMap<FileId, Source>,
}

pub(crate) fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid.typ").expect("valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Engine {
    /// Builds the engine from discovered fonts and the Typst helper files.
    pub fn new<'a>(fonts: Fonts, typst_files: impl Iterator<Item = (&'a str, &'a str)>) -> Engine {
        let mut files = HashMap::new();
        for (name, text) in typst_files {
            let id = file_id(&format!("/{name}"));
            files.insert(id, Source::new(id, text.to_string()));
        }
        let theme = file_id("/lib/theme.typ");
        files.insert(theme, Source::new(theme, fonts.theme_source()));
        Engine { library: LazyHash::new(Library::builder().build()), fonts, files }
    }
}

/// One document: the shared engine plus its main source.
pub struct DocWorld {
    engine: Arc<Engine>,
    main: Source,
}

impl DocWorld {
    /// `name` is the virtual path of the generated source, e.g.
    /// `蓝山县就业服务中心/2023/部门决算.typ`. File ids are interned for the
    /// life of the process (at most 65,535), so names are per document, not
    /// per compile.
    pub fn new(engine: Arc<Engine>, name: &str, text: String) -> DocWorld {
        let id = file_id(&format!("/{name}"));
        DocWorld { engine, main: Source::new(id, text) }
    }

    pub fn source(&self) -> &Source {
        &self.main
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        self.engine.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        World::source(self, id).map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.store.font(index)
    }

    /// Documents carry their dates from the data, never the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
