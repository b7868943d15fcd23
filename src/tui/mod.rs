//! The interactive app: terminal setup and restore, and the event loop.
//!
//! Elm-style: terminal events and results of background work arrive as `Msg`,
//! `App::update` returns `Command`s, the runtime performs them on tasks. The
//! screen is drawn only after something changed, and only once the queue of
//! pending messages is empty; the spinner clock runs only while loading, so an
//! idle app does no work at all.

pub mod app;
pub mod message;
pub mod view;

use std::io::Stdout;
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::buildkite::RestClient;
use app::{App, Loading};
use message::{Command, Msg};

/// Runs the app until the user quits or the process is asked to stop.
pub async fn run(rest: RestClient, stored_tokens: Vec<String>) -> std::io::Result<()> {
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, rest, stored_tokens).await;
    leave();
    result
}

fn enter() -> std::io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous_hook(info);
    }));
    enable_raw_mode()?;
    let mut stdout = std::io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture) {
        leave();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(stdout))
}

/// Gives the terminal back as it was; safe to call more than once.
fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Performs commands on tasks; a new load cancels the one in flight.
struct Runtime {
    rest: RestClient,
    tx: mpsc::UnboundedSender<Msg>,
    load: Option<JoinHandle<()>>,
}

impl Runtime {
    fn perform(&mut self, command: Command) {
        match command {
            Command::LoadPortals => {
                if let Some(previous) = self.load.take() {
                    previous.abort();
                }
                let rest = self.rest.clone();
                let tx = self.tx.clone();
                self.load = Some(tokio::spawn(async move {
                    let result = rest
                        .list_pages(|page| {
                            let _ = tx.send(Msg::PortalsPage(page));
                        })
                        .await;
                    let _ = tx.send(match result {
                        Ok(()) => Msg::PortalsLoaded,
                        Err(e) => Msg::LoadFailed(e.to_string()),
                    });
                }));
            }
        }
    }
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    rest: RestClient,
    stored_tokens: Vec<String>,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut app = App::new(rest.organization(), stored_tokens);
    let mut runtime = Runtime {
        rest,
        tx,
        load: None,
    };
    for command in app.init() {
        runtime.perform(command);
    }
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    let (stop_tx, mut stop) = mpsc::channel(1);
    listen_for_stop_signals(&stop_tx);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|frame| view::draw(frame, &app))?;
            dirty = false;
        }
        let msg = tokio::select! {
            biased;
            _ = stop.recv() => break,
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) if mouse.kind != MouseEventKind::Moved => Msg::Mouse(mouse),
                Some(Ok(Event::Resize(..))) => Msg::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = spinner.tick(), if app.loading == Loading::InFlight => Msg::Tick,
        };
        let mut commands = app.update(msg);
        // Apply everything already queued before drawing once.
        while let Ok(msg) = rx.try_recv() {
            commands.extend(app.update(msg));
        }
        for command in commands {
            runtime.perform(command);
        }
        dirty = true;
        if app.quit {
            break;
        }
    }
    Ok(())
}

/// SIGTERM and SIGHUP end the app cleanly (the terminal is restored).
fn listen_for_stop_signals(tx: &mpsc::Sender<()>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        for kind in [SignalKind::terminate(), SignalKind::hangup()] {
            if let Ok(mut stream) = signal(kind) {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if stream.recv().await.is_some() {
                        let _ = tx.send(()).await;
                    }
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tx;
}
