//! The dashboard's key handling as a state machine: keys in, state and commands
//! for the loop out. No terminal needed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::ui_fixture;

use std::collections::BTreeMap;

use rusqlite::types::Value;
use ui_fixture::*;
use yardtop::db::browse::{Anchor, ConsignmentInfo, SearchHit, SearchResults, Target};
use yardtop::ui::data::{BlockMapData, ConsignmentData, Detail, DetailBody};
use yardtop::ui::keys::{Key, KeyTable};
use yardtop::ui::reader::{DetailRequest, Request};
use yardtop::ui::state::{Command, Panel, UiState, View};

fn st() -> UiState {
    UiState::new(KeyTable::default())
}

fn keys(s: &mut UiState, d: &yardtop::ui::DashData, ks: &[Key]) -> Vec<Command> {
    ks.iter().flat_map(|k| s.handle_key(*k, Some(d))).collect()
}

/// The detail request among the commands.
fn detail_req(cmds: &[Command]) -> Option<(u64, DetailRequest)> {
    cmds.iter().find_map(|c| match c {
        Command::Send(Request::Detail(seq, r)) => Some((*seq, r.clone())),
        _ => None,
    })
}

#[test]
fn tab_and_shift_tab_cycle_the_panels() {
    let d = data();
    let mut s = st();
    assert_eq!(s.focus, Panel::Exports);
    keys(&mut s, &d, &[Key::Tab]);
    assert_eq!(s.focus, Panel::Yard);
    keys(&mut s, &d, &[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    assert_eq!(s.focus, Panel::Exports);
    keys(&mut s, &d, &[Key::BackTab]);
    assert_eq!(s.focus, Panel::Activity);
}

#[test]
fn quit_suspend_pause_refresh() {
    let d = data();
    let mut s = st();
    assert_eq!(s.handle_key(Key::Char('q'), Some(&d)), vec![Command::Quit]);
    assert_eq!(s.handle_key(Key::Ctrl('c'), Some(&d)), vec![Command::Quit]);
    assert_eq!(s.handle_key(Key::Ctrl('z'), Some(&d)), vec![Command::Suspend]);
    assert_eq!(
        s.handle_key(Key::Char('p'), Some(&d)),
        vec![Command::Send(Request::SetPaused(true))]
    );
    assert!(s.paused);
    assert_eq!(
        s.handle_key(Key::Char('p'), Some(&d)),
        vec![Command::Send(Request::SetPaused(false))]
    );
    assert_eq!(
        s.handle_key(Key::Char('r'), Some(&d)),
        vec![Command::Send(Request::Refresh)]
    );
    assert!(s.handle_key(Key::Char('Z'), Some(&d)).is_empty());
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Char('?')]);
    assert!(s.help);
    // A key closes the help and does nothing else.
    assert!(keys(&mut s, &d, &[Key::Tab]).is_empty());
    assert!(!s.help);
    assert_eq!(s.focus, Panel::Exports);
    keys(&mut s, &d, &[Key::Char('?')]);
    assert_eq!(keys(&mut s, &d, &[Key::Char('q')]), vec![Command::Quit]);
}

#[test]
fn search_line_takes_text_then_searches() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Char('/')]);
    assert_eq!(s.input.as_deref(), Some(""));
    // While typing, q and p are text, not quit and pause.
    let typed: Vec<Key> = "qp1234567".chars().map(Key::Char).collect();
    assert!(keys(&mut s, &d, &typed).is_empty());
    keys(&mut s, &d, &[Key::Backspace, Key::Ctrl('u')]);
    assert_eq!(s.input.as_deref(), Some(""));
    let typed: Vec<Key> = "123456".chars().map(Key::Char).collect();
    keys(&mut s, &d, &typed);
    let cmds = keys(&mut s, &d, &[Key::Enter]);
    assert_eq!(s.input, None);
    assert_eq!(
        detail_req(&cmds),
        Some((1, DetailRequest::Search("123456".into())))
    );
    assert!(matches!(s.top(), Some(View::Search { .. })));
    // Esc cancels a search being typed.
    keys(&mut s, &d, &[Key::Char('/'), Key::Char('x'), Key::Esc]);
    assert_eq!(s.input, None);
    assert!(matches!(s.top(), Some(View::Search { .. })));
}

