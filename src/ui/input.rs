//! Keyboard input: a thread reads the terminal's bytes and decodes them into keys.
//!
//! The dashboard reads stdin itself rather than through crossterm's event reader,
//! because that reader retries forever when the terminal hangs up (read returns 0
//! or EIO), spinning a core on a dropped SSH session. Here end of input or a read
//! error ends the thread and tells the main loop, which exits.

use std::io::Read;
use std::sync::mpsc::Sender;

use super::event::Event;
use super::keys::Key;

/// Decodes terminal input bytes into keys. Keeps an incomplete escape sequence or
/// UTF-8 character for the next chunk; a lone ESC at the end of a chunk is the Esc
/// key (terminals send a whole sequence in one write).
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

impl Decoder {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(bytes);
        let mut keys = Vec::new();
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            match b {
                0x1b => match buf.get(i + 1) {
                    None => {
                        keys.push(Key::Esc);
                        i += 1;
                    }
                    Some(b'[') | Some(b'O') => match parse_sequence(&buf[i..]) {
                        Seq::Key(k, len) => {
                            keys.extend(k);
                            i += len;
                        }
                        Seq::Incomplete => {
                            self.pending = buf[i..].to_vec();
                            return keys;
                        }
                    },
                    Some(0x1b) => {
                        keys.push(Key::Esc);
                        i += 1;
                    }
                    Some(b']') if buf.get(i + 2).is_some_and(u8::is_ascii_digit) => {
                        // A terminal's report (the answer to the background query
                        // arriving late): never keys. It ends with BEL or ESC \.
                        let body = &buf[i + 2..];
                        match body.iter().position(|b| *b == 0x07 || *b == 0x1b) {
                            Some(end) if body[end] == 0x07 => i += 2 + end + 1,
                            Some(end) if body.get(end + 1) == Some(&b'\\') => i += 2 + end + 2,
                            Some(end) if end + 1 < body.len() => i += 2 + end,
                            _ if body.len() < 256 => {
                                self.pending = buf[i..].to_vec();
                                return keys;
                            }
                            _ => i = buf.len(),
                        }
                    }
                    Some(_) => {
                        // ESC then a key typed quickly (or Alt+key): Esc, then the key.
                        keys.push(Key::Esc);
                        i += 1;
                    }
                },
                b'\r' | b'\n' => {
                    keys.push(Key::Enter);
                    i += 1;
                }
                b'\t' => {
                    keys.push(Key::Tab);
                    i += 1;
                }
                0x7f | 0x08 => {
                    keys.push(Key::Backspace);
                    i += 1;
                }
                0x01..=0x1a => {
                    keys.push(Key::Ctrl((b'a' + b - 1) as char));
                    i += 1;
                }
                0x00 | 0x1c..=0x1f => i += 1,
                _ => {
                    let len = utf8_len(b);
                    if i + len > buf.len() {
                        self.pending = buf[i..].to_vec();
                        return keys;
                    }
                    if let Ok(s) = std::str::from_utf8(&buf[i..i + len]) {
                        keys.extend(s.chars().filter(|c| !c.is_control()).map(Key::Char));
                    }
                    i += len.max(1);
                }
            }
        }
        keys
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

enum Seq {
    /// The key (None: a sequence we ignore) and the sequence's length.
    Key(Option<Key>, usize),
    Incomplete,
}

/// Parses `ESC [ params final` or `ESC O final` at the start of `b`.
fn parse_sequence(b: &[u8]) -> Seq {
    if b.get(1) == Some(&b'O') {
        return match b.get(2) {
            None => Seq::Incomplete,
            Some(f) => Seq::Key(final_key(*f, None), 3),
        };
    }
    // CSI: parameter bytes 0x30–0x3f, intermediates 0x20–0x2f, a final 0x40–0x7e.
    let mut j = 2;
    while let Some(&c) = b.get(j) {
        if (0x40..=0x7e).contains(&c) {
            let params = std::str::from_utf8(&b[2..j]).unwrap_or("");
            let first: Option<u32> = params.split(';').next().and_then(|p| p.parse().ok());
            return Seq::Key(final_key(c, first), j + 1);
        }
        if !(0x20..=0x3f).contains(&c) {
            // Not a sequence after all: drop the ESC [ and go on.
            return Seq::Key(None, j);
        }
        j += 1;
        if j > 32 {
            return Seq::Key(None, j);
        }
    }
    Seq::Incomplete
}

