//! `snapshot --format json`: the figures as one JSON object (README.md, "Snapshots and monitoring").

use crate::figures::Figures;

pub fn render(figures: &Figures) -> String {
    // Serialising plain structs of strings and numbers cannot fail; the fallback
    // keeps the output valid JSON all the same.
    let text = serde_json::to_string_pretty(figures).unwrap_or_else(|_| "{}".into());
    let mut out = escape_invisible(&text);
    out.push('\n');
    out
}

/// serde_json escapes only the C0 controls. Database text may also hold DEL, C1
/// controls, line and paragraph separators and bidi overrides, which a terminal
/// showing the JSON would obey; they can only stand inside JSON strings (the rest
/// is ASCII), so escaping them as `\uXXXX` keeps the same JSON value.
pub fn escape_invisible(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if crate::sanitize::needs_escape_in_json(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// For a terminal that is not UTF-8 (docs/terminals.md): every character above 0x7F
/// as a `\uXXXX` escape (a pair of them beyond the BMP). Such characters only stand
/// inside JSON strings, so the JSON value is the same.
pub fn to_ascii(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_invisible, to_ascii};

    #[test]
    fn ascii_json_is_the_same_value() {
        let raw = serde_json::to_string(&"比亚迪 海豹 → 🚗 ok").unwrap();
        let ascii = to_ascii(&raw);
        assert!(ascii.is_ascii(), "{ascii}");
        let back: String = serde_json::from_str(&ascii).unwrap();
        assert_eq!(back, "比亚迪 海豹 → 🚗 ok");
    }

    #[test]
    fn del_c1_and_bidi_are_escaped_and_the_value_is_the_same() {
        let raw = serde_json::to_string(&"a\u{7f}b\u{9b}c\u{202e}d").unwrap();
        let escaped = escape_invisible(&raw);
        assert_eq!(escaped, r#""a\u007fb\u009bc\u202ed""#);
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "a\u{7f}b\u{9b}c\u{202e}d");
        // The screen's list of invisible characters is the JSON's list.
        for c in [
            '\u{ad}', '\u{180e}', '\u{fff9}', '\u{fffb}', '\u{2028}', '\u{2029}', '\u{61c}',
        ] {
            let raw = serde_json::to_string(&c.to_string()).unwrap();
            assert_eq!(escape_invisible(&raw), format!("\"\\u{:04x}\"", c as u32));
            assert!(yardtop_core::sanitize::clean(&c.to_string()).starts_with("\\u{"));
        }
    }
}
