//! The one event type of the dashboard's loop, and the small threads that produce
//! events: the clock tick and the signals. (Keys come from `input`, data from
//! `reader`.)

use std::sync::mpsc::Sender;
use std::time::Duration;

use chrono::Utc;
use signal_hook::consts::signal::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};
use signal_hook::iterator::{Handle, Signals};

use super::keys::Key;
use super::reader::ReaderMsg;

#[derive(Debug)]
pub enum Event {
    Key(Key),
    /// The terminal changed size (SIGWINCH).
    Resize,
    /// The clock ticked (once a second by default): clock and countdowns.
    Tick,
    /// Fresh data or a state change from the reader of yard N (0 for a single yard).
    Reader(usize, ReaderMsg),
    /// A signal: SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT.
    Signal(i32),
    /// The terminal's input ended or failed (the terminal went away).
    InputClosed,
    /// A thread failed; the dashboard must end with this message.
    Fatal(String),
}

/// Sends `Tick` every `interval`, aligned to the wall clock's whole seconds so the
/// clock on screen turns with the real one. Ends when the loop is gone.
pub fn spawn_ticker(tx: Sender<Event>, interval: Duration) -> std::io::Result<()> {
    let interval_ms = interval.as_millis().clamp(250, 10_000) as i64;
    std::thread::Builder::new()
        .name("yardtop-tick".into())
        .spawn(move || loop {
            let now_ms = Utc::now().timestamp_millis();
            let wait = interval_ms - now_ms.rem_euclid(interval_ms);
            std::thread::sleep(Duration::from_millis(wait.max(1) as u64 + 2));
            if tx.send(Event::Tick).is_err() {
                return;
            }
        })
        .map(|_| ())
}

/// Forwards signals to the loop. Returns a handle that stops the thread.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<Handle> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH])?;
    let handle = signals.handle();
    std::thread::Builder::new()
        .name("yardtop-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                let ev = if sig == SIGWINCH {
                    Event::Resize
                } else {
                    Event::Signal(sig)
                };
                if tx.send(ev).is_err() {
                    return;
                }
            }
        })?;
    Ok(handle)
}
