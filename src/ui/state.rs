//! The dashboard's state machine: which panel has the focus, what is selected,
//! the stack of drill-downs, the help overlay, the search line, pause. Keys come in
//! (through the key table), commands for the loop come out; no I/O here, so every
//! transition is unit-tested.

use rusqlite::types::Value;

use super::data::{DashData, Detail, DetailBody};
use super::keys::{Action, Key, KeyTable};
pub use super::nav::alert_label;
use super::nav::{list_move, memory_len, settle, step_index, subject_hit};
use super::reader::{DetailRequest, Request};
use crate::db::browse::{Anchor, Page, SearchHit, Target};
use crate::figures::listing::SubjectKey;
use crate::figures::subjects::SubjectKind;

/// The panels of the main screen, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Exports,
    Yard,
    Consignments,
    Alerts,
    Activity,
}

pub const PANELS: [Panel; 5] = [
    Panel::Exports,
    Panel::Yard,
    Panel::Consignments,
    Panel::Alerts,
    Panel::Activity,
];

impl Panel {
    pub fn index(self) -> usize {
        PANELS.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Panel::Exports => "Exports",
            Panel::Yard => "Parked NEVs",
            Panel::Consignments => "Pending consignments",
            Panel::Alerts => "Alerts",
            Panel::Activity => "Activity",
        }
    }
}

/// A drill-down on the view stack.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// A block's row × slot map; the cursor is 0-based.
    Block { code: String, row: usize, slot: usize },
    /// A consignment's vehicles. `id` is None until a ref is resolved.
    Consignment {
        id: Option<i64>,
        reference: String,
        anchor: Anchor<Value>,
        cursor: usize,
    },
    /// A vehicle and its events.
    Vehicle {
        vin: Value,
        label: String,
        anchor: Anchor<i64>,
        cursor: usize,
    },
    /// Search results.
    Search { query: String, selected: usize },
    /// Every subject of an alert: vehicles a page at a time from the database
    /// (`anchor`, `cursor` on the page), the others from the figures (`cursor` is
    /// the index in the whole list).
    Subjects {
        kind: String,
        title: String,
        anchor: Anchor<SubjectKey>,
        cursor: usize,
    },
}

/// What the loop must do after a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    Suspend,
    Send(Request),
}

/// The selection of a list panel: the item's identity (so a new event arriving or
/// a consignment closing does not move it to another item) and its last index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub key: Option<String>,
    pub idx: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub keys: KeyTable,
    pub focus: Panel,
    pub selection: [Selection; 5],
    pub stack: Vec<View>,
    pub help: bool,
    /// The search line while it is being typed.
    pub input: Option<String>,
    pub paused: bool,
    /// The data of the view on top (when it answers `seq`).
    pub detail: Option<Detail>,
    pub seq: u64,
    /// The terminal's size (for page sizes).
    pub size: (u16, u16),
}

impl UiState {
    pub fn new(keys: KeyTable) -> UiState {
        UiState {
            keys,
            focus: Panel::Exports,
            selection: Default::default(),
            stack: Vec::new(),
            help: false,
            input: None,
            paused: false,
            detail: None,
            seq: 0,
            size: (120, 40),
        }
    }

    pub fn top(&self) -> Option<&View> {
        self.stack.last()
    }

    /// The detail of the view on top, if it has arrived.
    pub fn current_detail(&self) -> Option<&DetailBody> {
        self.detail
            .as_ref()
            .filter(|d| d.seq == self.seq)
            .map(|d| &d.body)
    }