#[test]
fn a_unique_search_match_opens_directly() {
    let d = data();
    let mut s = st();
    keys(
        &mut s,
        &d,
        &[
            Key::Char('/'),
            Key::Char('4'),
            Key::Char('5'),
            Key::Char('6'),
            Key::Enter,
        ],
    );
    let vin = Value::Text("LSJW24104PS123456".into());
    let cmds = s.apply_detail(
        Detail {
            seq: s.seq,
            body: DetailBody::Search(SearchResults {
                query: "456".into(),
                hits: vec![SearchHit {
                    target: Target::Vehicle(vin.clone()),
                    kind: "vehicle",
                    label: "LSJW24104PS123456".into(),
                    detail: vec![],
                }],
                truncated: false,
            }),
        },
        Some(&d),
    );
    match detail_req(&cmds) {
        Some((2, DetailRequest::Vehicle { vin: v, anchor, .. })) => {
            assert_eq!(v, vin);
            assert_eq!(anchor, Anchor::First);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.stack.len(), 1, "the search view is replaced");
}

#[test]
fn block_map_cursor_moves_within_the_block_and_opens_a_vehicle() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Tab]);
    let cmds = keys(&mut s, &d, &[Key::Enter]);
    assert_eq!(detail_req(&cmds), Some((1, DetailRequest::Block("N01".into()))));
    s.apply_detail(
        Detail {
            seq: 1,
            body: DetailBody::Block(BlockMapData {
                code: "N01".into(),
                vehicles: block_vehicles(),
                truncated: false,
            }),
        },
        Some(&d),
    );
    // N01 is 10 rows × 40 slots: the cursor stays inside.
    keys(&mut s, &d, &[Key::Up, Key::Left, Key::Char('h')]);
    assert_eq!(
        s.top(),
        Some(&View::Block {
            code: "N01".into(),
            row: 0,
            slot: 0
        })
    );
    keys(&mut s, &d, &[Key::End]);
    assert_eq!(
        s.top(),
        Some(&View::Block {
            code: "N01".into(),
            row: 9,
            slot: 39
        })
    );
    keys(&mut s, &d, &[Key::PageDown, Key::Right, Key::Char('l')]);
    assert_eq!(
        s.top(),
        Some(&View::Block {
            code: "N01".into(),
            row: 9,
            slot: 39
        })
    );
    keys(
        &mut s,
        &d,
        &[
            Key::Home,
            Key::Right,
            Key::Right,
            Key::Right,
            Key::Char('j'),
            Key::Char('k'),
        ],
    );
    assert_eq!(
        s.top(),
        Some(&View::Block {
            code: "N01".into(),
            row: 0,
            slot: 3
        })
    );
    // Row 1, slot 4 holds LSJW24104PS123456.
    let cmds = keys(&mut s, &d, &[Key::Enter]);
    match detail_req(&cmds) {
        Some((2, DetailRequest::Vehicle { vin, .. })) => {
            assert_eq!(vin, Value::Text("LSJW24104PS123456".into()))
        }
        other => panic!("{other:?}"),
    }
    // An empty cell opens nothing.
    let cmds = keys(&mut s, &d, &[Key::Esc]);
    assert_eq!(detail_req(&cmds), Some((3, DetailRequest::Block("N01".into()))));
    keys(&mut s, &d, &[Key::Down, Key::Down, Key::Down]);
    assert!(keys(&mut s, &d, &[Key::Enter]).is_empty());
    // Esc back to the main screen clears the drill-down.
    let cmds = keys(&mut s, &d, &[Key::Esc]);
    assert_eq!(cmds, vec![Command::Send(Request::ClearDetail)]);
    assert!(s.stack.is_empty());
    // Esc on the main screen does nothing.
    assert!(keys(&mut s, &d, &[Key::Esc]).is_empty());
}

