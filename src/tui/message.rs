//! What happened (`Msg`) and what to do next (`Command`).

use crossterm::event::{KeyEvent, MouseEvent};
use serde_json::Value;

use crate::buildkite::{ApiError, CreatedPortal, NewPortal, Portal, PortalChanges};
use crate::graphql::schema::GraphqlSchema;
use crate::secrets::{Secret, TokenKind};

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// The spinner's clock (and a rate-limit countdown's); sent only while a
    /// request is in flight.
    Tick,
    /// Nothing else is waiting: work the app does in slices goes on (a
    /// search's count, `App::has_idle_work`).
    Idle,
    /// The HTTP client's news of a call (a rate-limit wait and its end).
    Notice(crate::buildkite::Notice),
    PortalsPage(Vec<Portal>),
    PortalsLoaded,
    LoadFailed(String),
    /// The portal as Buildkite has it now, fetched just before a save.
    FetchedForSave {
        slug: String,
        result: Result<Portal, ApiError>,
    },
    Saved {
        slug: String,
        result: Result<Portal, ApiError>,
    },
    /// `stored` says whether the token went to the token store.
    Created {
        result: Result<CreatedPortal, ApiError>,
        stored: Result<(), String>,
    },
    Deleted {
        slug: String,
        result: Result<(), ApiError>,
    },
    /// The cached list's portals after the first screen's worth, read once
    /// the app is up (`tui/list_cache.rs`).
    CachedListRest(Vec<Portal>),
    /// The run of `slug` ended without an answer to show (no token, or no
    /// status came back); an answer comes as `AnswerStarted`/`Answered`.
    RunFailed {
        slug: String,
        error: ApiError,
    },
    /// The status of run `run` of `slug` is in; its body follows in pieces.
    AnswerStarted {
        slug: String,
        run: u64,
        head: Box<super::response::AnswerHead>,
    },
    /// More of the body of run `run` (a piece gathers many reads).
    AnswerPiece {
        slug: String,
        run: u64,
        piece: super::response::AnswerPiece,
    },
    /// The body of run `run` stopped before its end: what came stays, cut.
    AnswerCut {
        slug: String,
        run: u64,
        error: ApiError,
    },
    /// An answer, already indexed for viewing (the runtime does it on a worker).
    Answered {
        slug: String,
        view: Box<super::run::ResponseView>,
        ran_as: Option<TokenKind>,
    },
    SignInStarted {
        code: String,
        url: String,
        seconds_left: i64,
        opened_browser: bool,
    },
    /// A poll of the sign-in flow had an unreadable answer (why), or read
    /// well again (`None`); the flow goes on either way.
    SignInUnreadable(Option<String>),
    SignInProgress {
        seconds_left: i64,
    },
    /// The sign-in ended: the stored token's expiry, or why not.
    SignedIn {
        slug: String,
        result: Result<String, String>,
    },
    /// An ephemeral token was stored (its expiry), or why not.
    EphemeralReady {
        slug: String,
        result: Result<String, String>,
    },
    /// How the text reached a clipboard (or why it did not).
    Copied(String),
    EditorClosed {
        slug: String,
        result: Result<String, String>,
    },
    Status(String),
    /// The draft writer was refused the draft of `slug` (a portal, or the
    /// new portal's key): another running bkportals edits it.
    DraftEditedElsewhere {
        slug: String,
        pid: Option<u32>,
    },
    /// What is on disk now of a draft the drafts dialog offered
    /// (`Command::TakeDraft`): `shown` is the copy it listed.
    DraftTaken {
        shown: Box<crate::drafts::Draft>,
        purpose: super::dialogs::DraftUse,
        now: crate::drafts::OnDisk,
    },
    /// Another running bkportals began editing `slug` (its process number
    /// when known): the list marks it `E` until `DraftFreed`.
    DraftClaimedElsewhere {
        slug: String,
        pid: Option<u32>,
    },
    /// The instance that held `slug` let go of it (saved, discarded, looked
    /// only, or ended); `left`: the draft of it on disk, or why that could
    /// not be read.
    DraftFreed {
        slug: String,
        left: Option<Result<Box<crate::drafts::Draft>, String>>,
    },
    /// The file an answer was to be saved to exists (its absolute path).
    SaveWouldOverwrite(String),
    /// The answer could not be saved to `path` (as typed): `error` says why.
    SaveFailed {
        path: String,
        error: String,
    },
    Diagnosed {
        slug: String,
        generation: u64,
        diagnostics: Vec<crate::graphql::diagnostics::Diagnostic>,
    },
    /// The requested complexity of a large document (counted with its
    /// diagnostics, off the input path); empty when it does not parse.
    Counted {
        slug: String,
        generation: u64,
        operations: Vec<crate::graphql::complexity::OperationComplexity>,
    },
    /// A GraphQL schema to validate against: from the cache, or fetched now.
    SchemaReady {
        schema: GraphqlSchema,
        fetched_at: chrono::DateTime<chrono::Utc>,
        fetched_now: bool,
    },
    /// Why no (fresh) schema could be had.
    SchemaUnavailable(String),
    /// The recorded runs of `slug`, oldest first.
    HistoryRead {
        slug: String,
        entries: Vec<crate::history::HistoryEntry>,
    },
    /// The sign-in dialog's token, checked (and, when good, stored).
    ApiTokenChecked(Result<crate::api_token::SignedIn, crate::api_token::SignInError>),
}

