//! Echo off while a token is typed, and back on by every way out: the end of
//! the line, an error, a panic (`Drop`), and the signals that end a process
//! (Ctrl-C's SIGINT, SIGTERM, SIGHUP, SIGQUIT), whose default action would
//! hand the shell a terminal that shows nothing typed. Ctrl-Z (SIGTSTP)
//! gives echo back for as long as the process is stopped, and takes it away
//! again when the shell resumes it (`fg`).

use std::cell::UnsafeCell;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

const STOP_SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The settings a signal handler puts back. A handler may not lock, so they
/// sit in a plain cell, written only while [`ARMED`] is false (one prompt at
/// a time, on one thread) and read by the handler only while it is true.
struct SavedModes(UnsafeCell<MaybeUninit<libc::termios>>);

// SAFETY: see the type's comment; ARMED orders the writes before the reads.
unsafe impl Sync for SavedModes {}

static SAVED: SavedModes = SavedModes(UnsafeCell::new(MaybeUninit::uninit()));
static SAVED_FD: AtomicI32 = AtomicI32::new(-1);
static ARMED: AtomicBool = AtomicBool::new(false);

/// The terminal on `fd` with echo off until [`EchoOff::restore`] or drop.
pub(super) struct EchoOff {
    fd: RawFd,
    saved: libc::termios,
    /// The signals given our handler, with what they had before.
    handled: Vec<(libc::c_int, libc::sigaction)>,
    active: bool,
}

impl EchoOff {
    /// Turns echo off on `fd` (a terminal); Enter still ends the line.
    pub(super) fn on(fd: RawFd) -> io::Result<EchoOff> {
        let mut saved = MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills `saved` when it returns 0.
        if unsafe { libc::tcgetattr(fd, saved.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: initialised by the successful tcgetattr above.
        let saved = unsafe { saved.assume_init() };
        if ARMED.load(Ordering::SeqCst) {
            return Err(io::Error::other(
                "another prompt already holds the terminal",
            ));
        }
        // SAFETY: not armed, so no handler reads the cell while it is written.
        unsafe { (*SAVED.0.get()).write(saved) };
        SAVED_FD.store(fd, Ordering::SeqCst);
        ARMED.store(true, Ordering::SeqCst);
        let mut guard = EchoOff {
            fd,
            saved,
            handled: Vec::new(),
            active: true,
        };
        let ending = restore_then_stop as extern "C" fn(libc::c_int);
        guard.handled = STOP_SIGNALS
            .into_iter()
            .filter_map(|signal| take_if_default(signal, ending))
            .collect();
        guard
            .handled
            .extend(take_if_default(libc::SIGTSTP, echo_while_stopped));
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        // SAFETY: a valid termios for a descriptor we were given.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(guard)
    }

    /// Gives the terminal its settings back, saying whether that worked.
    pub(super) fn restore(mut self) -> io::Result<()> {
        self.give_back()
    }

    fn give_back(&mut self) -> io::Result<()> {
        if !std::mem::replace(&mut self.active, false) {
            return Ok(());
        }
        // SAFETY: the settings read from this descriptor at the start.
        let restored = if unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        };
        // The terminal first, then the handlers: a signal in between finds
        // nothing armed and ends the process as it would have anyway.
        ARMED.store(false, Ordering::SeqCst);
        for (signal, previous) in self.handled.drain(..) {
            // SAFETY: `previous` is what sigaction reported for `signal`.
            unsafe { libc::sigaction(signal, &previous, std::ptr::null_mut()) };
        }
        restored
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        let _ = self.give_back();
    }
}

/// Gives `signal` the `handler` when it has its default action (one that is
/// ignored, or handled by someone else, is left as it is), returning what it
/// had.
fn take_if_default(
    signal: libc::c_int,
    handler: extern "C" fn(libc::c_int),
) -> Option<(libc::c_int, libc::sigaction)> {
    // SAFETY: plain sigaction calls with initialised structures; the
    // handlers only make async-signal-safe calls.
    unsafe {
        let mut previous = MaybeUninit::<libc::sigaction>::zeroed().assume_init();
        if libc::sigaction(signal, std::ptr::null(), &mut previous) != 0
            || previous.sa_sigaction != libc::SIG_DFL
        {
            return None;
        }
        install(signal, handler).then_some((signal, previous))
    }
}

/// `handler` for `signal`, every other signal held off while it runs.
/// Async-signal-safe (the stop handler calls it again on resume).
fn install(signal: libc::c_int, handler: extern "C" fn(libc::c_int)) -> bool {
    // SAFETY: an initialised sigaction structure; sigaction, sigfillset are
    // async-signal-safe.
    unsafe {
        let mut ours = MaybeUninit::<libc::sigaction>::zeroed().assume_init();
        ours.sa_sigaction = handler as libc::sighandler_t;
        libc::sigfillset(&mut ours.sa_mask);
        libc::sigaction(signal, &ours, std::ptr::null_mut()) == 0
    }
}

/// Said when the shell resumes the prompt: what was typed before Ctrl-Z was
/// dropped by the terminal, and the prompt itself scrolled away.
const RESUMED: &[u8] = b"(resumed) Type the token again (input hidden): ";

/// Ctrl-Z: the saved settings back (echo on) while stopped, the stop itself
/// as its default action does it, and on resume echo off again and this
/// handler back in place.
extern "C" fn echo_while_stopped(signal: libc::c_int) {
    // SAFETY: tcsetattr, write, sigaction, pthread_sigmask and raise are
    // async-signal-safe; the cell holds settings whenever ARMED is true.
    unsafe {
        let armed = ARMED.load(Ordering::SeqCst);
        let fd = SAVED_FD.load(Ordering::SeqCst);
        if armed {
            libc::tcsetattr(fd, libc::TCSANOW, (*SAVED.0.get()).as_ptr());
            libc::write(2, b"\n".as_ptr().cast(), 1);
        }
        libc::signal(signal, libc::SIG_DFL);
        let mut only_this = MaybeUninit::<libc::sigset_t>::zeroed().assume_init();
        libc::sigemptyset(&mut only_this);
        libc::sigaddset(&mut only_this, signal);
        let mut held = MaybeUninit::<libc::sigset_t>::zeroed().assume_init();
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &only_this, &mut held);
        libc::raise(signal); // stopped here until SIGCONT
        libc::pthread_sigmask(libc::SIG_SETMASK, &held, std::ptr::null_mut());
        if armed && ARMED.load(Ordering::SeqCst) {
            install(signal, echo_while_stopped);
            let mut quiet = *(*SAVED.0.get()).as_ptr();
            quiet.c_lflag &= !libc::ECHO;
            libc::tcsetattr(fd, libc::TCSANOW, &quiet);
            libc::write(2, RESUMED.as_ptr().cast(), RESUMED.len());
        }
    }
}

/// Puts the saved settings back, then lets the signal end the process with
/// its default action, as it would have without a prompt (so the shell
/// still sees a command stopped by Ctrl-C).
extern "C" fn restore_then_stop(signal: libc::c_int) {
    // SAFETY: tcsetattr, write, signal and raise are async-signal-safe; the
    // cell holds settings whenever ARMED is true.
    unsafe {
        if ARMED.load(Ordering::SeqCst) {
            libc::tcsetattr(
                SAVED_FD.load(Ordering::SeqCst),
                libc::TCSANOW,
                (*SAVED.0.get()).as_ptr(),
            );
            // The shell's prompt on a line of its own, not after ours.
            libc::write(2, b"\n".as_ptr().cast(), 1);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}
