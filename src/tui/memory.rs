//! Giving memory back to the system once a load is over. glibc's allocator
//! keeps what a load freed (the schema's introspection answer and parse
//! trees, the pages of the listing) in its arenas, where it still counts as
//! the idle app's resident memory; it is handed back only when asked.

/// Called once, before the app starts its threads: two arenas (the event
/// loop's and one all other threads share) instead of one per thread, each
/// keeping its own freed memory. The app's threads mostly wait, so they
/// rarely contend for one.
pub fn share_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's settings; the value is valid.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hands freed memory back to the system (a load just ended). Walks every
/// arena, so it runs on the blocking pool, off the event loop.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages; it touches nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
