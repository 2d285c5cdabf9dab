//! The one theme table: the style of every role on screen, for the dark, light and
//! mono themes. Widgets ask for a role (`p.crit`), never for a colour; this is the
//! only file with colour literals. Mono (also `--no-color` and `NO_COLOR`) uses
//! bold, reverse and underline only. Meaning is never carried by colour alone:
//! severities also have a word (CRIT / WARN / INFO) and bars a glyph.

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
    info: fg(Color::Blue),
    nev: fg(Color::Green),
    other: fg(Color::Blue),
    empty: fg(Color::DarkGray),
    gauge_loaded: fg(Color::Green),
    gauge_staged: fg(Color::Cyan),
    gauge_delivered: fg(Color::Blue),
    gauge_empty: fg(Color::DarkGray),
    tab_active: fg(Color::Cyan)
        .add_modifier(BOLD)
        .add_modifier(Modifier::REVERSED),
    tab_inactive: fg(Color::Gray),
    key: fg(Color::Cyan).add_modifier(BOLD),
    map_nev_ok: fg(Color::Green),
    map_nev_out: fg(Color::Red).add_modifier(BOLD),
    map_nev_unchecked: fg(Color::Yellow),
    map_other: fg(Color::Blue),
    map_hold: fg(Color::Magenta).add_modifier(BOLD),
    map_staged: fg(Color::Cyan).add_modifier(BOLD),
    map_cursor: Style::new().add_modifier(Modifier::REVERSED),
};

const LIGHT: Palette = Palette {
    text: Style::new(),
    dim: fg(Color::Gray),
    title: fg(Color::Blue).add_modifier(BOLD),
    border: fg(Color::Gray),
    border_focus: fg(Color::Blue).add_modifier(BOLD),
    header: Style::new().add_modifier(BOLD),
    port: fg(Color::Blue).add_modifier(BOLD),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    ok: fg(Color::Green),
    warn: fg(Color::Magenta).add_modifier(BOLD),
    crit: fg(Color::Red).add_modifier(BOLD),
    info: fg(Color::Blue),
    nev: fg(Color::Green),
    other: fg(Color::Blue),
    empty: fg(Color::Gray),
    gauge_loaded: fg(Color::Green),
    gauge_staged: fg(Color::Blue),
    gauge_delivered: fg(Color::Magenta),
    gauge_empty: fg(Color::Gray),
    tab_active: fg(Color::Blue)
        .add_modifier(BOLD)
        .add_modifier(Modifier::REVERSED),
    tab_inactive: fg(Color::DarkGray),
    key: fg(Color::Blue).add_modifier(BOLD),
    map_nev_ok: fg(Color::Green),
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

/// The palette of a theme; `no_color` forces mono.
pub fn palette(theme: Theme, no_color: bool) -> &'static Palette {
    if no_color {
        return &MONO;
    }
    match theme {
        Theme::Dark => &DARK,
        Theme::Light => &LIGHT,
        Theme::Mono => &MONO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour() {
        let p = palette(Theme::Dark, true);
        for s in [p.text, p.crit, p.warn, p.nev, p.other, p.selected, p.map_nev_out] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }
}