    /// The identities of a panel's items, in display order.
    fn item_keys(panel: Panel, data: Option<&DashData>) -> Vec<String> {
        let Some(d) = data else {
            return Vec::new();
        };
        match panel {
            Panel::Exports => Vec::new(),
            Panel::Yard => {
                let blocks = &d.figures.yard.blocks;
                super::order::block_order(blocks)
                    .into_iter()
                    .map(|i| blocks[i].code.clone())
                    .collect()
            }
            Panel::Consignments => d.figures.consignments.iter().map(|c| c.id.to_string()).collect(),
            Panel::Alerts => super::order::alerts_in_order(&d.figures.alerts)
                .iter()
                .map(|a| a.kind.clone())
                .collect(),
            Panel::Activity => d.events.iter().map(|e| e.id.to_string()).collect(),
        }
    }

    /// The selected index of a panel (None when it has no items).
    pub fn selected_index(&self, panel: Panel, data: Option<&DashData>) -> Option<usize> {
        let keys = Self::item_keys(panel, data);
        if keys.is_empty() {
            return None;
        }
        let sel = &self.selection[panel.index()];
        Some(
            sel.key
                .as_ref()
                .and_then(|k| keys.iter().position(|x| x == k))
                .unwrap_or(sel.idx.min(keys.len() - 1)),
        )
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: Key, data: Option<&DashData>) -> Vec<Command> {
        if let Some(text) = self.input.as_mut() {
            match key {
                Key::Ctrl('c') => return vec![Command::Quit],
                Key::Esc => self.input = None,
                Key::Enter => {
                    let q = text.trim().to_string();
                    self.input = None;
                    if !q.is_empty() {
                        return self.push(View::Search {
                            query: q,
                            selected: 0,
                        });
                    }
                }
                Key::Backspace => {
                    text.pop();
                }
                Key::Ctrl('u') => text.clear(),
                Key::Char(c) if text.chars().count() < 64 => text.push(c),
                _ => {}
            }
            return Vec::new();
        }
        if key == Key::Ctrl('z') {
            return vec![Command::Suspend];
        }
        let Some(action) = self.keys.action(key) else {
            return Vec::new();
        };
        if self.help {
            // Any key closes the help; quit still quits.
            self.help = false;
            return if action == Action::Quit {
                vec![Command::Quit]
            } else {
                Vec::new()
            };
        }
        match action {
            Action::Quit => vec![Command::Quit],
            Action::Help => {
                self.help = true;
                Vec::new()
            }
            Action::Search => {
                self.input = Some(String::new());
                Vec::new()
            }
            Action::Pause => {
                self.paused = !self.paused;
                vec![Command::Send(Request::SetPaused(self.paused))]
            }
            Action::Refresh => vec![Command::Send(Request::Refresh)],
            Action::Back => self.pop(),
            Action::NextPanel | Action::PrevPanel => {
                if self.stack.is_empty() {
                    let i = self.focus.index();
                    let n = PANELS.len();
                    let j = if action == Action::NextPanel {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    };
                    self.focus = PANELS[j];
                }
                Vec::new()
            }
            Action::Open => self.open(data),
            Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.movement(action, data),
        }
    }

    /// Fresh drill-down data from the reader.
    pub fn apply_detail(&mut self, d: Detail, data: Option<&DashData>) -> Vec<Command> {
        if d.seq != self.seq {
            return Vec::new();
        }
        match (self.stack.last_mut(), &d.body) {
            (
                Some(View::Consignment {
                    id, anchor, cursor, ..
                }),
                DetailBody::Consignment(c),
            ) => {
                if let Some(info) = &c.info {
                    *id = Some(info.id);
                }
                settle(anchor, cursor, &c.page, |v| v.key.clone());
            }
            (Some(View::Vehicle { anchor, cursor, .. }), DetailBody::Vehicle(v)) => {
                settle(anchor, cursor, &v.events, |e| e.id);
            }
            (Some(View::Subjects { anchor, cursor, .. }), DetailBody::Subjects(p)) => {
                settle(anchor, cursor, &p.page, |v| v.key.clone());
            }
            (Some(View::Search { .. }), DetailBody::Search(r)) if r.hits.len() == 1 => {
                // A unique match (a VIN suffix as tally clerks type it): open it.
                let hit: SearchHit = r.hits[0].clone();
                self.stack.pop();
                return self.open_target(&hit.target, &hit.label, data);
            }
            _ => {}
        }
        self.detail = Some(d);
        Vec::new()
    }

