//! The one theme table: the style of every role on screen, for the dark, light and
//! mono themes. Widgets ask for a role (`p.crit`), never for a colour; this is the
//! only file with colour literals. Mono (also `--no-color` and `NO_COLOR`) uses
//! bold, reverse and underline only. Meaning is never carried by colour alone:
//! severities also have a word (CRIT / WARN / INFO) and bars a glyph.
//!
//! Every colour of the dark theme keeps a contrast of at least 3:1 (WCAG) against a
//! black background, and every colour of the light theme against a white one,
//! judged with xterm's default palette for the 16 ANSI colours (`xterm_rgb`; the
//! tests below compute every ratio). `auto` picks light or dark after the
//! background the terminal reports (docs/terminals.md).

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};

use crate::config::Theme;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub text: Style,
    /// Labels, units, secondary text.
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    /// The border and title of the focused panel.
    pub border_focus: Style,
    /// The header line.
    pub header: Style,
    /// The port name in the header.
    pub port: Style,
    /// The selected row of a list.
    pub selected: Style,
    pub ok: Style,
    pub warn: Style,
    pub crit: Style,
    pub info: Style,
    /// NEV bars and counts; other (HEV/ICE) bars.
    pub nev: Style,
    pub other: Style,
    pub empty: Style,
    pub gauge_loaded: Style,
    pub gauge_staged: Style,
    pub gauge_delivered: Style,
    pub gauge_empty: Style,
    pub tab_active: Style,
    pub tab_inactive: Style,
    /// Key names in the footer and help.
    pub key: Style,
    /// Block map cells.
    pub map_nev_ok: Style,
    pub map_nev_out: Style,
    pub map_nev_unchecked: Style,
    pub map_other: Style,
    pub map_hold: Style,
    pub map_staged: Style,
    pub map_cursor: Style,
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const BOLD: Modifier = Modifier::BOLD;

/// A green dark enough for a white background (xterm's 256-colour cube 0,135,0;
/// the 16-colour green, 00cd00, has 2.2:1 on white).
const DEEP_GREEN: Color = Color::Indexed(28);

const DARK: Palette = Palette {
    text: Style::new(),
    dim: fg(Color::DarkGray),
    title: fg(Color::Cyan).add_modifier(BOLD),
    border: fg(Color::DarkGray),
    border_focus: fg(Color::Cyan).add_modifier(BOLD),
    header: Style::new().add_modifier(BOLD),
    port: fg(Color::Cyan).add_modifier(BOLD),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    ok: fg(Color::Green),
    warn: fg(Color::Yellow).add_modifier(BOLD),
    crit: fg(Color::Red).add_modifier(BOLD),
    info: fg(Color::LightBlue),
    nev: fg(Color::Green),
    other: fg(Color::LightBlue),
    empty: fg(Color::DarkGray),
    gauge_loaded: fg(Color::Green),
    gauge_staged: fg(Color::Cyan),
    gauge_delivered: fg(Color::LightBlue),
    gauge_empty: fg(Color::DarkGray),
    tab_active: fg(Color::Cyan)
        .add_modifier(BOLD)
        .add_modifier(Modifier::REVERSED),
    tab_inactive: fg(Color::Gray),
    key: fg(Color::Cyan).add_modifier(BOLD),
    map_nev_ok: fg(Color::Green),
    map_nev_out: fg(Color::Red).add_modifier(BOLD),
    map_nev_unchecked: fg(Color::Yellow),
    map_other: fg(Color::LightBlue),
    map_hold: fg(Color::Magenta).add_modifier(BOLD),
    map_staged: fg(Color::Cyan).add_modifier(BOLD),
    map_cursor: Style::new().add_modifier(Modifier::REVERSED),
};

