//! The dashboard's screens rendered through ratatui's TestBackend from a fixed,
//! hand-built dashboard (tests/ui_fixture), held by insta snapshots, plus the
//! properties every screen must have: ASCII mode is ASCII, mono has no colour,
//! hostile database text never reaches the screen as control characters, wide
//! characters keep columns aligned.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::ui_fixture;

use ratatui::buffer::Buffer;
use ratatui::style::Color;
use rusqlite::types::Value;
use ui_fixture::*;
use yardtop::db::browse::{Anchor, ConsignmentInfo, SearchHit, SearchResults, Target, VehicleDetail};
use yardtop::ui::data::{BlockMapData, ConsignmentData, Detail, DetailBody, VehicleData};
use yardtop::ui::keys::{Key, KeyTable};
use yardtop::ui::state::{UiState, View};
use yardtop::ui::{buffer_text, render_buffer, render_text, DashData, LiveState, RenderOptions};

fn state() -> UiState {
    UiState::new(KeyTable::default())
}

fn screen(st: &UiState, data: &DashData, w: u16, h: u16, o: &RenderOptions) -> String {
    buffer_text(&render_buffer(st, Some(data), w, h, o))
}

/// A state showing `view` with `body` as its data.
fn drilled(view: View, body: DetailBody) -> UiState {
    let mut st = state();
    st.stack.push(view);
    st.seq = 1;
    st.detail = Some(Detail { seq: 1, body });
    st
}

fn block_state() -> UiState {
    drilled(
        View::Block {
            code: "N01".into(),
            row: 0,
            slot: 3,
        },
        DetailBody::Block(BlockMapData {
            code: "N01".into(),
            vehicles: block_vehicles(),
            truncated: false,
        }),
    )
}

fn consignment_state() -> UiState {
    let rows = block_vehicles().into_iter().take(6).collect();
    drilled(
        View::Consignment {
            id: Some(1),
            reference: "MG-GBBRS-01".into(),
            anchor: Anchor::First,
            cursor: 1,
        },
        DetailBody::Consignment(ConsignmentData {
            info: Some(ConsignmentInfo {
                id: 1,
                reference: "MG-GBBRS-01".into(),
                brand: "MG".into(),
                destination: "GBBRS".into(),
                planned: Some("3061".into()),
                cutoff_raw: "2026-11-26T12:12:00Z".into(),
                cutoff: Some(ts("2026-11-26T12:12:00Z")),
                status: "loading".into(),
                vessel: "GLOVIS SUN".into(),
                voyage: "0412W".into(),
                call_status: "alongside".into(),
                vehicles: 3000,
            }),
            page: yardtop::db::browse::Page {
                position: Some((0, 3000)),
                ..page(rows, false, true)
            },
        }),
    )
}

fn vehicle_state() -> UiState {
    let row = block_vehicles().remove(0);
    let fields = vec![
        ("vin", Some(row.vin.clone())),
        ("make", Some("比亚迪".into())),
        ("model", Some("海豹".into())),
        ("powertrain", Some("BEV".into())),
        ("soc_pct", Some("55.0".into())),
        ("soc_checked_at", Some("2026-11-26T01:00:00Z".into())),
        ("consignment_id", Some("1".into())),
        ("status", Some("parked".into())),
        ("hold_reason", None),
        ("block", Some("N01".into())),
        ("row", Some("1".into())),
        ("slot", Some("4".into())),
        ("gate_in_at", Some("2026-11-20T08:00:00Z".into())),
        ("loaded_at", None),
        ("updated_at", Some("2026-11-26T01:00:00Z".into())),
    ];
    drilled(
        View::Vehicle {
            vin: Value::Text(row.vin.clone()),
            label: row.vin.clone(),
            anchor: Anchor::First,
            cursor: 0,
        },
        DetailBody::Vehicle(VehicleData {
            detail: Some(VehicleDetail {
                row,
                fields,
                consignment_ref: Some("MG-GBBRS-01".into()),
            }),
            events: page(
                vec![
                    event(
                        905,
                        "2026-11-26T08:59:58Z",
                        "LSJW24104PS123456",
                        "soc_check",
                        "SoC 55%",
                    ),
                    event(
                        700,
                        "2026-11-20T08:00:00Z",
                        "LSJW24104PS123456",
                        "gate_in",
                        "truck 88",
                    ),
                ],
                false,
                false,
            ),
        }),
    )
}

