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
    pub(crate) fn from_file(file: tempfile::NamedTempFile) -> std::io::Result<ResponseBody> {
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

    /// Where the body is kept when it was too large for memory.
    pub fn spilled_to(&self) -> Option<&Path> {
        match &*self.inner {
            Inner::Memory(_) => None,
            Inner::File { file, .. } => Some(file.path()),
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