#[test]
fn selection_follows_the_item_not_the_row() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Tab, Key::Tab, Key::Down]);
    assert_eq!(s.selected_index(Panel::Consignments, Some(&d)), Some(1));
    // A new consignment sorts first: the selection stays on MG-GBBRS-01.
    let mut d2 = d.clone();
    let mut new = d2.figures.consignments[0].clone();
    new.id = 99;
    new.reference = "NEW-1".into();
    d2.figures.consignments.insert(0, new);
    assert_eq!(s.selected_index(Panel::Consignments, Some(&d2)), Some(2));
    let cmds = keys(&mut s, &d2, &[Key::Enter]);
    match detail_req(&cmds) {
        Some((_, DetailRequest::Consignment { id, anchor, .. })) => {
            assert_eq!(id, 1);
            assert_eq!(anchor, Anchor::First);
        }
        other => panic!("{other:?}"),
    }
    // Selections clamp at the ends.
    let mut s = st();
    keys(
        &mut s,
        &d,
        &[Key::Tab, Key::Tab, Key::End, Key::Down, Key::PageDown],
    );
    assert_eq!(s.selected_index(Panel::Consignments, Some(&d)), Some(2));
    keys(&mut s, &d, &[Key::PageUp, Key::Up]);
    assert_eq!(s.selected_index(Panel::Consignments, Some(&d)), Some(0));
}

fn consignment_page(s: &mut UiState, d: &yardtop::ui::DashData, more_before: bool, more_after: bool) {
    let rows = block_vehicles().into_iter().take(3).collect();
    s.apply_detail(
        Detail {
            seq: s.seq,
            body: DetailBody::Consignment(ConsignmentData {
                info: Some(ConsignmentInfo {
                    id: 1,
                    reference: "MG-GBBRS-01".into(),
                    ..Default::default()
                }),
                page: page(rows, more_before, more_after),
            }),
        },
        Some(d),
    );
}

#[test]
fn consignment_list_pages_by_keyset() {
    let d = data();
    let mut s = st();
    s.size = (120, 15); // a short terminal: a page of a few rows
    keys(&mut s, &d, &[Key::Tab, Key::Tab, Key::Down, Key::Enter]);
    let seq = s.seq;
    consignment_page(&mut s, &d, false, true);
    let key = |i: usize| block_vehicles()[i].key.clone();
    // Moving inside the page reads nothing.
    assert!(keys(&mut s, &d, &[Key::Down, Key::Down]).is_empty());
    // Past the last row: the window moves down one row (same request, same seq).
    let cmds = keys(&mut s, &d, &[Key::Down]);
    match detail_req(&cmds) {
        Some((q, DetailRequest::Consignment { anchor, .. })) => {
            assert_eq!(q, seq);
            assert_eq!(anchor, Anchor::From(key(1)));
        }
        other => panic!("{other:?}"),
    }
    consignment_page(&mut s, &d, true, true);
    match detail_req(&keys(&mut s, &d, &[Key::PageDown])) {
        Some((_, DetailRequest::Consignment { anchor, .. })) => assert_eq!(anchor, Anchor::After(key(2))),
        other => panic!("{other:?}"),
    }
    consignment_page(&mut s, &d, true, true);
    match detail_req(&keys(&mut s, &d, &[Key::Home])) {
        Some((_, DetailRequest::Consignment { anchor, .. })) => assert_eq!(anchor, Anchor::First),
        other => panic!("{other:?}"),
    }
    match detail_req(&keys(&mut s, &d, &[Key::End])) {
        Some((_, DetailRequest::Consignment { anchor, .. })) => assert_eq!(anchor, Anchor::Last),
        other => panic!("{other:?}"),
    }
    consignment_page(&mut s, &d, true, false);
    match detail_req(&keys(&mut s, &d, &[Key::PageUp])) {
        Some((_, DetailRequest::Consignment { anchor, limit, .. })) => {
            assert_eq!(anchor, Anchor::BackFrom(key(0), limit));
        }
        other => panic!("{other:?}"),
    }
    consignment_page(&mut s, &d, true, false);
    keys(&mut s, &d, &[Key::Home]);
    consignment_page(&mut s, &d, true, true);
    match detail_req(&keys(&mut s, &d, &[Key::Up])) {
        Some((_, DetailRequest::Consignment { anchor, .. })) => {
            assert_eq!(anchor, Anchor::BackFrom(key(0), 1))
        }
        other => panic!("{other:?}"),
    }
    // Enter on a row opens its vehicle.
    consignment_page(&mut s, &d, false, false);
    match detail_req(&keys(&mut s, &d, &[Key::Down, Key::Enter])) {
        Some((_, DetailRequest::Vehicle { vin, .. })) => assert_eq!(vin, key(1)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn stale_answers_are_ignored() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Tab, Key::Enter]);
    let old = s.seq;
    keys(&mut s, &d, &[Key::Esc, Key::Enter]);
    s.apply_detail(
        Detail {
            seq: old,
            body: DetailBody::Failed("old".into()),
        },
        Some(&d),
    );
    assert_eq!(s.current_detail(), None);
}