const LIGHT: Palette = Palette {
    text: Style::new(),
    dim: fg(Color::DarkGray),
    title: fg(Color::Blue).add_modifier(BOLD),
    border: fg(Color::DarkGray),
    border_focus: fg(Color::Blue).add_modifier(BOLD),
    header: Style::new().add_modifier(BOLD),
    port: fg(Color::Blue).add_modifier(BOLD),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    ok: fg(DEEP_GREEN),
    warn: fg(Color::Magenta).add_modifier(BOLD),
    crit: fg(Color::Red).add_modifier(BOLD),
    info: fg(Color::Blue),
    nev: fg(DEEP_GREEN),
    other: fg(Color::Blue),
    empty: fg(Color::DarkGray),
    gauge_loaded: fg(DEEP_GREEN),
    gauge_staged: fg(Color::Blue),
    gauge_delivered: fg(Color::Magenta),
    gauge_empty: fg(Color::DarkGray),
    tab_active: fg(Color::Blue)
        .add_modifier(BOLD)
        .add_modifier(Modifier::REVERSED),
    tab_inactive: fg(Color::DarkGray),
    key: fg(Color::Blue).add_modifier(BOLD),
    map_nev_ok: fg(DEEP_GREEN),
    map_nev_out: fg(Color::Red).add_modifier(BOLD),
    map_nev_unchecked: fg(Color::Magenta),
    map_other: fg(Color::Blue),
    map_hold: fg(Color::Magenta).add_modifier(BOLD),
    map_staged: fg(Color::Blue).add_modifier(BOLD),
    map_cursor: Style::new().add_modifier(Modifier::REVERSED),
};

const MONO: Palette = Palette {
    text: Style::new(),
    dim: Style::new(),
    title: Style::new().add_modifier(BOLD),
    border: Style::new(),
    border_focus: Style::new().add_modifier(BOLD),
    header: Style::new().add_modifier(BOLD),
    port: Style::new().add_modifier(BOLD),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    ok: Style::new(),
    warn: Style::new().add_modifier(BOLD),
    crit: Style::new().add_modifier(BOLD).add_modifier(Modifier::UNDERLINED),
    info: Style::new(),
    nev: Style::new(),
    other: Style::new(),
    empty: Style::new(),
    gauge_loaded: Style::new(),
    gauge_staged: Style::new(),
    gauge_delivered: Style::new(),
    gauge_empty: Style::new(),
    tab_active: Style::new().add_modifier(BOLD).add_modifier(Modifier::REVERSED),
    tab_inactive: Style::new(),
    key: Style::new().add_modifier(BOLD),
    map_nev_ok: Style::new(),
    map_nev_out: Style::new().add_modifier(BOLD),
    map_nev_unchecked: Style::new().add_modifier(Modifier::UNDERLINED),
    map_other: Style::new(),
    map_hold: Style::new().add_modifier(BOLD),
    map_staged: Style::new().add_modifier(BOLD),
    map_cursor: Style::new().add_modifier(Modifier::REVERSED),
};

/// The background the terminal reported: true when light. Set once, when the
/// dashboard takes the terminal; unset (dark) where no terminal was asked.
static LIGHT_BACKGROUND: OnceLock<bool> = OnceLock::new();

/// Records the terminal's background colour (as OSC 11 reports it, 0..=1 per
/// channel): light when black text would stand out more on it than white text.
pub fn set_background(rgb: (f64, f64, f64)) {
    let l = luminance(rgb);
    let _ = LIGHT_BACKGROUND.set(contrast(l, 0.0) > contrast(l, 1.0));
}

/// Is the detected background light?
pub fn background_is_light() -> bool {
    LIGHT_BACKGROUND.get().copied().unwrap_or(false)
}

