//! The terminal the app runs in: the `Console` the event loop draws on and
//! reads from, taking the terminal and giving it back exactly as it was (on
//! quit, panic, SIGINT, SIGQUIT, SIGTERM and SIGHUP, and around `$EDITOR`),
//! and the stop signals.

use std::future::Future;
use std::io::{self, BufWriter, Stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures_util::StreamExt;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::Terminal;
use tokio::sync::mpsc;

use super::clipboard::Clipboard;

/// What the event loop needs from a terminal: somewhere to draw, events to
/// read, and the few things only a real terminal does. The app runs on
/// [`Tty`]; tests run the same loop on a `TestBackend` and scripted events.
pub trait Console {
    type Backend: Backend;

    fn terminal(&mut self) -> &mut Terminal<Self::Backend>;

    /// The next terminal event, or `None` once input has ended. The loop
    /// selects over it, so a dropped future must lose no event.
    fn next_event(&mut self) -> impl Future<Output = Option<io::Result<Event>>>;

    /// Lends the terminal to `$EDITOR` on a copy of `text` and takes it back;
    /// the inner result is the edited text, or why there is none.
    fn edit_externally(&mut self, text: &str) -> io::Result<Result<String, String>>;

    /// Copies `text` to the clipboard; says how it went.
    fn copy(&mut self, text: &str) -> String;
}

/// The process's own terminal: raw mode, the alternate screen, mouse capture
/// and bracketed paste while the app runs.
pub struct Tty {
    terminal: Terminal<CrosstermBackend<Screen>>,
    /// None while `$EDITOR` runs: nothing here may read its keys.
    events: Option<EventStream>,
    clipboard: Clipboard,
}

impl Tty {
    /// Takes the terminal. From here on every way out gives it back: dropping
    /// the `Tty`, and a panic anywhere (see [`on_panic`]).
    pub fn enter() -> io::Result<Tty> {
        original::save();
        on_panic::install();
        take()?;
        Ok(Tty {
            terminal: Terminal::new(CrosstermBackend::new(screen()))?,
            events: None,
            clipboard: Clipboard::new(),
        })
    }
}

/// A panic on the event loop's thread ends the process: the terminal is
/// given back before the message is printed. A panic in a task would leave
/// the app running on a terminal it no longer holds, so it stops the app
/// instead, as a signal does (drafts written), and the message is printed
/// once the terminal is back.
mod on_panic {
    use std::sync::{Mutex, OnceLock};
    use std::thread::ThreadId;

    static LOOP_THREAD: OnceLock<ThreadId> = OnceLock::new();
    static MESSAGE: Mutex<Option<String>> = Mutex::new(None);
    pub(super) static STOP: tokio::sync::Notify = tokio::sync::Notify::const_new();

    pub fn install() {
        if LOOP_THREAD.set(std::thread::current().id()).is_err() {
            return; // installed already
        }
        let previous_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if Some(&std::thread::current().id()) == LOOP_THREAD.get() {
                super::leave();
                previous_hook(info);
            } else {
                let mut message = MESSAGE.lock().unwrap_or_else(|e| e.into_inner());
                message.get_or_insert_with(|| format!("bkportals stopped: {info}"));
                STOP.notify_one();
            }
        }));
    }

    /// The message of a task's panic, once.
    pub fn take_message() -> Option<String> {
        MESSAGE.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Prints what made the app stop, if a task panicked; the exit code for it.
pub fn report_panic() -> Option<u8> {
    let message = on_panic::take_message()?;
    eprintln!("{message}");
    Some(101)
}

impl Drop for Tty {
    fn drop(&mut self) {
        leave();
    }
}

impl Console for Tty {
    type Backend = CrosstermBackend<Screen>;

    fn terminal(&mut self) -> &mut Terminal<Self::Backend> {
        &mut self.terminal
    }

    fn next_event(&mut self) -> impl Future<Output = Option<io::Result<Event>>> {
        self.events.get_or_insert_with(EventStream::new).next()
    }

    fn edit_externally(&mut self, text: &str) -> io::Result<Result<String, String>> {
        // The editor reads the keys now: stop reading them here.
        self.events = None;
        leave();
        let result = run_editor(text);
        // Whatever the editor left (raw, no echo, killed halfway), the app
        // starts again from the user's settings.
        take()?;
        // A new terminal redraws everything (`clear` would ask the terminal
        // for the cursor position, which not all answer).
        self.terminal = Terminal::new(CrosstermBackend::new(screen()))?;
        Ok(result)
    }

    fn copy(&mut self, text: &str) -> String {
        self.clipboard.copy(text)
    }
}

/// What a frame is written to: a frame leaves in one write, not in one a
/// kilobyte (standard output's own buffer), and the terminal reads it whole.
type Screen = BufWriter<Stdout>;

fn screen() -> Screen {
    // A full frame of a large screen, escapes and all, fits.
    BufWriter::with_capacity(256 * 1024, io::stdout())
}

/// Raw mode, the alternate screen, mouse capture, bracketed paste.
fn take() -> io::Result<()> {
    original::restore();
    enable_raw_mode()?;
    let result = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    if result.is_err() {
        leave();
    }
    result
}

/// Gives the terminal back as it was when the app started; safe to call
/// more than once, and from a panic.
fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    // Raw mode is undone from the settings crossterm saw when it last turned
    // it on, which `$EDITOR` may have left raw: put back the user's own.
    original::restore();
}

