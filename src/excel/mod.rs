//! Excel in and out. [`export`]: a unit-year's nine 公开表 as an .xlsx
//! workbook beside its 部门决算 PDF, every cell the figure the PDF prints.
//! [`import`]: a workbook of 公开表 that a unit already has (the 部门决算
//! software's export, a published .xls or .xlsx) read by its labels into a
//! `决算.yaml`, each entry commented with its sheet and cell.
//!
//! Public entries: [`workbook`] (export), [`import_workbook`] (import).

mod export;
mod import;

pub use export::workbook;
pub use import::{ImportOptions, Imported, import_workbook, workbook_yaml};
