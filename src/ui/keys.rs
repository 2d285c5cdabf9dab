//! The one key table: it drives the key handler, the `?` help overlay and the
//! footer's hint line, so they can never disagree. Bindings can be changed in the
//! config file's `[keys]` section (`action = "key"`); a changed action loses its
//! default keys. Ctrl-C always quits and Ctrl-Z always suspends, whatever the
//! config says.

use std::collections::BTreeMap;

/// A key press, decoded from the terminal's bytes (see `input`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    /// Ctrl and a lower-case letter.
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Key {
    /// Parses a key as the config file writes it: `q`, `Enter`, `Ctrl-c`, `PageDown`.
    pub fn parse(text: &str) -> Option<Key> {
        let t = text.trim();
        let mut chars = t.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return (!c.is_control()).then_some(Key::Char(c));
        }
        let lower = t.to_ascii_lowercase();
        if let Some(rest) = lower
            .strip_prefix("ctrl-")
            .or_else(|| lower.strip_prefix("ctrl+"))
        {
            let mut cs = rest.chars();
            return match (cs.next(), cs.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => Some(Key::Ctrl(c)),
                _ => None,
            };
        }
        Some(match lower.as_str() {
            "enter" | "return" => Key::Enter,
            "esc" | "escape" => Key::Esc,
            "tab" => Key::Tab,
            "backtab" | "shift-tab" | "s-tab" => Key::BackTab,
            "backspace" => Key::Backspace,
            "delete" | "del" => Key::Delete,
            "up" => Key::Up,
            "down" => Key::Down,
            "left" => Key::Left,
            "right" => Key::Right,
            "pageup" | "pgup" => Key::PageUp,
            "pagedown" | "pgdn" => Key::PageDown,
            "home" => Key::Home,
            "end" => Key::End,
            "space" => Key::Char(' '),
            _ => return None,
        })
    }

    /// The key's name on screen (ASCII only).
    pub fn name(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "Shift-Tab".into(),
            Key::Backspace => "Backspace".into(),
            Key::Delete => "Delete".into(),
            Key::Up => "Up".into(),
            Key::Down => "Down".into(),
            Key::Left => "Left".into(),
            Key::Right => "Right".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    NextPanel,
    PrevPanel,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Back,
    Search,
    Pause,
    Refresh,
}

/// One row of the key table: the action, its config name, what the help says, its
/// default keys, and its short footer label (None: not in the footer).
type Row = (
    Action,
    &'static str,
    &'static str,
    &'static [Key],
    Option<&'static str>,
);

/// Every action.
const TABLE: [Row; 17] = [
    (
        Action::Quit,
        "quit",
        "quit (Ctrl-C also quits)",
        &[Key::Char('q')],
        Some("quit"),
    ),
    (
        Action::Help,
        "help",
        "show or hide this help",
        &[Key::Char('?')],
        Some("help"),
    ),
    (
        Action::NextPanel,
        "next_panel",
        "next panel",
        &[Key::Tab],
        Some("panel"),
    ),
    (
        Action::PrevPanel,
        "prev_panel",
        "previous panel",
        &[Key::BackTab],
        None,
    ),
    (Action::Up, "up", "move up", &[Key::Up, Key::Char('k')], None),
    (
        Action::Down,
        "down",
        "move down",
        &[Key::Down, Key::Char('j')],
        None,
    ),
    (
        Action::Left,
        "left",
        "move left (block map)",
        &[Key::Left, Key::Char('h')],
        None,
    ),
    (
        Action::Right,
        "right",
        "move right (block map)",
        &[Key::Right, Key::Char('l')],
        None,
    ),
    (Action::PageUp, "page_up", "page up", &[Key::PageUp], None),
    (Action::PageDown, "page_down", "page down", &[Key::PageDown], None),
    (
        Action::Home,
        "home",
        "first row",
        &[Key::Home, Key::Char('g')],
        None,
    ),
    (Action::End, "end", "last row", &[Key::End, Key::Char('G')], None),
    (
        Action::Open,
        "open",
        "open: block map, consignment, vehicle",
        &[Key::Enter],
        Some("open"),
    ),
    (
        Action::Back,
        "back",
        "back (close help, search, drill-down)",
        &[Key::Esc],
        Some("back"),
    ),
    (
        Action::Search,
        "search",
        "search: VIN suffix, consignment ref or vessel",
        &[Key::Char('/')],
        Some("search"),
    ),
    (
        Action::Pause,
        "pause",
        "pause / resume live updates",
        &[Key::Char('p')],
        Some("pause"),
    ),
    (
        Action::Refresh,
        "refresh",
        "refresh now",
        &[Key::Char('r')],
        Some("refresh"),
    ),
];

