//! Text for the screen: numbers with thousands separators, countdowns, "ago",
//! clocks, and truncating / padding by display width so that wide characters
//! (比亚迪 海豹) keep columns aligned. Database text enters the screen only through
//! `db()`, which is `sanitize::clean`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthChar;

use crate::sanitize::clean;

/// Database text made safe to show (no control characters or escapes).
pub fn db(text: &str) -> String {
    clean(text)
}

/// Makes a drawn screen fit for a terminal that is not UTF-8: every cell outside
/// printable ASCII is rendered by `sanitize::ascii`, a wide character as one `?`
/// per column (its trailing cells, which ratatui leaves blank, get the rest). Every
/// frame passes here in ASCII mode, whatever drew it, so no byte above 0x7F can
/// reach such a terminal (see docs/terminals.md).
pub fn ascii_only(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            // Most cells are ASCII already: only the others are copied.
            let folded = match buf.cell((x, y)) {
                Some(c) if !c.symbol().is_ascii() => crate::sanitize::ascii(c.symbol()),
                _ => {
                    x += 1;
                    continue;
                }
            };
            let mut chars = folded.chars();
            let first = chars.next().unwrap_or(' ');
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_char(first);
            }
            x += 1;
            for c in chars {
                if x >= area.right() {
                    break;
                }
                if let Some(cell) = buf.cell_mut((x, y)) {
                    cell.set_char(c);
                }
                x += 1;
            }
        }
    }
}

/// 3061 → "3,061".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed count with separators.
pub fn thousands_i(n: i64) -> String {
    if n < 0 {
        format!("-{}", thousands(n.unsigned_abs()))
    } else {
        thousands(n as u64)
    }
}

/// 0.644 → "64.4%".
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A countdown to a cut-off: "3h 12m", "-0h 40m" once passed, "4d 03h" when far.
/// Whole minutes, rounded towards zero.
pub fn countdown(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let mins = secs.unsigned_abs() / 60;
    let (h, m) = (mins / 60, mins % 60);
    if h >= 100 {
        format!("{sign}{}d {:02}h", h / 24, h % 24)
    } else {
        format!("{sign}{h}h {m:02}m")
    }
}

/// How long ago, coarse enough that an idle screen changes rarely: "just now",
/// "20 s ago" (tens of seconds), "4 min ago", "2 h ago", "3 d ago".
pub fn ago(secs: i64) -> String {
    let s = secs.max(0);
    if s < 10 {
        "just now".into()
    } else if s < 60 {
        format!("{} s ago", s / 10 * 10)
    } else if s < 3600 {
        format!("{} min ago", s / 60)
    } else if s < 86_400 {
        format!("{} h ago", s / 3600)
    } else {
        format!("{} d ago", s / 86_400)
    }
}

/// "17:03" or "5:03 pm".
pub fn clock(t: DateTime<Utc>, tz: &Tz, h24: bool) -> String {
    let local = t.with_timezone(tz);
    if h24 {
        local.format("%H:%M").to_string()
    } else {
        local.format("%-I:%M %P").to_string()
    }
}

/// "17:03:04" or "5:03:04 pm".
pub fn clock_s(t: DateTime<Utc>, tz: &Tz, h24: bool) -> String {
    let local = t.with_timezone(tz);
    if h24 {
        local.format("%H:%M:%S").to_string()
    } else {
        local.format("%-I:%M:%S %P").to_string()
    }
}

/// "Thu 2026-11-26".
pub fn date(t: DateTime<Utc>, tz: &Tz) -> String {
    t.with_timezone(tz).format("%a %Y-%m-%d").to_string()
}

/// The zone's abbreviation at that instant ("CST", "GMT", "+08").
pub fn zone_abbr(t: DateTime<Utc>, tz: &Tz) -> String {
    t.with_timezone(tz).format("%Z").to_string()
}

/// A vehicle's or an event's time in port time with the zone named
/// ("Thu 2026-11-26 18:41:12 CST"): every view shows times this way, never raw UTC
/// beside local clocks.
pub fn port_time(t: DateTime<Utc>, tz: &Tz, h24: bool) -> String {
    format!("{} {} {}", date(t, tz), clock_s(t, tz, h24), zone_abbr(t, tz))
}

/// Display width of a string (control characters count 0; `db()` removes them).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to at most `w` columns, ending with `ellipsis` when cut. Never splits a
/// wide character: a cut that would fall inside one leaves a column free.
pub fn truncate(s: &str, w: usize, ellipsis: &str) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let ew = width(ellipsis);
    let (room, tail) = if w > ew { (w - ew, ellipsis) } else { (w, "") };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > room {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push_str(tail);
    out
}

/// `s` cut and padded with spaces on the right to exactly `w` columns.
pub fn fit(s: &str, w: usize, ellipsis: &str) -> String {
    let mut out = truncate(s, w, ellipsis);
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    out
}

/// `s` cut and padded on the left to exactly `w` columns (numbers).
pub fn fit_right(s: &str, w: usize, ellipsis: &str) -> String {
    let cut = truncate(s, w, ellipsis);
    let used = width(&cut);
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(used)).collect();
    out.push_str(&cut);
    out
}

/// `s` centred in `w` columns (cut when longer).
pub fn centre(s: &str, w: usize, ellipsis: &str) -> String {
    let cut = truncate(s, w, ellipsis);
    let free = w.saturating_sub(width(&cut));
    let left = free / 2;
    let mut out: String = std::iter::repeat_n(' ', left).collect();
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', free - left));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3061), "3,061");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands_i(-43_000), "-43,000");
    }

    #[test]
    fn countdowns() {
        assert_eq!(countdown(3 * 3600 + 12 * 60 + 59), "3h 12m");
        assert_eq!(countdown(-40 * 60 - 5), "-0h 40m");
        assert_eq!(countdown(0), "0h 00m");
        assert_eq!(countdown(130 * 3600), "5d 10h");
    }

    #[test]
    fn ago_is_coarse() {
        assert_eq!(ago(3), "just now");
        assert_eq!(ago(27), "20 s ago");
        assert_eq!(ago(125), "2 min ago");
        assert_eq!(ago(7300), "2 h ago");
    }

    #[test]
    fn wide_characters_fit_by_columns() {
        assert_eq!(width("比亚迪 海豹"), 11);
        assert_eq!(fit("比亚迪 海豹", 6, "…"), "比亚… ");
        assert_eq!(width(&fit("比亚迪 海豹", 6, "…")), 6);
        assert_eq!(fit("MG4", 5, "…"), "MG4  ");
        assert_eq!(fit_right("3,061", 7, "…"), "  3,061");
        assert_eq!(width(&fit("海豹海豹", 4, "~")), 4);
    }
}
