//! Config parsing: any file is a config (its unknown keys warned about with a
//! line inside the file) or an error with a line and column inside the file.
#![no_main]

use bkportals::config::{ConfigError, ConfigFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.split('\n').count() + 1;
    match ConfigFile::parse(std::path::Path::new("config.toml"), text) {
        Err(ConfigError::Parse { line, column, .. }) => {
            assert!(line >= 1 && line <= lines && column >= 1);
        }
        // Each unknown key is named with a line inside the file.
        Ok(file) => {
            for warning in &file.warnings {
                let line = warning
                    .strip_prefix("config.toml:")
                    .and_then(|rest| rest.split(':').next())
                    .and_then(|line| line.parse::<usize>().ok());
                assert!(line.is_some_and(|l| l >= 1 && l <= lines), "{warning}");
            }
        }
        Err(_) => {}
    }
});