    /// The terminal was resized: lists re-read a page of the new height.
    pub fn resize(&mut self, w: u16, h: u16) -> Vec<Command> {
        let before = self.list_rows();
        self.size = (w, h);
        if self.list_rows() != before {
            if let Some(req) = self.stack.last().and_then(|v| self.request_for(v)) {
                return vec![Command::Send(Request::Detail(self.seq, req))];
            }
        }
        Vec::new()
    }

    /// How many rows the drill-down lists show at the current size.
    pub fn list_rows(&self) -> usize {
        let kind = self.top().map(ListKind::of);
        super::geometry::list_rows(kind, self.size)
    }

    fn request_for(&self, v: &View) -> Option<DetailRequest> {
        let limit = self.list_rows();
        match v {
            View::Block { code, .. } => Some(DetailRequest::Block(code.clone())),
            View::Consignment {
                id: Some(id), anchor, ..
            } => Some(DetailRequest::Consignment {
                id: *id,
                anchor: anchor.clone(),
                limit,
            }),
            View::Consignment {
                id: None, reference, ..
            } => Some(DetailRequest::ConsignmentRef {
                reference: reference.clone(),
                limit,
            }),
            View::Vehicle { vin, anchor, .. } => Some(DetailRequest::Vehicle {
                vin: vin.clone(),
                anchor: anchor.clone(),
                limit,
            }),
            View::Search { query, .. } => Some(DetailRequest::Search(query.clone())),
            View::Subjects { kind, anchor, .. } => (crate::figures::subjects::subject_kind(kind)
                == Some(SubjectKind::Vehicle))
            .then(|| DetailRequest::Subjects {
                kind: kind.clone(),
                anchor: anchor.clone(),
                limit,
            }),
        }
    }

    /// Asks the reader for the data of the view on top (a new `seq`).
    fn request_top(&mut self) -> Vec<Command> {
        self.seq += 1;
        self.detail = None;
        match self.stack.last().and_then(|v| self.request_for(v)) {
            Some(req) => vec![Command::Send(Request::Detail(self.seq, req))],
            None => vec![Command::Send(Request::ClearDetail)],
        }
    }

    /// Re-reads the view on top with the same `seq` (the list moved).
    fn rerequest(&mut self) -> Vec<Command> {
        match self.stack.last().and_then(|v| self.request_for(v)) {
            Some(req) => vec![Command::Send(Request::Detail(self.seq, req))],
            None => Vec::new(),
        }
    }

    fn push(&mut self, v: View) -> Vec<Command> {
        if self.stack.len() >= 16 {
            self.stack.remove(0);
        }
        self.stack.push(v);
        self.request_top()
    }

    fn pop(&mut self) -> Vec<Command> {
        if self.stack.pop().is_some() {
            self.request_top()
        } else {
            Vec::new()
        }
    }

    fn open_target(&mut self, target: &Target, label: &str, data: Option<&DashData>) -> Vec<Command> {
        match target {
            Target::Vehicle(vin) => self.push(View::Vehicle {
                vin: vin.clone(),
                label: label.to_string(),
                anchor: Anchor::First,
                cursor: 0,
            }),
            Target::Consignment(id) => self.push(View::Consignment {
                id: Some(*id),
                reference: label.to_string(),
                anchor: Anchor::First,
                cursor: 0,
            }),
            Target::ConsignmentRef(r) => {
                let id = data.and_then(|d| {
                    d.figures
                        .consignments
                        .iter()
                        .find(|c| c.reference == *r)
                        .map(|c| c.id)
                });
                self.push(View::Consignment {
                    id,
                    reference: r.clone(),
                    anchor: Anchor::First,
                    cursor: 0,
                })
            }
            Target::Block(code) => self.push(View::Block {
                code: code.clone(),
                row: 0,
                slot: 0,
            }),
        }
    }