fn search_state() -> UiState {
    drilled(
        View::Search {
            query: "123456".into(),
            selected: 1,
        },
        DetailBody::Search(SearchResults {
            query: "123456".into(),
            hits: vec![
                SearchHit {
                    target: Target::Vehicle(Value::Text("LSJW24104PS123456".into())),
                    kind: "vehicle",
                    label: "LSJW24104PS123456".into(),
                    detail: vec!["比亚迪 海豹".into(), "BEV".into(), "parked".into()],
                },
                SearchHit {
                    target: Target::Consignment(9),
                    kind: "consignment",
                    label: "MG-123456".into(),
                    detail: vec!["to GBBRS".into(), "open".into()],
                },
            ],
            truncated: false,
        }),
    )
}

fn all_states() -> Vec<(&'static str, UiState)> {
    let mut help = state();
    help.help = true;
    vec![
        ("main", state()),
        ("block", block_state()),
        ("consignment", consignment_state()),
        ("vehicle", vehicle_state()),
        ("search", search_state()),
        ("subjects", subjects_state()),
        ("help", help),
    ]
}

#[test]
fn main_screen_120x40() {
    insta::assert_snapshot!("main_120x40", render_text(&data(), 120, 40, &opts()));
}

/// A large yard's first frame: the yard on screen, history still being counted; no
/// export figure may show as a zero.
#[test]
fn yard_first_while_history_is_read() {
    let mut d = data();
    d.reading_history = true;
    let text = render_text(&d, 120, 40, &opts());
    assert!(text.contains("counting the export history"), "{text}");
    assert!(!text.contains("Today "), "{text}");
    insta::assert_snapshot!("yard_first_120x40", text);
}

#[test]
fn main_screen_80x24_is_tabbed() {
    let d = data();
    let mut st = state();
    let first = screen(&st, &d, 80, 24, &opts());
    assert!(first.contains("[Exports]"), "{first}");
    insta::assert_snapshot!("main_80x24_exports", first);
    st.handle_key(Key::Tab, Some(&d));
    st.handle_key(Key::Tab, Some(&d));
    let cons = screen(&st, &d, 80, 24, &opts());
    assert!(cons.contains("[Pending consignments]"), "{cons}");
    insta::assert_snapshot!("main_80x24_consignments", cons);
    st.handle_key(Key::BackTab, Some(&d));
    insta::assert_snapshot!("main_80x24_yard", screen(&st, &d, 80, 24, &opts()));
}

#[test]
fn too_small_says_so_and_recovers() {
    let d = data();
    let st = state();
    let tiny = screen(&st, &d, 40, 10, &opts());
    insta::assert_snapshot!("tiny_40x10", tiny);
    assert!(tiny.contains("terminal too small"), "{tiny}");
    assert!(tiny.contains("have 40×10"), "{tiny}");
    // Resizing back gives the full screen again (rendering is stateless).
    assert!(screen(&st, &d, 120, 40, &opts()).contains("Pending consignments"));
}

#[test]
fn block_map() {
    let text = screen(&block_state(), &data(), 120, 40, &opts());
    insta::assert_snapshot!("block_map_120x40", text);
    assert!(text.contains("two in one slot"));
    assert!(
        text.contains("1 vehicle of this block without a valid row/slot"),
        "{text}"
    );
}

#[test]
fn consignment_drill_down() {
    let text = screen(&consignment_state(), &data(), 120, 40, &opts());
    insta::assert_snapshot!("consignment_120x40", text);
    assert!(text.contains("more below"));
}

#[test]
fn vehicle_drill_down() {
    insta::assert_snapshot!(
        "vehicle_120x40",
        screen(&vehicle_state(), &data(), 120, 40, &opts())
    );
}

#[test]
fn search_results() {
    insta::assert_snapshot!(
        "search_120x40",
        screen(&search_state(), &data(), 120, 40, &opts())
    );
}

#[test]
fn help_overlay() {
    let mut st = state();
    st.help = true;
    let text = screen(&st, &data(), 120, 40, &opts());
    insta::assert_snapshot!("help_120x40", text);
    for key in ["Tab", "Shift-Tab", "PgUp", "Enter", "Esc", "/", "Ctrl-Z"] {
        assert!(text.contains(key), "help lacks {key}");
    }
}

