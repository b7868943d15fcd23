//! The values typed into the variables forms, per portal and operation,
//! kept across sessions in a private file beside the drafts. Only what was
//! typed into variables goes there: tokens and secrets have their own
//! inputs and never reach the form. Values over `MAX_VALUE` are not kept.

use serde::{Deserialize, Serialize};

use super::run::Remembered;

/// A value longer than this (a pasted file, say) is kept for the session only.
pub const MAX_VALUE: usize = 64 << 10;

#[derive(Serialize, Deserialize)]
struct Entry {
    portal: String,
    operation: String,
    values: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    forms: Vec<Entry>,
}

/// The file's contents for `remembered`, sorted so they do not churn.
pub fn to_json(remembered: &Remembered) -> Vec<u8> {
    let mut forms: Vec<Entry> = remembered
        .iter()
        .map(|((portal, operation), values)| Entry {
            portal: portal.clone(),
            operation: operation.clone(),
            values: values
                .iter()
                .filter(|(_, value)| value.len() <= MAX_VALUE)
                .cloned()
                .collect(),
        })
        .collect();
    forms.sort_by(|a, b| (&a.portal, &a.operation).cmp(&(&b.portal, &b.operation)));
    serde_json::to_vec_pretty(&File { version: 1, forms }).unwrap_or_default()
}

/// The values in a file written by [`to_json`], or why it cannot be read.
pub fn from_json(bytes: &[u8]) -> Result<Remembered, String> {
    let file: File = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    Ok(file
        .forms
        .into_iter()
        .map(|e| ((e.portal, e.operation), e.values))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_they_were_and_huge_ones_stay_behind() {
        let mut remembered = Remembered::new();
        remembered.insert(
            ("recent-builds".into(), "GetBuilds".into()),
            vec![
                ("$pipelineSlug".into(), "demo/web".into()),
                ("$blob".into(), "x".repeat(MAX_VALUE + 1)),
            ],
        );
        let back = from_json(&to_json(&remembered)).expect("readable");
        assert_eq!(
            back[&("recent-builds".to_owned(), "GetBuilds".to_owned())],
            [("$pipelineSlug".to_owned(), "demo/web".to_owned())]
        );
        assert!(from_json(b"{ not json").is_err());
    }
}
