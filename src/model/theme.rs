//! `theme.yaml`: which font families play each typographic role.

use serde::Deserialize;

/// One typographic role and the families that can play it, best first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontRole {
    /// 角色名：标题 / 黑体 / 楷体 / 仿宋 / 宋体。
    pub role: String,
    /// Typst 变量名（模板中使用），如 `font-title`。
    pub var: String,
    /// 候选字体族，按优先顺序。
    pub families: Vec<String>,
    /// 提供这些字体的 Debian 软件包（用于错误提示）。
    pub packages: Vec<String>,
}

/// The font theme: every role the templates use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub roles: Vec<FontRole>,
}