#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable {
    bindings: Vec<(Action, Vec<Key>)>,
    /// Config entries that could not be used, as sentences (shown in the help).
    pub problems: Vec<String>,
}

impl Default for KeyTable {
    fn default() -> Self {
        KeyTable {
            bindings: TABLE
                .iter()
                .map(|(a, _, _, keys, _)| (*a, keys.to_vec()))
                .collect(),
            problems: Vec::new(),
        }
    }
}

impl KeyTable {
    /// The default table with the config's `[keys]` applied. An action given a key
    /// loses its default keys; a key that another action keeps (by default or by the
    /// config) is a problem naming both actions, never a silent unbinding.
    pub fn from_config(keys: &BTreeMap<String, String>) -> KeyTable {
        let mut table = KeyTable::default();
        let mut wanted: Vec<(&str, Action, Key)> = Vec::new();
        for (name, key_text) in keys {
            let Some(action) = TABLE.iter().find(|t| t.1 == name).map(|t| t.0) else {
                table.problems.push(format!(
                    "[keys] {name}: no such action (actions: {})",
                    TABLE.iter().map(|t| t.1).collect::<Vec<_>>().join(", ")
                ));
                continue;
            };
            let Some(key) = Key::parse(key_text) else {
                table
                    .problems
                    .push(format!("[keys] {name} = {key_text:?}: not a key name"));
                continue;
            };
            if matches!(key, Key::Ctrl('c') | Key::Ctrl('z')) {
                table
                    .problems
                    .push(format!("[keys] {name}: Ctrl-C and Ctrl-Z cannot be rebound"));
                continue;
            }
            wanted.push((name, action, key));
        }
        // Every rebound action first loses its defaults, whatever the order of the
        // file, so that `quit = "x"` frees `q` for `search = "q"`.
        for (_, action, _) in &wanted {
            if let Some((_, ks)) = table.bindings.iter_mut().find(|(a, _)| a == action) {
                ks.clear();
            }
        }
        for (name, action, key) in wanted {
            if let Some(other) = table.action(key).filter(|o| *o != action) {
                let other_name = TABLE.iter().find(|t| t.0 == other).map(|t| t.1).unwrap_or("?");
                table.problems.push(format!(
                    "[keys] {name} = {:?}: {} is already the key of {other_name}; give {other_name} another key in [keys] too, or choose another key for {name}",
                    key.name(),
                    key.name()
                ));
                continue;
            }
            if let Some((_, ks)) = table.bindings.iter_mut().find(|(a, _)| *a == action) {
                ks.push(key);
            }
        }
        table
    }

    /// The action of a key, if any. Ctrl-C is always quit.
    pub fn action(&self, key: Key) -> Option<Action> {
        if key == Key::Ctrl('c') {
            return Some(Action::Quit);
        }
        self.bindings
            .iter()
            .find(|(_, ks)| ks.contains(&key))
            .map(|(a, _)| *a)
    }