#[test]
fn the_header_keeps_the_whole_clock_at_every_width() {
    // Wall clock and data at 2026-11-26T09:00:00Z: 17:00 in Xiamen.
    for w in [60u16, 64, 70, 80, 100, 120] {
        let text = screen(&state(), &data(), w, 24.max(w / 3), &opts());
        let first = text.lines().next().unwrap_or("");
        assert!(first.contains("2026-11-26 17:00 CST"), "{w} columns: {first:?}");
        assert!(first.contains("live"), "{w} columns: {first:?}");
    }
}

#[test]
fn a_frozen_clock_is_never_called_live() {
    let mut o = opts();
    o.frozen = true;
    for w in [60u16, 80, 120] {
        let text = screen(&state(), &data(), w, 24, &o);
        let first = text.lines().next().unwrap_or("");
        assert!(first.contains("FROZEN"), "{w} columns: {first:?}");
        assert!(!first.contains("live"), "{w} columns: {first:?}");
    }
    o.live = LiveState::Snapshot;
    let first = screen(&state(), &data(), 120, 40, &o);
    assert!(first.lines().next().unwrap_or("").contains("frozen clock"));
}

#[test]
fn ascii_mode_is_ascii_only() {
    let mut o = opts();
    o.ascii = true;
    let d = data_ascii();
    for (name, mut st) in all_states() {
        for (w, h) in [(120, 40), (80, 24), (40, 10)] {
            let text = screen(&st, &d, w, h, &o);
            // Before the first data, and before a drill-down's data, too.
            let waiting = buffer_text(&render_buffer(&st, None, w, h, &o));
            if let Some(c) = waiting
                .chars()
                .find(|c| !c.is_ascii() && !"比亚迪海豹号".contains(*c))
            {
                panic!("{name} (no data) at {w}x{h} has {c:?}:\n{waiting}");
            }
            let detail = st.detail.take();
            let loading = screen(&st, &d, w, h, &o);
            if let Some(c) = loading
                .chars()
                .find(|c| !c.is_ascii() && !"比亚迪海豹号".contains(*c))
            {
                panic!("{name} (loading) at {w}x{h} has {c:?}:\n{loading}");
            }
            st.detail = detail;
            // Only the database's own (CJK) text may be non-ASCII.
            if let Some(c) = text
                .chars()
                .find(|c| !c.is_ascii() && !"比亚迪海豹号".contains(*c))
            {
                panic!("{name} at {w}x{h} has {c:?}:\n{text}");
            }
        }
    }
    insta::assert_snapshot!("main_120x40_ascii", render_text(&d, 120, 40, &o));
    insta::assert_snapshot!("block_map_120x40_ascii", screen(&block_state(), &d, 120, 40, &o));
}

/// The fixture with its (database) CJK text replaced: ASCII mode draws the UI in
/// ASCII; database text is shown as written.
fn data_ascii() -> DashData {
    let mut d = data();
    d.figures.consignments[2].vessel = "BYD SEAL".into();
    d.events[3].detail = "truck 88".into();
    d
}

fn colours(buf: &Buffer) -> usize {
    buf.content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count()
}

#[test]
fn mono_and_no_color_use_no_colour() {
    let d = data();
    let mut o = opts();
    assert!(colours(&render_buffer(&state(), Some(&d), 120, 40, &o)) > 0);
    o.no_color = true;
    for (name, st) in all_states() {
        assert_eq!(colours(&render_buffer(&st, Some(&d), 120, 40, &o)), 0, "{name}");
    }
    let mut o = opts();
    o.theme = yardtop::config::Theme::Mono;
    assert_eq!(colours(&render_buffer(&state(), Some(&d), 120, 40, &o)), 0);
    // Colour is never the only signal: severities have words, NEV has its glyph.
    let text = render_text(&d, 120, 40, &o);
    for word in ["CRIT", "WARN", "INFO", "AT RISK: short", "PASSED: short", "█ NEV"] {
        assert!(text.contains(word), "{word}");
    }
}

