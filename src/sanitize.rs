//! Text from the database never reaches the terminal as control characters or escape
//! sequences (SPEC §4): every string a view shows passes through `clean`.

/// Longest text a view ever shows of one value; the rest is cut with `…`.
pub const MAX_SHOWN_CHARS: usize = 200;

/// Makes database text safe and visible: ESC becomes `\e`, other C0 controls, DEL and
/// C1 controls become `\xNN`/`\u{NN}`, bidi overrides and other invisible format
/// characters become `\u{NNNN}`; very long text is cut.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SHOWN_CHARS + 8));
    for (n, c) in text.chars().enumerate() {
        if n >= MAX_SHOWN_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{80}'..='\u{9f}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c if is_invisible_format(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Bidi controls, zero-width characters and other format characters that would
/// reorder or hide what a supervisor reads.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{00ad}' | '\u{061c}' | '\u{180e}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(clean("\u{1b}]52;c;aGk=\u{7}"), "\\e]52;c;aGk=\\x07");
        assert_eq!(clean("a\u{9b}2J"), "a\\u{9b}2J");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(clean("del\u{7f}"), "del\\x7f");
    }

    #[test]
    fn plain_and_wide_text_is_kept() {
        assert_eq!(clean("比亚迪 海豹 🚗"), "比亚迪 海豹 🚗");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(100_000);
        assert_eq!(clean(&long).chars().count(), MAX_SHOWN_CHARS + 1);
    }
}