#[derive(Debug)]
pub enum Command {
    LoadPortals,
    /// Fetches the portal before a save, to compare with the version the
    /// edit started from (`Msg::FetchedForSave`).
    FetchForSave {
        slug: String,
    },
    /// Sends `changes` (`Msg::Saved`).
    Update {
        slug: String,
        changes: PortalChanges,
    },
    Create(NewPortal),
    Delete(String),
    Invoke {
        slug: String,
        operation: Option<String>,
        variables: Value,
        /// A token typed for this call; `None` uses the stored one.
        token: Option<Secret>,
        store_token: bool,
        /// The app's number for this run (its answer's messages carry it).
        run: u64,
    },
    CancelInvoke,
    SignIn {
        slug: String,
    },
    CancelSignIn,
    Ephemeral {
        slug: String,
        portal_uuid: String,
        secret: Secret,
    },
    Copy(String),
    /// Copies the run of `slug` as a curl command (the loop knows the endpoint).
    CopyCurl {
        slug: String,
        operation: Option<String>,
        variables: serde_json::Value,
    },
    ForgetToken(String),
    /// Keeps a portal token typed for `slug` in the token store.
    StoreToken {
        slug: String,
        token: Secret,
    },
    /// Suspends the app and edits `text` in `$EDITOR`.
    OpenEditor {
        slug: String,
        text: String,
    },
    /// Saves an answer: pretty-printed as the viewer shows it when JSON.
    /// An existing file is replaced only with `overwrite` (after asking).
    WriteFile {
        path: String,
        contents: crate::buildkite::ResponseBody,
        overwrite: bool,
        /// What it is, as the status then says: the response, or a jq
        /// filter's result.
        what: String,
    },
    /// Keeps the organization's list for the next launch (cache dir, 0600).
    CacheList(Vec<Portal>),
    /// Keeps the variables forms' values on disk (debounced with the drafts).
    WriteFormValues(super::run::Remembered),
    /// Keeps an unsaved edit on disk (debounced), or removes it once saved.
    WriteDraft(Box<crate::drafts::Draft>),
    RemoveDraft(String),
    /// Looks at a draft the drafts dialog offered as it is on disk now, and
    /// claims its portal when it is unchanged (`Msg::DraftTaken`).
    TakeDraft {
        draft: Box<crate::drafts::Draft>,
        purpose: super::dialogs::DraftUse,
    },
    /// The draft of this portal was only looked at: its claim goes, the
    /// draft stays.
    ReleaseDraft(String),
    /// Notes (or clears) that a new token's dialog is open.
    NoteTokenDialog(Option<String>),
    /// Parses (and with a schema, validates) a document off the input path.
    Diagnose {
        slug: String,
        generation: u64,
        text: String,
        schema: Option<GraphqlSchema>,
    },
    /// Loads the cached schema, fetching it when missing or stale (or always,
    /// with `refresh`).
    LoadSchema {
        refresh: bool,
    },
    /// Reads the recorded runs of `slug` (`Msg::HistoryRead`).
    ReadHistory(String),
    /// Checks an API token from the sign-in dialog and stores it when it
    /// will do (`Msg::ApiTokenChecked`), as `bkportals auth login` does.
    CheckApiToken {
        token: Secret,
        accept_missing: bool,
    },
    CancelApiTokenCheck,
    /// From now on, calls to Buildkite (and the schema) use this API token.
    UseApiToken(Secret),
}

impl Command {
    /// For tests: the command's kind without its data.
    pub fn name(&self) -> &'static str {
        match self {
            Command::LoadPortals => "load",
            Command::FetchForSave { .. } => "fetch-for-save",
            Command::Update { .. } => "update",
            Command::Create(_) => "create",
            Command::Delete(_) => "delete",
            Command::Invoke { .. } => "invoke",
            Command::CancelInvoke => "cancel-invoke",
            Command::SignIn { .. } => "sign-in",
            Command::CancelSignIn => "cancel-sign-in",
            Command::Ephemeral { .. } => "ephemeral",
            Command::Copy(_) => "copy",
            Command::CopyCurl { .. } => "copy-curl",
            Command::ForgetToken(_) => "forget-token",
            Command::StoreToken { .. } => "store-token",
            Command::OpenEditor { .. } => "open-editor",
            Command::WriteFile { .. } => "write-file",
            Command::WriteFormValues(_) => "write-form-values",
            Command::CacheList(_) => "cache-list",
            Command::Diagnose { .. } => "diagnose",
            Command::LoadSchema { .. } => "load-schema",
            Command::WriteDraft(_) => "write-draft",
            Command::RemoveDraft(_) => "remove-draft",
            Command::TakeDraft { .. } => "take-draft",
            Command::ReleaseDraft(_) => "release-draft",
            Command::NoteTokenDialog(_) => "note-token-dialog",
            Command::ReadHistory(_) => "read-history",
            Command::CheckApiToken { .. } => "check-api-token",
            Command::CancelApiTokenCheck => "cancel-api-token-check",
            Command::UseApiToken(_) => "use-api-token",
        }
    }
}