const HOSTILE: [&str; 7] = [
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}]52;c;aGFja2Vk\u{7}",
    "\u{9b}31m C1 CSI",
    "\u{202e}txet desrever",
    "bell\u{7} null\u{0} del\u{7f} tab\tline\nret\r",
    "\u{1b}P+q544e\u{1b}\\",
    "\u{200b}zero\u{feff}width\u{2066}",
];

fn hostile_data() -> DashData {
    let big = "X".repeat(100_000) + "\u{1b}[31m";
    let mut d = data();
    let f = &mut d.figures;
    f.port.name = HOSTILE[0].to_string() + HOSTILE[3];
    f.port.locode = HOSTILE[1].into();
    f.timezone = HOSTILE[2].into();
    f.yard.blocks[0].code = HOSTILE[4].into();
    f.yard.blocks[1].zone = big.clone();
    f.consignments[0].reference = HOSTILE[5].into();
    f.consignments[1].vessel = big.clone();
    f.consignments[1].destination = HOSTILE[6].into();
    f.alerts[0].subjects = HOSTILE.iter().map(|s| s.to_string()).collect();
    f.alerts[1].kind = HOSTILE[1].into();
    if let Some(rc) = f.exports.record_consignment.as_mut() {
        rc.reference = HOSTILE[0].into();
        rc.loaded_on = big.clone();
    }
    f.exports.daily[3].date = HOSTILE[1].into();
    for (i, e) in d.events.iter_mut().enumerate() {
        e.vin = HOSTILE[i % HOSTILE.len()].into();
        e.kind = HOSTILE[(i + 1) % HOSTILE.len()].into();
        e.detail = big.clone();
        e.at_raw = HOSTILE[(i + 2) % HOSTILE.len()].into();
        e.at = None;
    }
    d
}

fn assert_clean(buf: &Buffer, what: &str) {
    for cell in buf.content() {
        for c in cell.symbol().chars() {
            let bad = c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
            assert!(!bad, "{what}: control character {c:?} reached the screen");
        }
    }
}

#[test]
fn hostile_strings_never_reach_the_terminal() {
    let d = hostile_data();
    let mut o = opts();
    o.db_path = HOSTILE[0].into();
    o.live = LiveState::Unreachable {
        reason: HOSTILE[1].into(),
        since: now(),
    };
    let mut search = search_state();
    if let Some(Detail {
        body: DetailBody::Search(r),
        ..
    }) = search.detail.as_mut()
    {
        for h in r.hits.iter_mut() {
            h.label = HOSTILE[0].into();
            h.detail = vec![HOSTILE[2].into(), HOSTILE[6].into()];
        }
    }
    if let Some(View::Search { query, .. }) = search.stack.last_mut() {
        *query = HOSTILE[1].into();
    }
    let mut block = block_state();
    if let Some(Detail {
        body: DetailBody::Block(b),
        ..
    }) = block.detail.as_mut()
    {
        for (i, v) in b.vehicles.iter_mut().enumerate() {
            v.vin = HOSTILE[i % 7].into();
            v.make = HOSTILE[(i + 3) % 7].into();
            v.status_raw = HOSTILE[(i + 4) % 7].into();
        }
    }
    let mut states = all_states();
    states.push(("hostile search", search));
    states.push(("hostile block", block));
    for (name, st) in states {
        for (w, h) in [(120, 40), (80, 24)] {
            let buf = render_buffer(&st, Some(&d), w, h, &o);
            assert_clean(&buf, name);
        }
    }
    // The escapes are shown, visibly, as text.
    let text = render_text(&d, 120, 40, &o);
    assert!(text.contains("\\e[2J"), "{text}");
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let d = data();
    let buf = render_buffer(&state(), Some(&d), 120, 40, &opts());
    // The destination column starts at the same screen column on every row, whether
    // the vessel name before it is ASCII or CJK (比亚迪 海豹 号).
    let find = |needle: &str| -> (u16, u16) {
        for y in 0..buf.area.height {
            let mut x = 0u16;
            let mut line = String::new();
            let mut cols = Vec::new();
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol().to_string();
                let w = unicode_width::UnicodeWidthStr::width(sym.as_str()).max(1) as u16;
                for _ in sym.chars() {
                    cols.push(x);
                }
                line.push_str(&sym);
                x += w;
            }
            if let Some(i) = line.find(needle) {
                let ci = line[..i].chars().count();
                return (cols[ci], y);
            }
        }
        panic!("{needle} not on screen");
    };
    let (x_cjk, _) = find(" AEJEA ");
    let (x_ascii, _) = find(" GBBRS ");
    let (x_other, _) = find(" BEZEE ");
    assert_eq!(x_cjk, x_ascii);
    assert_eq!(x_cjk, x_other);
}

