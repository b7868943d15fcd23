//! The fields pane with `--dir DIR`: the selected portal against its files.

use super::tests::{loaded, portal, render};
use crate::portfile::{PortalFields, PortalFile};
use crate::tui::declared::Declared;

#[test]
fn the_fields_pane_says_how_the_portal_differs_from_its_files() {
    let mut app = loaded(120, 32);
    let selected = portal("recent-builds", "Recent builds", true);
    let mut fields = PortalFields::of(&selected);
    fields.description = None;
    app.declared = Some(Declared {
        dir: "portals".into(),
        files: vec![PortalFile {
            slug: "recent-builds".into(),
            fields,
            document: selected.query.replace("    name\n", "    name\n    url\n"),
            document_path: "portals/recent-builds.graphql".into(),
            fields_path: "portals/recent-builds.toml".into(),
        }],
    });
    let screen = render(&app);
    assert!(
        screen.contains(
            "File  differs: description, document: field pipeline.url added to GetBuilds"
        ),
        "{screen}"
    );
    assert!(
        !screen.contains("Created "),
        "the file line takes its place: {screen}"
    );
}