    pub fn keys_of(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, ks)| ks.as_slice())
            .unwrap_or(&[])
    }

    /// The help overlay's rows: keys, what they do.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        TABLE
            .iter()
            .map(|(a, _, help, _, _)| {
                let keys = self.keys_of(*a);
                let names = if keys.is_empty() {
                    "(unbound)".to_string()
                } else {
                    keys.iter().map(|k| k.name()).collect::<Vec<_>>().join(" ")
                };
                (names, *help)
            })
            .collect()
    }

    /// The man page's rows: keys, the action's config name, what it does.
    pub fn man_rows(&self) -> Vec<(String, &'static str, &'static str)> {
        TABLE
            .iter()
            .zip(self.help_rows())
            .map(|((_, name, _, _, _), (keys, what))| (keys.replace(' ', ", "), *name, what))
            .collect()
    }

    /// The footer's hints: first key, short label.
    pub fn footer(&self) -> Vec<(String, &'static str)> {
        TABLE
            .iter()
            .filter_map(|(a, _, _, _, label)| {
                let label = (*label)?;
                let key = self.keys_of(*a).first()?;
                Some((key.name(), label))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let t = KeyTable::default();
        assert_eq!(t.action(Key::Char('q')), Some(Action::Quit));
        assert_eq!(t.action(Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(t.action(Key::Char('j')), Some(Action::Down));
        assert_eq!(t.action(Key::BackTab), Some(Action::PrevPanel));
        assert_eq!(t.action(Key::Char('z')), None);
    }

    #[test]
    fn config_overrides_replace_defaults() {
        let mut m = BTreeMap::new();
        m.insert("quit".to_string(), "x".to_string());
        m.insert("pause".to_string(), "Ctrl-p".to_string());
        m.insert("search".to_string(), "q".to_string());
        m.insert("fly".to_string(), "f".to_string());
        m.insert("help".to_string(), "NoSuchKey".to_string());
        let t = KeyTable::from_config(&m);
        assert_eq!(t.action(Key::Char('x')), Some(Action::Quit));
        assert_eq!(t.action(Key::Char('q')), Some(Action::Search));
        assert_eq!(t.action(Key::Ctrl('p')), Some(Action::Pause));
        assert_eq!(t.action(Key::Char('p')), None);
        assert_eq!(t.action(Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(t.action(Key::Char('?')), Some(Action::Help));
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
    }

    #[test]
    fn a_key_another_action_keeps_is_a_problem_naming_both() {
        let mut m = BTreeMap::new();
        m.insert("pause".to_string(), "q".to_string());
        let t = KeyTable::from_config(&m);
        assert_eq!(t.action(Key::Char('q')), Some(Action::Quit), "quit lost its key");
        assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
        assert!(
            t.problems[0].contains("pause") && t.problems[0].contains("quit"),
            "{:?}",
            t.problems
        );
        // Two actions given one key: the second is refused.
        let mut m = BTreeMap::new();
        m.insert("pause".to_string(), "x".to_string());
        m.insert("refresh".to_string(), "x".to_string());
        let t = KeyTable::from_config(&m);
        assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
        assert!(t.problems[0].contains("refresh") && t.problems[0].contains("pause"));
        // Swapping two keys in one file is fine, in any order.
        let mut m = BTreeMap::new();
        m.insert("pause".to_string(), "r".to_string());
        m.insert("refresh".to_string(), "p".to_string());
        let t = KeyTable::from_config(&m);
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.action(Key::Char('r')), Some(Action::Pause));
        assert_eq!(t.action(Key::Char('p')), Some(Action::Refresh));
    }

    #[test]
    fn key_names_parse() {
        assert_eq!(Key::parse("PageDown"), Some(Key::PageDown));
        assert_eq!(Key::parse("ctrl-R"), Some(Key::Ctrl('r')));
        assert_eq!(Key::parse("/"), Some(Key::Char('/')));
        assert_eq!(Key::parse(""), None);
        assert_eq!(Key::parse("\u{1b}"), None);
    }
}