#[test]
fn header_shows_live_state_hint_and_display_zone() {
    let mut d = data();
    d.db_hint = Some(yardtop::ui::DB_HINT.into());
    let mut o = opts();
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("Xiamen Port (CNXMN)"), "{t}");
    assert!(t.contains("Thu 2026-11-26 17:00 CST"), "{t}");
    assert!(t.contains("live · last change 16:59:58 (just now)"), "{t}");
    assert!(t.contains("run `yardtop init --existing` to speed up"), "{t}");
    o.tz = Some("Europe/London".parse().unwrap());
    o.live = LiveState::Busy {
        since: ts("2026-11-26T08:59:00Z"),
    };
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("Thu 2026-11-26 09:00 GMT"), "{t}");
    assert!(t.contains("database busy since 08:59:00"), "{t}");
    assert!(t.contains("showing the figures of 09:00:00"), "{t}");
    o.live = LiveState::Unreachable {
        reason: "the file is gone (deleted or moved)".into(),
        since: now(),
    };
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("database unreachable: the file is gone"), "{t}");
    o.live = LiveState::Paused;
    assert!(render_text(&d, 120, 40, &o).contains("PAUSED"));
    o.clock_24h = false;
    o.live = LiveState::Live {
        last_change: Some(ts("2026-11-26T08:58:30Z")),
    };
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("9:00 am GMT"), "{t}");
    assert!(t.contains("(1 min ago)"), "{t}");
}

#[test]
fn countdowns_tick_with_the_screen_clock() {
    let d = data();
    let mut o = opts();
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("3h 12m"), "{t}");
    assert!(t.contains("-0h 40m PASSED"), "{t}");
    o.now = ts("2026-11-26T09:13:00Z");
    let t = render_text(&d, 120, 40, &o);
    assert!(t.contains("2h 59m"), "{t}");
    assert!(t.contains("-0h 53m PASSED"), "{t}");
}

/// The SoC-over alert of the fixture (12 NEVs, 1 staged) scrolled to its 8th.
fn subjects_state() -> UiState {
    use yardtop::db::browse::SocReading;
    use yardtop::figures::listing::{SubjectKey, SubjectPage, VehicleSubject};
    let row = |i: i64, status: &str, soc: Option<f64>, at: Option<&str>, cons: &str| {
        let vin = format!("LSJW24104PS12{i:04}");
        VehicleSubject {
            key: SubjectKey {
                not_staged: status != "staged",
                vin: vin.clone(),
                rowid: i,
            },
            vin,
            block: if status == "staged" { "S01" } else { "N01" }.into(),
            row: Some((i % 10 + 1).to_string()),
            slot: Some((i % 40 + 1).to_string()),
            status: status.into(),
            powertrain: "BEV".into(),
            soc: SocReading {
                pct: soc,
                pct_unreadable: false,
                checked_at: at.map(ts),
                checked_at_unreadable: false,
            },
            hold_reason: String::new(),
            consignment: cons.into(),
        }
    };
    let rows = vec![
        row(
            7,
            "parked",
            Some(71.0),
            Some("2026-11-26T08:55:00Z"),
            "MG-GBBRS-01",
        ),
        row(
            8,
            "parked",
            Some(55.0),
            Some("2026-11-25T02:00:00Z"),
            "MG-GBBRS-01",
        ),
        row(9, "hold", Some(88.5), Some("2026-11-26T01:00:00Z"), "BYD-BEZEE-7"),
        row(10, "parked", Some(62.0), Some("2026-11-23T10:00:00Z"), ""),
    ];
    drilled(
        View::Subjects {
            kind: "soc_over_max".into(),
            title: "NEV SoC over max".into(),
            anchor: Anchor::First,
            cursor: 1,
        },
        DetailBody::Subjects(SubjectPage {
            kind: "soc_over_max".into(),
            page: page(rows, true, true),
            offset: 7,
            total: 12,
            staged: 1,
        }),
    )
}

