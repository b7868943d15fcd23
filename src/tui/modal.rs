//! The dialogs waiting to be shown, front first (slumber's `ModalQueue`,
//! gitui's popup stack). Only the front one takes keys. A dialog that must
//! not be displaced (the once-shown token) stays at the front: anything
//! opened meanwhile waits behind it, and only its own confirmation, handled
//! by its own module, takes it off.

use std::collections::VecDeque;

use super::dialogs::Dialog;

#[derive(Debug, Default)]
pub struct ModalQueue {
    queue: VecDeque<Dialog>,
}

impl ModalQueue {
    pub fn front(&self) -> Option<&Dialog> {
        self.queue.front()
    }

    pub fn front_mut(&mut self) -> Option<&mut Dialog> {
        self.queue.front_mut()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Dialog> {
        self.queue.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Dialog> {
        self.queue.iter_mut()
    }

    /// Shows `dialog` now, unless a pinned dialog is in front: then it is
    /// shown right after that one closes.
    pub fn open(&mut self, dialog: Dialog) {
        match self.queue.front() {
            Some(front) if front.pinned() => self.queue.insert(1, dialog),
            _ => self.queue.push_front(dialog),
        }
    }

    /// Shows `dialog` after every dialog already waiting.
    pub fn enqueue(&mut self, dialog: Dialog) {
        self.queue.push_back(dialog);
    }

    /// Takes the front dialog to hand it a key; `put_back` returns it (or
    /// what it became). Nothing else may remove a pinned dialog.
    pub fn take_front(&mut self) -> Option<Dialog> {
        self.queue.pop_front()
    }

    pub fn put_back(&mut self, dialog: Dialog) {
        self.queue.push_front(dialog);
    }

    /// Closes every dialog that matches, except pinned ones.
    pub fn close_where(&mut self, mut matches: impl FnMut(&Dialog) -> bool) {
        self.queue.retain(|d| d.pinned() || !matches(d));
    }

    pub fn any(&self, matches: impl FnMut(&Dialog) -> bool) -> bool {
        self.queue.iter().any(matches)
    }
}
