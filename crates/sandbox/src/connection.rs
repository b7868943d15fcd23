//! Relay pagination of the sandbox's GraphQL: cursors and pages.

use base64::Engine;

#[derive(Clone)]
pub struct PageInfo {
    pub(crate) end_cursor: Option<String>,
    pub(crate) has_next_page: bool,
    pub(crate) has_previous_page: bool,
    pub(crate) start_cursor: Option<String>,
}

pub(crate) fn cursor(index: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("cursor:{index}"))
}

pub(crate) fn cursor_index(cursor: &str) -> async_graphql::Result<usize> {
    base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix("cursor:")?.parse().ok())
        .ok_or_else(|| async_graphql::Error::new(format!("Invalid cursor `{cursor}`")))
}

/// Relay pagination over `items`: `(cursor, item)` pairs and the page info.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    first: Option<i32>,
    last: Option<i32>,
    after: Option<String>,
    before: Option<String>,
) -> async_graphql::Result<(Vec<(String, T)>, PageInfo)> {
    let count = |n: Option<i32>, name: &str| match n {
        Some(n) if n < 0 => Err(async_graphql::Error::new(format!(
            "`{name}` must be zero or more"
        ))),
        Some(n) => Ok(Some(n as usize)),
        None => Ok(None),
    };
    let (first, last) = (count(first, "first")?, count(last, "last")?);
    let mut start = match &after {
        Some(c) => cursor_index(c)? + 1,
        None => 0,
    };
    let mut end = match &before {
        Some(c) => cursor_index(c)?,
        None => items.len(),
    }
    .min(items.len());
    start = start.min(end);
    let window = (start, end);
    if let Some(first) = first {
        end = end.min(start + first);
    }
    if let Some(last) = last {
        start = start.max(end.saturating_sub(last));
    }
    let page: Vec<(String, T)> = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(end - start)
        .map(|(i, item)| (cursor(i), item))
        .collect();
    let info = PageInfo {
        start_cursor: page.first().map(|(c, _)| c.clone()),
        end_cursor: page.last().map(|(c, _)| c.clone()),
        has_next_page: end < window.1,
        has_previous_page: start > window.0,
    };
    Ok((page, info))
}