#[test]
fn an_alert_lists_its_subjects_with_where_they_are() {
    let d = data();
    let st = subjects_state();
    let wide = screen(&st, &d, 120, 40, &opts());
    insta::assert_snapshot!("subjects_120x40", wide);
    // Where the list is, why the line is critical, where each vehicle is.
    assert!(wide.contains("8-11 of 12"), "{wide}");
    assert!(wide.contains("1 staged, listed first"), "{wide}");
    assert!(
        wide.contains("LSJW24104PS120009  N01       10   10 hold        88% 8 h ago    BYD-BEZEE-7"),
        "{wide}"
    );
    assert!(wide.contains("5 min ago"), "{wide}");
    let narrow = screen(&st, &d, 80, 24, &opts());
    insta::assert_snapshot!("subjects_80x24", narrow);
    assert!(narrow.contains("8-11 of 12"), "{narrow}");
    let small = screen(&st, &d, 60, 16, &opts());
    insta::assert_snapshot!("subjects_60x16", small);
    assert!(small.contains("of 12"), "{small}");
}

#[test]
fn a_consignment_alert_lists_its_consignments_with_the_reason() {
    let d = data();
    let mut st = state();
    st.stack.push(View::Subjects {
        kind: "cutoff_passed".into(),
        title: "cut-off passed".into(),
        anchor: Anchor::First,
        cursor: 0,
    });
    let text = screen(&st, &d, 120, 40, &opts());
    insta::assert_snapshot!("subjects_cutoff_passed_120x40", text);
    assert!(text.contains("BYD-BEZEE-7"), "{text}");
    assert!(text.contains("short 240, 20 on hold"), "{text}");
}

/// The fixture's yard with 14 more ICE blocks, holds in one of them: more blocks
/// than the panel shows.
fn many_blocks() -> DashData {
    let mut d = data();
    let template = d.figures.yard.blocks[2].clone();
    for i in 0..14 {
        let mut b = template.clone();
        b.code = format!("A{i:02}");
        b.nev = 0;
        b.on_hold = if i == 9 { 2 } else { 0 };
        d.figures.yard.blocks.push(b);
    }
    d.figures.yard.blocks.sort_by(|a, b| a.code.cmp(&b.code));
    d
}

#[test]
fn the_block_list_puts_what_matters_first_and_says_where_it_is() {
    let d = many_blocks();
    let wide = render_text(&d, 120, 40, &opts());
    insta::assert_snapshot!("main_120x40_many_blocks", wide);
    assert!(wide.contains("1-7 of 20"), "{wide}");
    // NEV and quarantine blocks, then the ICE block with holds, before the rest.
    let at = |code: &str| wide.find(&format!("\u{2502}{code} ")).unwrap_or(usize::MAX);
    assert!(
        at("N01") < at("N02") && at("N02") < at("Q01") && at("Q01") < at("A09"),
        "{wide}"
    );
    assert!(!wide.contains("X01 "), "{wide}");
    let mut st = state();
    st.handle_key(Key::Tab, Some(&d));
    let narrow = screen(&st, &d, 80, 24, &opts());
    insta::assert_snapshot!("main_80x24_yard_many_blocks", narrow);
    assert!(narrow.contains("of 20"), "{narrow}");
    // Enter opens the block the cursor is on, in the panel's order.
    st.handle_key(Key::Down, Some(&d));
    st.handle_key(Key::Enter, Some(&d));
    assert!(matches!(st.top(), Some(View::Block { code, .. }) if code == "N02"));
}

#[test]
fn search_results_say_where_they_are() {
    let mut st = search_state();
    if let Some(Detail {
        body: DetailBody::Search(res),
        ..
    }) = st.detail.as_mut()
    {
        let hit = res.hits[0].clone();
        for i in 0..28 {
            let mut h = hit.clone();
            h.label = format!("LSJW2410{i:04}123456");
            res.hits.push(h);
        }
    }
    let text = screen(&st, &data(), 80, 24, &opts());
    insta::assert_snapshot!("search_80x24_many", text);
    assert!(text.contains("1-18 of 30"), "{text}");
}