#[test]
fn alerts_open_their_subjects() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::BackTab, Key::BackTab]);
    assert_eq!(s.focus, Panel::Alerts);
    // Alerts are shown most severe first: critical ones, then warnings.
    keys(&mut s, &d, &[Key::Down, Key::Down]);
    // Consignment subjects come from the figures: nothing to read.
    let cmds = keys(&mut s, &d, &[Key::Enter]);
    assert_eq!(cmds, vec![Command::Send(Request::ClearDetail)]);
    match s.top() {
        Some(View::Subjects { kind, title, .. }) => {
            assert_eq!(kind, "consignment_at_risk");
            assert_eq!(title, "consignment at risk");
        }
        other => panic!("{other:?}"),
    }
    // Enter opens the consignment, by its id from the figures.
    match detail_req(&keys(&mut s, &d, &[Key::Enter])) {
        Some((_, DetailRequest::Consignment { id, .. })) => assert_eq!(id, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_vehicle_alert_pages_its_subjects_from_the_database() {
    let d = data();
    let mut s = st();
    s.size = (120, 40);
    keys(&mut s, &d, &[Key::BackTab, Key::BackTab]);
    // The first line: NEV SoC over max, a vehicle alert.
    match detail_req(&keys(&mut s, &d, &[Key::Enter])) {
        Some((_, DetailRequest::Subjects { kind, anchor, limit })) => {
            assert_eq!(kind, "soc_over_max");
            assert_eq!(anchor, Anchor::First);
            // 40 rows less header, footer, frame, summary and column heads.
            assert_eq!(limit, 33);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn activity_opens_the_event_vehicle() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::BackTab, Key::Down]);
    match detail_req(&keys(&mut s, &d, &[Key::Enter])) {
        Some((_, DetailRequest::Vehicle { vin, .. })) => {
            assert_eq!(vin, Value::Text("LGXCE4CB0N0000017".into()))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn resize_rereads_a_page_of_the_new_height() {
    let d = data();
    let mut s = st();
    keys(&mut s, &d, &[Key::Tab, Key::Tab, Key::Enter]);
    let before = s.list_rows();
    let cmds = s.resize(120, 60);
    match detail_req(&cmds) {
        Some((_, DetailRequest::Consignment { limit, .. })) => assert!(limit > before),
        other => panic!("{other:?}"),
    }
    assert!(s.resize(120, 60).is_empty());
}

#[test]
fn config_can_rebind_keys() {
    let mut m = BTreeMap::new();
    m.insert("quit".to_string(), "x".to_string());
    let d = data();
    let mut s = UiState::new(KeyTable::from_config(&m));
    assert!(s.handle_key(Key::Char('q'), Some(&d)).is_empty());
    assert_eq!(s.handle_key(Key::Char('x'), Some(&d)), vec![Command::Quit]);
    assert_eq!(s.handle_key(Key::Ctrl('c'), Some(&d)), vec![Command::Quit]);
}

#[test]
fn keys_without_data_do_not_panic() {
    let mut s = st();
    for k in [
        Key::Tab,
        Key::Enter,
        Key::Down,
        Key::PageDown,
        Key::End,
        Key::Enter,
        Key::Esc,
        Key::Char('/'),
        Key::Enter,
    ] {
        s.handle_key(k, None);
    }
}
