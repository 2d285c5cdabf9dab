//! Every symbol the dashboard draws, in a Unicode set and an ASCII set (`--ascii`).
//! Widgets take their symbols from here only, so `--ascii` can never leak a
//! box-drawing or block character. Where colour carries a meaning, a glyph carries
//! it too (NEV `█`/`#` against other `▒`/`+`), so colour is never the only signal.

use ratatui::symbols::border;

#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    pub border: border::Set<'static>,
    /// Bars and the 30-day chart: the NEV part, the other part, empty.
    pub bar_nev: char,
    pub bar_other: char,
    pub bar_empty: char,
    /// Consignment gauge: loaded, staged, other delivered (in yard / hold), not yet
    /// delivered.
    pub gauge_loaded: char,
    pub gauge_staged: char,
    pub gauge_delivered: char,
    pub gauge_empty: char,
    /// Block map cells.
    pub map_empty: char,
    pub map_nev_ok: char,
    pub map_nev_out: char,
    pub map_nev_unchecked: char,
    pub map_other: char,
    pub map_hold: char,
    pub map_staged: char,
    pub map_unknown: char,
    pub map_conflict: char,
    /// Cut text ends with this.
    pub ellipsis: &'static str,
    /// Separates items on one line.
    pub sep: &'static str,
    pub arrow: &'static str,
    pub times: &'static str,
    pub none: &'static str,
    pub dims: &'static str,
    pub more_up: &'static str,
    pub more_down: &'static str,
    pub pointer: &'static str,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

pub const UNICODE: Glyphs = Glyphs {
    border: border::PLAIN,
    bar_nev: '█',
    bar_other: '▒',
    bar_empty: '·',
    gauge_loaded: '█',
    gauge_staged: '▓',
    gauge_delivered: '▒',
    gauge_empty: '░',
    map_empty: '·',
    map_nev_ok: 'o',
    map_nev_out: '!',
    map_nev_unchecked: '?',
    map_other: 'x',
    map_hold: 'H',
    map_staged: 'S',
    map_unknown: '~',
    map_conflict: '*',
    ellipsis: "…",
    sep: " · ",
    arrow: "→",
    times: "×",
    none: "—",
    dims: "×",
    more_up: "▲",
    more_down: "▼",
    pointer: "▶",
};

pub const ASCII: Glyphs = Glyphs {
    border: ASCII_BORDER,
    bar_nev: '#',
    bar_other: '+',
    bar_empty: '.',
    gauge_loaded: '#',
    gauge_staged: '=',
    gauge_delivered: '-',
    gauge_empty: '.',
    map_empty: '.',
    map_nev_ok: 'o',
    map_nev_out: '!',
    map_nev_unchecked: '?',
    map_other: 'x',
    map_hold: 'H',
    map_staged: 'S',
    map_unknown: '~',
    map_conflict: '*',
    ellipsis: "~",
    sep: " | ",
    arrow: "->",
    times: "x",
    none: "-",
    dims: "x",
    more_up: "^",
    more_down: "v",
    pointer: ">",
};

pub fn glyphs(ascii: bool) -> &'static Glyphs {
    if ascii {
        &ASCII
    } else {
        &UNICODE
    }
}
