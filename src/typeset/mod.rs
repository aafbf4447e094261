//! Typesetting: compile generated Typst source to PDF bytes in-process with
//! the `typst` crate. Public entry: [`compile_pdf`]. Fonts are discovered
//! once ([`Fonts::discover`]) and shared through the [`Engine`].

mod fonts;
mod world;

use std::sync::Arc;

use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst_layout::PagedDocument;

pub use fonts::Fonts;
pub use world::{DocWorld, Engine};

/// A compiled document.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Why a document could not be typeset: the Typst messages, located in the
/// generated source (written beside the PDF with `--typst`).
#[derive(Debug, Clone)]
pub struct TypesetError {
    pub messages: Vec<String>,
}

impl std::fmt::Display for TypesetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.messages.join("\n"))
    }
}

impl std::error::Error for TypesetError {}

/// Compiles `source` (named `name`) to a PDF. Warnings that would change what
/// users see — above all an unknown font family, which prints tofu — are
/// errors.
pub fn compile_pdf(
    engine: &Arc<Engine>,
    name: &str,
    source: String,
    archive: Option<crate::model::PdfArchive>,
) -> Result<Pdf, TypesetError> {
    use crate::model::PdfArchive;
    use typst_pdf::PdfStandard;
    let standard = archive.map(|a| match a {
        PdfArchive::A2b => PdfStandard::A_2b,
        PdfArchive::A2u => PdfStandard::A_2u,
        PdfArchive::A3b => PdfStandard::A_3b,
        PdfArchive::A3u => PdfStandard::A_3u,
    });
    let standards = typst_pdf::PdfStandards::new(standard.as_slice())
        .map_err(|e| TypesetError { messages: vec![format!("PDF 标准设置无效：{}", e.message())] })?;
    let world = DocWorld::new(engine.clone(), name, source);
    let warned = typst::compile::<PagedDocument>(&world);
    let fatal_warnings: Vec<&SourceDiagnostic> = warned
        .warnings
        .iter()
        .filter(|w| w.message.contains("unknown font family") || w.message.contains("no text within stars"))
        .collect();
    let result = match warned.output {
        Err(errors) => Err(TypesetError { messages: errors.iter().map(|e| describe(&world, e)).collect() }),
        Ok(_) if !fatal_warnings.is_empty() => {
            Err(TypesetError { messages: fatal_warnings.iter().map(|e| describe(&world, e)).collect() })
        }
        Ok(doc) => {
            let options = typst_pdf::PdfOptions { standards, ..Default::default() };
            match typst_pdf::pdf(&doc, &options) {
                Ok(bytes) => Ok(Pdf { bytes, pages: doc.pages().len() }),
                Err(errors) => Err(TypesetError { messages: errors.iter().map(|e| describe(&world, e)).collect() }),
            }
        }
    };
    // Typst memoises globally; keep a batch's memory flat.
    typst::comemo::evict(0);
    result
}

fn describe(world: &DocWorld, d: &SourceDiagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "错误",
        Severity::Warning => "警告",
    };
    let mut out = String::new();
    let source = world.source();
    match world.range(d.span) {
        Some(range) => {
            let (line, col) = source.lines().byte_to_line_column(range.start).unwrap_or((0, 0));
            let text = source.text().lines().nth(line).unwrap_or("").trim();
            out += &format!(
                "{}:{}:{}: Typst {level}：{}\n    | {}",
                source.id().vpath().get_with_slash(),
                line + 1,
                col + 1,
                d.message,
                text.chars().take(160).collect::<String>()
            );
        }
        None => out += &format!("Typst {level}：{}", d.message),
    }
    for hint in &d.hints {
        out += &format!("\n    提示：{}", hint.v);
    }
    out
}
