//! What happened (`Msg`) and what to do next (`Command`).

use crossterm::event::{KeyEvent, MouseEvent};

use crate::buildkite::Portal;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize,
    /// The spinner's clock; sent only while a request is in flight.
    Tick,
    PortalsPage(Vec<Portal>),
    PortalsLoaded,
    LoadFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    LoadPortals,
}