    fn open(&mut self, data: Option<&DashData>) -> Vec<Command> {
        match self.stack.last().cloned() {
            None => self.open_from_panel(data),
            Some(View::Block { row, slot, .. }) => {
                let hit = match self.current_detail() {
                    Some(DetailBody::Block(b)) => b
                        .vehicles
                        .iter()
                        .find(|v| v.row == Some(row as i64 + 1) && v.slot == Some(slot as i64 + 1))
                        .map(|v| (Target::Vehicle(v.key.clone()), v.vin.clone())),
                    _ => None,
                };
                match hit {
                    Some((t, label)) => self.open_target(&t, &label, data),
                    None => Vec::new(),
                }
            }
            Some(View::Consignment { cursor, .. }) => {
                let hit = match self.current_detail() {
                    Some(DetailBody::Consignment(c)) => c
                        .page
                        .rows
                        .get(cursor)
                        .map(|v| (Target::Vehicle(v.key.clone()), v.vin.clone())),
                    _ => None,
                };
                match hit {
                    Some((t, label)) => self.open_target(&t, &label, data),
                    None => Vec::new(),
                }
            }
            Some(View::Vehicle { .. }) => Vec::new(),
            Some(View::Search { selected, .. }) => {
                let hit = match self.current_detail() {
                    Some(DetailBody::Search(r)) => r.hits.get(selected).cloned(),
                    _ => None,
                };
                match hit {
                    Some(h) => self.open_target(&h.target, &h.label, data),
                    None => Vec::new(),
                }
            }
            Some(View::Subjects { kind, cursor, .. }) => {
                match subject_hit(self.current_detail(), data, &kind, cursor) {
                    Some((t, label)) => self.open_target(&t, &label, data),
                    None => Vec::new(),
                }
            }
        }
    }

    fn open_from_panel(&mut self, data: Option<&DashData>) -> Vec<Command> {
        let Some(d) = data else {
            return Vec::new();
        };
        let Some(i) = self.selected_index(self.focus, data) else {
            return Vec::new();
        };
        match self.focus {
            Panel::Exports => Vec::new(),
            Panel::Yard => match super::order::block_order(&d.figures.yard.blocks)
                .get(i)
                .and_then(|&j| d.figures.yard.blocks.get(j))
            {
                Some(b) => self.open_target(&Target::Block(b.code.clone()), &b.code.clone(), data),
                None => Vec::new(),
            },
            Panel::Consignments => match d.figures.consignments.get(i) {
                Some(c) => self.open_target(&Target::Consignment(c.id), &c.reference.clone(), data),
                None => Vec::new(),
            },
            Panel::Alerts => match super::order::alerts_in_order(&d.figures.alerts).get(i).copied() {
                Some(a) => self.push(View::Subjects {
                    kind: a.kind.clone(),
                    title: alert_label(&a.kind),
                    anchor: Anchor::First,
                    cursor: 0,
                }),
                None => Vec::new(),
            },
            Panel::Activity => match d.events.get(i) {
                Some(e) if !e.vin.is_empty() => {
                    self.open_target(&Target::Vehicle(Value::Text(e.vin.clone())), &e.vin.clone(), data)
                }
                _ => Vec::new(),
            },
        }
    }

