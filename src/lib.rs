//! gongkai (公开) turns version-controlled YAML data into the official PDF
//! disclosure documents of Chinese budget units.
//!
//! The pipeline, one module per stage:
//! [`load`] finds unit folders and parses their YAML into the raw [`model`];
//! [`resources`] supplies the profile and classification catalogue each
//! unit-year uses; [`derive`] computes every derivable number; [`check`]
//! runs the 审核 rules; [`render`] builds a view model and fills the Tera
//! [`templates`] to produce Typst source; [`typeset`] compiles it in-process
//! to PDF; [`batch`] runs all of it over many units in parallel, writes
//! files atomically and reports ([`report`]). [`excel`] writes the 公开表 as
//! a workbook beside the PDF and imports a unit's own workbook into YAML.

pub mod batch;
pub mod check;
pub mod consolidate;
pub mod derive;
pub mod diagnostic;
pub mod diff;
pub mod evaluate;
pub mod excel;
pub mod explain;
pub mod ledger;
pub mod load;
pub mod model;
pub mod money;
pub mod quantities;
pub mod render;
pub mod report;
pub mod resources;
pub mod scaffold;
pub mod templates;
pub mod typeset;
pub mod unit_year;
