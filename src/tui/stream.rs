//! A run of a portal, its answer forwarded to the app as it arrives: the
//! status with the first piece (`Msg::AnswerStarted`), the body in pieces
//! gathered from many reads (`Msg::AnswerPiece`), then the whole, indexed on
//! a worker (`Msg::Answered`), or why it stopped (`Msg::AnswerCut`). An
//! answer whole before its first piece is due goes as `Answered` alone. The
//! body is kept as `bkportals invoke` keeps it (memory, past a size a
//! private temporary file); the app holds a preview of at most
//! `PREVIEW_BYTES` beside it.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::history_hook;
use super::message::Msg;
use super::response::{AnswerHead, AnswerPiece, ResponseView};
use crate::buildkite::{ApiError, InvokeResponse, KeptAnswer, PortalClient};
use crate::history::History;
use crate::secrets::{Secret, TokenKind};

/// The most body text sent to the app while it arrives; past it only the
/// count grows until the whole is in. (The whole is shown then.)
pub const PREVIEW_BYTES: usize = 8 << 20;

/// The first piece goes as soon as this much arrived: the first screen.
const FIRST_PIECE: usize = 64 << 10;

/// Later pieces gather this much (a message a megabyte, not one a read).
const PIECE_BYTES: usize = 1 << 20;

/// Bytes that came wait at most this long to be shown (a slow answer).
const PIECE_WAIT: Duration = Duration::from_millis(30);

/// Past the preview, the count is told at most this often.
const PROGRESS_WAIT: Duration = Duration::from_millis(100);

/// Gathers the reads of a body into pieces for the app: bounded (a piece
/// holds at most `PIECE_BYTES` and a read), never one per read, and never a
/// character cut in two. Pure: the caller says when it is.
#[derive(Debug, Default)]
pub struct Pieces {
    /// Text not yet sent (within the preview).
    pending: Vec<u8>,
    received: u64,
    sent: usize,
    pieces: usize,
    /// When the oldest news not yet sent came.
    waiting_since: Option<Instant>,
}

impl Pieces {
    /// Takes a read; returns a piece to send when enough has gathered.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Option<AnswerPiece> {
        self.received += bytes.len() as u64;
        self.waiting_since.get_or_insert(now);
        let room = PREVIEW_BYTES.saturating_sub(self.sent + self.pending.len());
        if room == 0 {
            return None; // only the count: `due` says when it goes
        }
        self.pending
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        let wanted = if self.pieces == 0 {
            FIRST_PIECE
        } else {
            PIECE_BYTES
        };
        (self.pending.len() >= wanted || room <= bytes.len())
            .then(|| self.flush())
            .flatten()
    }

    /// When what gathered must go even if no more bytes come.
    pub fn due(&self) -> Option<Instant> {
        let wait = if self.sent + self.pending.len() < PREVIEW_BYTES {
            PIECE_WAIT
        } else {
            PROGRESS_WAIT
        };
        self.waiting_since.map(|since| since + wait)
    }

    /// What gathered as a piece; `None` when nothing new came.
    pub fn flush(&mut self) -> Option<AnswerPiece> {
        self.waiting_since.take()?;
        let whole = complete_characters(&self.pending);
        let text = String::from_utf8_lossy(&self.pending[..whole]).into_owned();
        self.pending.drain(..whole);
        self.sent += whole;
        self.pieces += 1;
        Some(AnswerPiece {
            text,
            received: self.received,
            complete: false,
        })
    }

    /// The last piece, once the body ended.
    pub fn finish(self) -> AnswerPiece {
        AnswerPiece {
            text: String::from_utf8_lossy(&self.pending).into_owned(),
            received: self.received,
            complete: true,
        }
    }
}