    fn movement(&mut self, action: Action, data: Option<&DashData>) -> Vec<Command> {
        let rows = self.list_rows();
        let dims = self.block_dims(data);
        let detail = self.current_detail().cloned();
        match self.stack.last_mut() {
            None => {
                self.move_panel(action, data);
                Vec::new()
            }
            Some(View::Block { row, slot, .. }) => {
                let (nr, ns) = dims;
                let (maxr, maxs) = (nr.saturating_sub(1), ns.saturating_sub(1));
                match action {
                    Action::Up => *row = row.saturating_sub(1),
                    Action::Down => *row = (*row + 1).min(maxr),
                    Action::Left => *slot = slot.saturating_sub(1),
                    Action::Right => *slot = (*slot + 1).min(maxs),
                    Action::PageUp => *row = row.saturating_sub(10),
                    Action::PageDown => *row = (*row + 10).min(maxr),
                    Action::Home => (*row, *slot) = (0, 0),
                    Action::End => (*row, *slot) = (maxr, maxs),
                    _ => {}
                }
                Vec::new()
            }
            Some(View::Consignment { anchor, cursor, .. }) => {
                let page = match &detail {
                    Some(DetailBody::Consignment(c)) => c.page.clone(),
                    _ => Page::default(),
                };
                if list_move(anchor, cursor, &page, |v| v.key.clone(), action, rows) {
                    self.rerequest()
                } else {
                    Vec::new()
                }
            }
            Some(View::Vehicle { anchor, cursor, .. }) => {
                let page = match &detail {
                    Some(DetailBody::Vehicle(v)) => v.events.clone(),
                    _ => Page::default(),
                };
                if list_move(anchor, cursor, &page, |e| e.id, action, rows) {
                    self.rerequest()
                } else {
                    Vec::new()
                }
            }
            Some(View::Search { selected, .. }) => {
                let n = match &detail {
                    Some(DetailBody::Search(r)) => r.hits.len(),
                    _ => 0,
                };
                *selected = step_index(*selected, n, action, rows);
                Vec::new()
            }
            Some(View::Subjects {
                kind, anchor, cursor, ..
            }) => match data.and_then(|d| memory_len(&d.figures, kind)) {
                Some(n) => {
                    *cursor = step_index(*cursor, n, action, rows);
                    Vec::new()
                }
                None => {
                    let page = match &detail {
                        Some(DetailBody::Subjects(p)) => p.page.clone(),
                        _ => Page::default(),
                    };
                    if list_move(anchor, cursor, &page, |v| v.key.clone(), action, rows) {
                        self.rerequest()
                    } else {
                        Vec::new()
                    }
                }
            },
        }
    }

    fn move_panel(&mut self, action: Action, data: Option<&DashData>) {
        let panel = self.focus;
        let keys = Self::item_keys(panel, data);
        if keys.is_empty() {
            return;
        }
        let cur = self.selected_index(panel, data).unwrap_or(0);
        let next = step_index(cur, keys.len(), action, 10);
        self.selection[panel.index()] = Selection {
            key: keys.get(next).cloned(),
            idx: next,
        };
    }

    /// Rows and slots of the block on top (from the figures, else from the map).
    pub fn block_dims(&self, data: Option<&DashData>) -> (usize, usize) {
        let Some(View::Block { code, .. }) = self.top() else {
            return (0, 0);
        };
        let from_figures = data
            .and_then(|d| d.figures.yard.blocks.iter().find(|b| b.code == *code))
            .map(|b| (b.rows as usize, b.slots_per_row as usize));
        let from_map = match self.current_detail() {
            Some(DetailBody::Block(b)) => {
                let r = b.vehicles.iter().filter_map(|v| v.row).max().unwrap_or(0);
                let s = b.vehicles.iter().filter_map(|v| v.slot).max().unwrap_or(0);
                (r.clamp(0, 999) as usize, s.clamp(0, 999) as usize)
            }
            _ => (0, 0),
        };
        match from_figures {
            Some((r, s)) if r > 0 && s > 0 => (r.min(999), s.min(999)),
            _ => from_map,
        }
    }
}

use super::geometry::ListKind;

impl ListKind {
    pub fn of(v: &View) -> ListKind {
        match v {
            View::Block { .. } => ListKind::Block,
            View::Consignment { .. } => ListKind::Consignment,
            View::Vehicle { .. } => ListKind::Vehicle,
            View::Search { .. } => ListKind::Picker,
            View::Subjects { .. } => ListKind::Subjects,
        }
    }
}
