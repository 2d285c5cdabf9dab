//! `snapshot --format json`: the figures as one JSON object (SPEC §5).

use crate::figures::Figures;

pub fn render(figures: &Figures) -> String {
    // Serialising plain structs of strings and numbers cannot fail; the fallback
    // keeps the output valid JSON all the same.
    let mut text = serde_json::to_string_pretty(figures).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