fn final_key(f: u8, param: Option<u32>) -> Option<Key> {
    Some(match (f, param) {
        (b'A', _) => Key::Up,
        (b'B', _) => Key::Down,
        (b'C', _) => Key::Right,
        (b'D', _) => Key::Left,
        (b'H', _) => Key::Home,
        (b'F', _) => Key::End,
        (b'Z', _) => Key::BackTab,
        (b'~', Some(1) | Some(7)) => Key::Home,
        (b'~', Some(4) | Some(8)) => Key::End,
        (b'~', Some(3)) => Key::Delete,
        (b'~', Some(5)) => Key::PageUp,
        (b'~', Some(6)) => Key::PageDown,
        _ => return None,
    })
}

/// Reads stdin until it ends or fails, sending keys; then sends `InputClosed`.
pub fn spawn(tx: Sender<Event>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("yardtop-input".into())
        .spawn(move || {
            let mut stdin = std::io::stdin();
            let mut dec = Decoder::default();
            let mut buf = [0u8; 1024];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        for k in dec.feed(&buf[..n]) {
                            if tx.send(Event::Key(k)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = tx.send(Event::InputClosed);
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(b: &[u8]) -> Vec<Key> {
        Decoder::default().feed(b)
    }

    #[test]
    fn a_late_background_report_is_no_keys() {
        assert_eq!(keys(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\q"), [Key::Char('q')]);
        assert_eq!(keys(b"\x1b]11;rgb:0000/0000/0000\x07j"), [Key::Char('j')]);
        let mut d = Decoder::default();
        assert_eq!(d.feed(b"\x1b]11;rgb:ff"), []);
        assert_eq!(d.feed(b"ff/ffff/ffff\x1b\\/"), [Key::Char('/')]);
        // Alt-] is still Esc and ].
        assert_eq!(keys(b"\x1b]"), [Key::Esc, Key::Char(']')]);
    }

    #[test]
    fn decodes_keys() {
        assert_eq!(keys(b"q"), [Key::Char('q')]);
        assert_eq!(keys(b"\x1b"), [Key::Esc]);
        assert_eq!(keys(b"\x1b[A\x1b[B\x1bOC"), [Key::Up, Key::Down, Key::Right]);
        assert_eq!(
            keys(b"\x1b[5~\x1b[6~\x1b[Z"),
            [Key::PageUp, Key::PageDown, Key::BackTab]
        );
        assert_eq!(keys(b"\x1b[1;5A"), [Key::Up]);
        assert_eq!(
            keys(b"\r\t\x03\x7f"),
            [Key::Enter, Key::Tab, Key::Ctrl('c'), Key::Backspace]
        );
        assert_eq!(keys("海".as_bytes()), [Key::Char('海')]);
        assert_eq!(keys(b"\x1bq"), [Key::Esc, Key::Char('q')]);
        assert_eq!(keys(b"\x1b[200~x"), [Key::Char('x')]);
    }

    #[test]
    fn split_sequences_wait_for_the_rest() {
        let mut d = Decoder::default();
        assert_eq!(d.feed(b"\x1b["), []);
        assert_eq!(d.feed(b"6~"), [Key::PageDown]);
        let bytes = "海".as_bytes();
        assert_eq!(d.feed(&bytes[..1]), []);
        assert_eq!(d.feed(&bytes[1..]), [Key::Char('海')]);
    }
}