/// The terminal settings the user had before the app changed anything.
#[cfg(unix)]
mod original {
    use std::sync::OnceLock;

    use rustix::termios::{tcgetattr, tcsetattr, OptionalActions, Termios};

    static ORIGINAL: OnceLock<Option<Termios>> = OnceLock::new();

    /// The terminal crossterm changes: standard input when it is one, else
    /// the controlling terminal.
    fn with_tty<R>(call: impl FnOnce(rustix::fd::BorrowedFd<'_>) -> R) -> Option<R> {
        let stdin = rustix::stdio::stdin();
        if rustix::termios::isatty(stdin) {
            return Some(call(stdin));
        }
        let tty = std::fs::File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        Some(call(std::os::fd::AsFd::as_fd(&tty)))
    }

    /// Keeps the settings of now, once per process (the first start counts).
    pub fn save() {
        ORIGINAL.get_or_init(|| with_tty(|fd| tcgetattr(fd).ok()).flatten());
    }

    pub fn restore() {
        if let Some(Some(original)) = ORIGINAL.get() {
            // At once: waiting for output to drain could hang on a terminal
            // that is gone (SIGHUP).
            with_tty(|fd| tcsetattr(fd, OptionalActions::Now, original));
        }
    }
}

#[cfg(not(unix))]
mod original {
    pub fn save() {}
    pub fn restore() {}
}

/// Runs `$VISUAL`, `$EDITOR` or `vi` on a temporary copy of `text`.
fn run_editor(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let file = tempfile::Builder::new()
        .prefix("portal-")
        .suffix(".graphql")
        .tempfile()
        .map_err(|e| format!("could not make a temporary file: {e}"))?;
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status()
        .map_err(|e| format!("{editor}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{editor} exited with {status}; the document is unchanged"
        ));
    }
    std::fs::read_to_string(file.path()).map_err(|e| e.to_string())
}

/// SIGINT, SIGQUIT, SIGTERM and SIGHUP. Each ends the app as quitting does
/// (pending drafts written, the terminal given back), and the process exits
/// with 128 + the signal's number, as a shell reports a command it stopped.
/// (In raw mode Ctrl-c is a key, not a signal: these come from `kill`, a
/// closed terminal, or a supervisor.)
pub struct StopSignals {
    received: mpsc::Receiver<u8>,
}

impl StopSignals {
    /// Starts listening; call before taking the terminal, so that no signal
    /// can end the process with the terminal still raw.
    pub fn listen() -> StopSignals {
        let (tx, received) = mpsc::channel(1);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            // The numbers are the same on every Unix.
            let signals = [
                (SignalKind::interrupt(), 2),
                (SignalKind::quit(), 3),
                (SignalKind::terminate(), 15),
                (SignalKind::hangup(), 1),
            ];
            for (kind, number) in signals {
                if let Ok(mut stream) = signal(kind) {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        if stream.recv().await.is_some() {
                            let _ = tx.send(128 + number).await;
                        }
                    });
                }
            }
        }
        drop(tx);
        StopSignals { received }
    }

    /// The exit code of the first signal (or 101 after a task's panic);
    /// pending forever when neither can come.
    pub async fn first(mut self) -> u8 {
        let signal = async {
            match self.received.recv().await {
                Some(code) => code,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            code = signal => code,
            () = on_panic::STOP.notified() => 101,
        }
    }
}
