//! Text from the database never reaches the terminal as control characters or escape
//! sequences: every string a view shows passes through `clean`. On a terminal that
//! is not UTF-8 (see docs/terminals.md) nothing above 0x7F may be written at all,
//! since such a terminal reads UTF-8's bytes 0x80-0x9F as C1 controls: `ascii`
//! renders every other character in printable ASCII, column for column.

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

/// Bidi controls, zero-width characters, line and paragraph separators and other
/// format characters that would reorder, break or hide what a supervisor reads. The
/// one list: the screen escapes them (`clean`), so does the JSON snapshot.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{00ad}' | '\u{061c}' | '\u{180e}')
}

/// Characters a terminal would obey rather than show, beyond the C0 controls every
/// JSON encoder escapes: DEL, the C1 controls and the invisible format characters.
pub fn needs_escape_in_json(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}') || is_invisible_format(c)
}

/// A character drawn on a terminal that is not UTF-8, in the same number of columns
/// (`cols`, 1 or 2) it takes on a UTF-8 one: printable ASCII stays; the dashboard's
/// own symbols (lines, blocks, arrows, dots) get their nearest ASCII shape;
/// anything else (CJK, emoji, U+FFFD for invalid UTF-8, a C1 control that got this
/// far) becomes `?` in each of its columns, so that columns stay aligned.
pub fn ascii_char(c: char) -> char {
    match c {
        ' '..='~' => c,
        '─' | '━' | '═' | '—' | '–' | '‒' | '―' | '−' | '╌' | '┄' => '-',
        '│' | '┃' | '║' | '╎' | '┆' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' | '╔' | '╗' | '╚'
        | '╝' => '+',
        '█' | '▉' | '▊' | '▋' | '▌' | '▍' | '▎' | '▏' | '▇' | '▆' | '▅' | '▄' | '▃' | '▂' | '▁' => {
            '#'
        }
        '▓' => '=',
        '▒' => '+',
        '░' | '·' | '•' | '∙' => '.',
        '…' => '~',
        '×' => 'x',
        '→' | '▶' | '►' | '›' | '»' => '>',
        '←' | '◀' | '◄' | '‹' | '«' => '<',
        '↑' | '▲' => '^',
        '↓' | '▼' => 'v',
        '‘' | '’' | '′' => '\'',
        '“' | '”' | '″' => '"',
        _ => '?',
    }
}

/// `text` with every character outside printable ASCII rendered by `ascii_char`,
/// once per column it takes (a wide CJK character becomes `??`, a zero-width one
/// nothing), so that a line keeps its width.
pub fn ascii(text: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' '..='~' | '\n' => out.push(c),
            _ => {
                let cols = c.width().unwrap_or(0);
                out.extend(std::iter::repeat_n(ascii_char(c), cols));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_keeps_columns_and_drops_every_high_byte() {
        let shown = clean("比亚迪 海豹 → ĝ2;X Ĝ \u{9b}2J \u{fffd} ok");
        let a = ascii(&shown);
        assert!(a.bytes().all(|b| (0x20..0x7f).contains(&b)), "{a:?}");
        assert_eq!(a, "?????? ???? > ?2;X ? \\u{9b}2J ? ok");
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(shown.as_str()),
            a.len(),
            "columns changed"
        );
        assert_eq!(ascii("┌─│█▒·…×"), "+-|#+.~x");
        assert_eq!(ascii("e\u{301}"), "e");
    }

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
