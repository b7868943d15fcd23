//! Property tests: variables coercion and the response viewer's lines and folds.

use bkportals::graphql::variables::operations;
use bkportals::tui::body::Body;
use proptest::prelude::*;
use serde_json::Value;

fn variable(ty: &str) -> bkportals::graphql::variables::Variable {
    let doc = format!("query Q($v: {ty}) {{ viewer {{ user {{ name }} }} }}");
    operations(&doc).unwrap().remove(0).variables.remove(0)
}

proptest! {
    #[test]
    fn ints_round_trip_and_other_text_is_refused_without_panic(n in any::<i32>(), text in ".{0,40}") {
        let int = variable("Int!");
        prop_assert_eq!(int.coerce(&n.to_string()).unwrap(), Value::from(n));
        if let Ok(value) = int.coerce(&text) {
            prop_assert!(value.is_i64() || value.is_null());
        }
    }

    #[test]
    fn strings_and_ids_are_kept_exactly(text in ".{0,60}") {
        prop_assume!(text.trim() != "null");
        prop_assert_eq!(variable("String").coerce(&text).unwrap(), Value::String(text.clone()));
        prop_assert_eq!(variable("ID!").coerce(&text).unwrap(), Value::String(text));
    }

    #[test]
    fn lists_accept_one_value_or_a_json_array(items in proptest::collection::vec(any::<i32>(), 0..8)) {
        let list = variable("[Int!]");
        let json = serde_json::to_string(&items).unwrap();
        prop_assert_eq!(list.coerce(&json).unwrap(), serde_json::json!(items));
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z :\\\\\"{},\\[\\]]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn the_body_index_lays_out_json_as_serde_json_pretty_prints_it(value in json_value()) {
        let compact = serde_json::to_string(&value).unwrap();
        let expected = serde_json::to_string_pretty(&value).unwrap();
        let body = Body::new(compact);
        let lines: Vec<String> = (0..body.line_count()).map(|i| body.line_text(i)).collect();
        prop_assert_eq!(lines.join("\n"), expected);
    }

    #[test]
    fn folds_keep_rows_and_lines_in_step(value in json_value(), folds in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let mut body = Body::new(serde_json::to_string(&value).unwrap());
        let count = body.line_count();
        for fold in folds {
            body.toggle_fold(fold.index(count));
        }
        let visible = body.visible_count();
        prop_assert!(visible >= 1 && visible <= count);
        let mut line = body.line_at_row(0);
        for row in 0..visible {
            prop_assert_eq!(body.line_at_row(row), line);
            prop_assert_eq!(body.row_of_line(line), row);
            line = body.next_visible(line);
        }
        prop_assert_eq!(line, count, "walking the visible lines ends at the last one");
    }
}
