//! Config parsing: any file is a config or an error with a line and column
//! inside the file.
#![no_main]

use bkportals::config::{ConfigError, ConfigFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(ConfigError::Parse { line, column, .. }) =
        ConfigFile::parse(std::path::Path::new("config.toml"), text)
    {
        assert!(line >= 1 && line <= text.split('\n').count() + 1 && column >= 1);
    }
});
