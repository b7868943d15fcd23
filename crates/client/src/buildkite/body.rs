//! A response body: in memory, or past a size (`ClientOptions::spill_bytes`)
//! in a private temporary file mapped read-only, so a huge answer is read
//! from disk by the kernel instead of held on the heap.

use std::fmt;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

#[derive(Clone)]
pub struct ResponseBody {
    inner: Arc<Inner>,
}

enum Inner {
    Memory(String),
    File {
        map: memmap2::Mmap,
        file: tempfile::NamedTempFile,
    },
}

impl ResponseBody {
    /// A spilled file as a body. Text that is not UTF-8 is read back into
    /// memory with replacement characters (rare: portals answer JSON).
    pub fn from_file(file: tempfile::NamedTempFile) -> std::io::Result<ResponseBody> {
        // SAFETY: the file is our own private temporary file; nothing else
        // writes to it or truncates it while the map lives (it is removed
        // when the body is dropped).
        let map = unsafe { memmap2::Mmap::map(file.as_file())? };
        if std::str::from_utf8(&map).is_err() {
            return Ok(ResponseBody::from(
                String::from_utf8_lossy(&map).into_owned(),
            ));
        }
        Ok(ResponseBody {
            inner: Arc::new(Inner::File { map, file }),
        })
    }

    pub fn as_str(&self) -> &str {
        match &*self.inner {
            Inner::Memory(text) => text,
            // Checked to be UTF-8 in `from_file`, and the map never changes.
            Inner::File { map, .. } => std::str::from_utf8(map).unwrap_or_default(),
        }
    }

    /// Adds `text` to the end: for a body that arrives piece by piece (the
    /// app's view of an answer still coming). In place when the body is in
    /// memory and not shared; otherwise (never in the app) into a new one.
    pub fn append(&mut self, text: &str) {
        if let Some(Inner::Memory(kept)) = Arc::get_mut(&mut self.inner) {
            kept.push_str(text);
            return;
        }
        let mut whole = String::with_capacity(self.len() + text.len());
        whole.push_str(self);
        whole.push_str(text);
        *self = ResponseBody::from(whole);
    }

    /// Where the body is kept when it was too large for memory.
    pub fn spilled_to(&self) -> Option<&Path> {
        match &*self.inner {
            Inner::Memory(_) => None,
            Inner::File { file, .. } => Some(file.path()),
        }
    }
}

/// Collects a body as it arrives: in memory up to `spill_bytes`, then in a
/// private temporary file, refusing anything past `limit` bytes.
pub(crate) struct BodyCollector {
    memory: Vec<u8>,
    file: Option<tempfile::NamedTempFile>,
    total: u64,
    spill_bytes: usize,
    limit: u64,
}

/// Why a body could not be kept.
pub(crate) enum Uncollected {
    TooLarge,
    Disk(std::io::Error),
}

impl BodyCollector {
    pub fn new(spill_bytes: usize, limit: u64) -> BodyCollector {
        BodyCollector {
            memory: Vec::new(),
            file: None,
            total: 0,
            spill_bytes,
            limit,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Uncollected> {
        use std::io::Write;
        self.total += chunk.len() as u64;
        if self.total > self.limit {
            return Err(Uncollected::TooLarge);
        }
        match &mut self.file {
            Some(file) => file.write_all(chunk).map_err(Uncollected::Disk),
            None if self.memory.len() + chunk.len() > self.spill_bytes => {
                let mut spilled = tempfile::Builder::new()
                    .prefix("bkportals-answer-")
                    .suffix(".json")
                    .tempfile()
                    .map_err(Uncollected::Disk)?;
                spilled.write_all(&self.memory).map_err(Uncollected::Disk)?;
                spilled.write_all(chunk).map_err(Uncollected::Disk)?;
                self.memory = Vec::new();
                self.file = Some(spilled);
                Ok(())
            }
            None => {
                self.memory.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<ResponseBody, Uncollected> {
        use std::io::Write;
        match self.file {
            Some(mut file) => {
                file.flush().map_err(Uncollected::Disk)?;
                ResponseBody::from_file(file).map_err(Uncollected::Disk)
            }
            // No copy of the body unless it is not valid UTF-8.
            None => Ok(ResponseBody::from(
                String::from_utf8(self.memory)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )),
        }
    }
}

impl From<String> for ResponseBody {
    fn from(text: String) -> ResponseBody {
        ResponseBody {
            inner: Arc::new(Inner::Memory(text)),
        }
    }
}

impl From<&str> for ResponseBody {
    fn from(text: &str) -> ResponseBody {
        ResponseBody::from(text.to_owned())
    }
}

impl Deref for ResponseBody {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for ResponseBody {
    // A body may be hundreds of megabytes: say what it is, not what it holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.spilled_to() {
            Some(path) => write!(
                f,
                "ResponseBody({} bytes in {})",
                self.len(),
                path.display()
            ),
            None => write!(f, "ResponseBody({} bytes)", self.len()),
        }
    }
}

impl fmt::Display for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_grows_a_body_in_place_and_leaves_a_shared_one_as_it_was() {
        let mut body = ResponseBody::from("{\"a\":");
        body.append("1}");
        assert_eq!(body.as_str(), "{\"a\":1}");
        let shared = body.clone();
        body.append(" ");
        assert_eq!(body.as_str(), "{\"a\":1} ");
        assert_eq!(
            shared.as_str(),
            "{\"a\":1}",
            "a copy given out does not change"
        );
    }
}
