//! The real binary in a pseudo-terminal, driven by keys, read from a vt100
//! screen; and the terminal's settings (termios), read from outside.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, MasterPty, PtySize, SlavePty};

use crate::common;

pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const CTRL_S: &str = "\x13";
pub const CTRL_R: &str = "\x12";
pub const CTRL_C: &str = "\x03";
pub const DOWN: &str = "\x1b[B";
pub const END: &str = "\x1b[F";
pub const BACKSPACE: &str = "\x7f";

pub struct App {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    master: Box<dyn MasterPty + Send>,
    /// Held open, so the terminal's settings can still be read once the app
    /// has exited, as the next program in that terminal would find them.
    slave: Option<Box<dyn SlavePty + Send>>,
    /// The terminal's settings before the app started.
    #[cfg(unix)]
    pub initial_modes: Modes,
    home: Option<tempfile::TempDir>,
}

impl App {
    pub fn start() -> App {
        App::start_with(&[])
    }

    pub fn start_with(env: &[(&str, &str)]) -> App {
        App::launch(&["--demo"], env)
    }

    /// The app against a `bkportals sandbox` process, with a file token store.
    pub fn against(sandbox: &common::SandboxProcess) -> App {
        let mut env: Vec<(&str, &str)> = sandbox
            .exports
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.push(("BKPORTALS_TOKEN_STORE", "file"));
        App::launch(&[], &env)
    }

    pub fn launch(args: &[&str], env: &[(&str, &str)]) -> App {
        let home = tempfile::tempdir().unwrap();
        let mut app = App::launch_in(home.path(), args, env);
        app.home = Some(home);
        app
    }

    /// Runs in `home`, so a later run finds what this one left there.
    pub fn launch_in(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> App {
        App::run_in(home, common::BIN, args, env)
    }

    /// `program` (a shell around bkportals, say) in the terminal, in `home`.
    pub fn run_in(
        home: &std::path::Path,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> App {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 140,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env("HOME", home);
        command.env("XDG_CONFIG_HOME", home.join("config"));
        command.env("XDG_DATA_HOME", home.join("data"));
        command.env("XDG_CACHE_HOME", home.join("cache"));
        command.env_remove("DISPLAY");
        command.env_remove("WAYLAND_DISPLAY");
        for (name, value) in env {
            command.env(name, value);
        }
        #[cfg(unix)]
        let initial_modes = Modes::of(pty.master.as_ref());
        let child = pty.slave.spawn_command(command).expect("bkportals starts");
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                raw_in.lock().unwrap().extend_from_slice(&buffer[..n]);
                screen_in.lock().unwrap().process(&buffer[..n]);
            }
        });
        App {
            child,
            writer,
            screen,
            raw,
            master: pty.master,
            slave: Some(pty.slave),
            #[cfg(unix)]
            initial_modes,
            home: None,
        }
    }

    /// The home directory the app was started in by `launch`.
    pub fn home(&self) -> &std::path::Path {
        self.home.as_ref().expect("started by launch").path()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the app's process id")
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The terminal's settings now.
    #[cfg(unix)]
    pub fn modes(&self) -> Modes {
        Modes::of(self.master.as_ref())
    }

    /// Waits until the screen shows `wanted`; fails with the screen otherwise.
    pub fn wait_for(&self, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if self.text().contains(wanted) {
                // A frame arrives in pieces: let this one finish.
                std::thread::sleep(Duration::from_millis(100));
                return self.text();
            }
            let text = self.text();
            assert!(
                Instant::now() < deadline,
                "the screen never showed {wanted:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn wait_until_gone(&self, unwanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = self.text();
            if !text.contains(unwanted) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "the screen kept showing {unwanted:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // A lone ESC must not merge with the next key into an Alt sequence.
        std::thread::sleep(Duration::from_millis(if keys == ESC { 150 } else { 40 }));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    /// From the list, opens who-am-i's document and types `text` at the end
    /// of its fifth line; returns once the edit shows as unsaved.
    pub fn type_into_who_am_i(&mut self, text: &str) {
        self.send(END); // who-am-i
        self.send(ENTER);
        for _ in 0..4 {
            self.send(DOWN);
        }
        self.send(END);
        self.type_text(text);
        self.wait_for("● modified");
    }

    /// Waits for the app to exit; its status, once all its output is read.
    pub fn wait_for_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // What it wrote last is in the terminal already: let the
                // reader take it in.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "bkportals did not exit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn quit(mut self) {
        self.send(ESC); // back to the list, where q quits
        self.send("q");
        let status = self.wait_for_exit();
        assert!(status.success(), "bkportals exited with {status:?}");
        #[cfg(unix)]
        self.assert_terminal_restored();
    }

    /// Asserts the terminal is as the app found it: settings, main screen,
    /// no mouse reports, no bracketed paste, a visible cursor.
    #[cfg(unix)]
    pub fn assert_terminal_restored(&self) {
        assert_eq!(self.modes(), self.initial_modes, "the terminal's settings");
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture still on"
        );
        assert!(!screen.bracketed_paste(), "bracketed paste still on");
        assert!(!screen.hide_cursor(), "the cursor is still hidden");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        // Lets the reader see the end of the terminal and stop.
        self.slave.take();
    }
}

/// A terminal's modes, as `stty -a` shows them.
#[cfg(unix)]
#[derive(Debug, PartialEq, Eq)]
pub struct Modes {
    pub input: rustix::termios::InputModes,
    pub output: rustix::termios::OutputModes,
    pub control: rustix::termios::ControlModes,
    pub local: rustix::termios::LocalModes,
}

#[cfg(unix)]
impl Modes {
    fn of(master: &dyn MasterPty) -> Modes {
        let fd = master.as_raw_fd().expect("the terminal's descriptor");
        // SAFETY: the descriptor belongs to `master`, which outlives this call.
        let fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(fd) };
        // On the controlling side, these are the settings of the app's side.
        let termios = rustix::termios::tcgetattr(fd).expect("the terminal's settings");
        Modes {
            input: termios.input_modes,
            output: termios.output_modes,
            control: termios.control_modes,
            local: termios.local_modes,
        }
    }

    /// Raw, as the app keeps it: no line editing, no echo, no signal keys.
    pub fn is_raw(&self) -> bool {
        use rustix::termios::LocalModes;
        !self
            .local
            .intersects(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG)
    }
}