/// The background colour in an OSC 11 reply (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB`
/// ended by BEL or ST; 1 to 4 hex digits a channel), as 0..=1 per channel.
pub fn parse_osc11(bytes: &[u8]) -> Option<(f64, f64, f64)> {
    let start = bytes.windows(5).position(|w| w == b"\x1b]11;")? + 5;
    let rest = &bytes[start..];
    let end = rest.iter().position(|b| *b == 0x07 || *b == 0x1b)?;
    let spec = std::str::from_utf8(&rest[..end]).ok()?;
    let body = spec.strip_prefix("rgb:").or_else(|| spec.strip_prefix("rgba:"))?;
    let mut parts = body.split('/').map(|h| {
        let v = u32::from_str_radix(h, 16).ok()?;
        let max = 16u32.checked_pow(h.len() as u32)?.checked_sub(1)?;
        (1..=4).contains(&h.len()).then(|| v as f64 / max as f64)
    });
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// WCAG relative luminance of an sRGB colour (0..=1 per channel).
pub fn luminance((r, g, b): (f64, f64, f64)) -> f64 {
    let lin = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG contrast ratio of two luminances.
pub fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// The colour a terminal with xterm's default palette shows (0..=1 per channel);
/// None for the terminal's own default colour.
pub fn xterm_rgb(c: Color) -> Option<(f64, f64, f64)> {
    const ANSI: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x00, 0x00),
        (0x00, 0xcd, 0x00),
        (0xcd, 0xcd, 0x00),
        (0x00, 0x00, 0xee),
        (0xcd, 0x00, 0xcd),
        (0x00, 0xcd, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x7f, 0x7f, 0x7f),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x5c, 0x5c, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    let index = match c {
        Color::Reset => return None,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => i,
        Color::Rgb(r, g, b) => return Some((r as f64 / 255.0, g as f64 / 255.0, b as f64 / 255.0)),
    };
    let (r, g, b) = match index {
        0..=15 => ANSI[index as usize],
        16..=231 => {
            let step = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let i = index - 16;
            (step(i / 36), step(i / 6 % 6), step(i % 6))
        }
        _ => {
            let v = 8 + 10 * (index - 232);
            (v, v, v)
        }
    };
    Some((r as f64 / 255.0, g as f64 / 255.0, b as f64 / 255.0))
}

/// The palette of a theme; `no_color` forces mono.
pub fn palette(theme: Theme, no_color: bool) -> &'static Palette {
    if no_color {
        return &MONO;
    }
    match theme {
        Theme::Auto if background_is_light() => &LIGHT,
        Theme::Auto => &DARK,
        Theme::Dark => &DARK,
        Theme::Light => &LIGHT,
        Theme::Mono => &MONO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every foreground colour a palette uses.
    fn colours(p: &Palette) -> Vec<Color> {
        let all = [
            p.text,
            p.dim,
            p.title,
            p.border,
            p.border_focus,
            p.header,
            p.port,
            p.selected,
            p.ok,
            p.warn,
            p.crit,
            p.info,
            p.nev,
            p.other,
            p.empty,
            p.gauge_loaded,
            p.gauge_staged,
            p.gauge_delivered,
            p.gauge_empty,
            p.tab_active,
            p.tab_inactive,
            p.key,
            p.map_nev_ok,
            p.map_nev_out,
            p.map_nev_unchecked,
            p.map_other,
            p.map_hold,
            p.map_staged,
            p.map_cursor,
        ];
        all.iter().flat_map(|s| [s.fg, s.bg]).flatten().collect()
    }

    #[test]
    fn every_colour_keeps_3_to_1_against_its_background() {
        let black = luminance((0.0, 0.0, 0.0));
        let white = luminance((1.0, 1.0, 1.0));
        for (name, p, bg) in [("dark", &DARK, black), ("light", &LIGHT, white)] {
            let used = colours(p);
            assert!(used.len() > 10, "{name}: {used:?}");
            for c in used {
                let rgb = xterm_rgb(c).unwrap();
                let ratio = contrast(luminance(rgb), bg);
                eprintln!("{name}: {c:?} {ratio:.2}:1");
                assert!(ratio >= 3.0, "{name}: {c:?} has {ratio:.2}:1");
            }
        }
    }

    #[test]
    fn the_ratios_are_wcag_ones() {
        // The unreadable ones: xterm's blue on black, yellow and cyan on white.
        let black = 0.0;
        let white = 1.0;
        let l = |c| luminance(xterm_rgb(c).unwrap());
        assert!(contrast(l(Color::Blue), black) < 3.0);
        assert!(contrast(l(Color::Yellow), white) < 3.0);
        assert!(contrast(l(Color::Cyan), white) < 3.0);
        assert!((contrast(white, black) - 21.0).abs() < 1e-9);
        assert_eq!(xterm_rgb(Color::Indexed(28)), Some((0.0, 135.0 / 255.0, 0.0)));
        assert_eq!(
            xterm_rgb(Color::Indexed(244)),
            Some((128.0 / 255.0, 128.0 / 255.0, 128.0 / 255.0))
        );
    }

    #[test]
    fn osc11_replies_parse() {
        let white = parse_osc11(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\").unwrap();
        assert_eq!(white, (1.0, 1.0, 1.0));
        let dark = parse_osc11(b"junk\x1b]11;rgb:1e/1e/2e\x07").unwrap();
        assert!(luminance(dark) < 0.05);
        assert_eq!(parse_osc11(b"\x1b]11;rgb:ffff/ffff"), None);
        assert_eq!(parse_osc11(b"\x1b]11;?\x07"), None);
    }

    #[test]
    fn mono_has_no_colour() {
        let p = palette(Theme::Dark, true);
        for s in [p.text, p.crit, p.warn, p.nev, p.other, p.selected, p.map_nev_out] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }
}