/// The length of `bytes` without a character cut at its end.
fn complete_characters(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(4) {
        let byte = bytes[len - back];
        if byte & 0xC0 == 0x80 {
            continue; // a continuation byte: its start is further back
        }
        let needs = match byte {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needs > back { len - back } else { len };
    }
    len
}

/// One run of a portal, as the app asked for it.
pub struct Invocation {
    pub slug: String,
    pub operation: Option<String>,
    pub variables: serde_json::Value,
    /// The app's number for the run: its messages carry it.
    pub run: u64,
}

/// Runs the portal with `token` (none: says a way to authorize is needed),
/// forwards the answer as it arrives, records the run in `history` and
/// indexes the whole off the event loop.
pub async fn invoke(
    portals: &PortalClient,
    invocation: Invocation,
    token: Option<(Secret, TokenKind)>,
    (history, org): (History, String),
    tx: &mpsc::UnboundedSender<Msg>,
) {
    let send = |msg| {
        let _ = tx.send(msg);
    };
    let Invocation {
        slug,
        operation,
        variables,
        run,
    } = invocation;
    let Some((token, kind)) = token else {
        let error = ApiError::Unauthorized {
            message: "no usable token is stored".into(),
            hint: "choose a way to authorize",
        };
        return send(Msg::RunFailed { slug, error });
    };
    // Until it ends, dropping this task (Esc, a new run) records it cancelled.
    let mut unfinished = history_hook::Unfinished::new(
        (history.clone(), org.clone(), slug.clone()),
        operation.clone(),
        variables.clone(),
        Some(kind),
    );
    let started = Instant::now();
    let record = |result: &Result<InvokeResponse, ApiError>| {
        let ran = history_hook::Run {
            operation: operation.as_deref(),
            variables: &variables,
            kind: Some(kind),
            took: started.elapsed(),
        };
        let entry = history_hook::entry(&ran, result);
        history_hook::record(history.clone(), org.clone(), slug.clone(), entry)
    };
    let opened = portals
        .invoke_streaming(&slug, operation.as_deref(), &variables, &token)
        .await;
    let kept = match opened {
        Ok(stream) => stream.keeping(),
        Err(error) => {
            unfinished.finished();
            let result = Err(error);
            record(&result).await;
            if let Err(error) = result {
                send(Msg::RunFailed { slug, error });
            }
            return;
        }
    };
    unfinished.status(kept.status());
    let head = AnswerHead {
        status: kept.status(),
        elapsed: kept.elapsed(),
        rate_limit: kept.rate_limit().clone(),
        ran_as: Some(kind),
    };
    // The status goes with the first piece: an answer that is whole before
    // a piece is due (most are small) is shown once, whole.
    let started = std::sync::atomic::AtomicBool::new(false);
    let mut shown = |piece: AnswerPiece| {
        unfinished.piece(&piece);
        if !started.swap(true, std::sync::atomic::Ordering::Relaxed) {
            send(Msg::AnswerStarted {
                slug: slug.clone(),
                run,
                head: Box::new(head.clone()),
            });
        }
        send(Msg::AnswerPiece {
            slug: slug.clone(),
            run,
            piece,
        });
    };
    let (kept, last) = match forward(kept, &mut shown).await {
        Ok(read) => read,
        Err(error) => {
            unfinished.finished();
            let result = Err(error);
            record(&result).await;
            if let Err(error) = result {
                send(Msg::AnswerCut { slug, run, error });
            }
            return;
        }
    };
    if started.load(std::sync::atomic::Ordering::Relaxed) {
        shown(last); // all of it is in: the view says it is being indexed
    }
    let result = finish(kept).await;
    unfinished.finished(); // before the await: the record below is on its way
    record(&result).await;
    send(match result {
        Ok(response) => answered(response, slug, run, kind).await,
        Err(error) => Msg::AnswerCut { slug, run, error },
    });
}

/// The whole answer once the last byte is in: the envelope's parse reads
/// all of it, so on a worker.
async fn finish(kept: KeptAnswer) -> Result<InvokeResponse, ApiError> {
    let finished = tokio::task::spawn_blocking(move || kept.finish()).await;
    finished.unwrap_or_else(|e| Err(ApiError::Refused(format!("it stopped: {e}"))))
}

/// The answer indexed for viewing (on a worker: it reads all of it).
async fn answered(response: InvokeResponse, slug: String, run: u64, kind: TokenKind) -> Msg {
    match tokio::task::spawn_blocking(move || ResponseView::new(response)).await {
        Ok(mut view) => {
            view.run = run;
            Msg::Answered {
                slug,
                view: Box::new(view),
                ran_as: Some(kind),
            }
        }
        Err(e) => Msg::Status(format!("Reading the answer stopped: {e}")),
    }
}

/// Reads the body to its end, handing on pieces as they gather (and what
/// gathered when no more comes for a while); the body and its last piece.
async fn forward(
    mut kept: KeptAnswer,
    mut send: impl FnMut(AnswerPiece),
) -> Result<(KeptAnswer, AnswerPiece), ApiError> {
    let mut pieces = Pieces::default();
    loop {
        let next = match pieces.due() {
            Some(due) => {
                let due = tokio::time::Instant::from_std(due);
                match tokio::time::timeout_at(due, kept.next_chunk()).await {
                    Ok(next) => next,
                    Err(_waited) => {
                        if let Some(piece) = pieces.flush() {
                            send(piece);
                        }
                        continue;
                    }
                }
            }
            None => kept.next_chunk().await,
        };
        match next {
            Ok(Some(bytes)) => {
                if let Some(piece) = pieces.push(&bytes, Instant::now()) {
                    send(piece);
                }
            }
            Ok(None) => return Ok((kept, pieces.finish())),
            Err(error) => {
                // What came before the cut is shown.
                if let Some(piece) = pieces.flush() {
                    send(piece);
                }
                return Err(error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gather_into_bounded_pieces_and_the_preview_stops_at_its_size() {
        let now = Instant::now();
        let mut pieces = Pieces::default();
        let read = vec![b'x'; 16 << 10];
        let mut sent = Vec::new();
        for _ in 0..(PREVIEW_BYTES / read.len()) + 64 {
            sent.extend(pieces.push(&read, now));
        }
        let first = &sent[0];
        assert_eq!(first.text.len(), FIRST_PIECE, "the first screen goes early");
        assert!(sent[1..].iter().all(|p| p.text.len() <= PIECE_BYTES));
        assert!(sent.len() < 12, "a piece a megabyte, not one a read");
        let shown: usize = sent.iter().map(|p| p.text.len()).sum();
        assert_eq!(shown, PREVIEW_BYTES);
        assert!(
            pieces.due().is_some(),
            "the count past the preview goes later"
        );
        let told = pieces.flush().expect("the count");
        assert_eq!(told.text, "");
        assert_eq!(
            told.received,
            (read.len() * ((PREVIEW_BYTES / read.len()) + 64)) as u64
        );
        assert_eq!(pieces.flush(), None, "nothing new");
        assert!(pieces.finish().complete);
    }

    #[test]
    fn a_character_cut_between_reads_goes_whole_in_the_next_piece() {
        let now = Instant::now();
        let mut pieces = Pieces::default();
        let text = "é".repeat(FIRST_PIECE); // two bytes each
        let bytes = text.as_bytes();
        let first = pieces
            .push(&bytes[..FIRST_PIECE + 1], now)
            .expect("a piece");
        assert_eq!(first.text.len(), FIRST_PIECE, "the half character waits");
        assert_eq!(
            pieces.push(&bytes[FIRST_PIECE + 1..FIRST_PIECE + 4], now),
            None
        );
        let next = pieces.flush().expect("the rest");
        assert_eq!(next.text, "éé");
        assert!(pieces.due().is_none(), "nothing waits");
        let last = pieces.finish();
        assert_eq!((last.text.as_str(), last.complete), ("", true));
    }
}
