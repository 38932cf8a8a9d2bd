//! RFC 4180 quoted fields that span lines (comment columns in real
//! exports): one record, every physical line still accounted for, and the
//! line numbers of later rejections still right — in any chunking, on any
//! number of threads.

use detector::{Analyzer, Config, Report};

const HEADER: &str = "timestamp,user,host,action,resource,bytes,success,comment";

/// 30 users, then `extra` rows; a comment with two line breaks on row 3.
fn log(extra: &[&str]) -> String {
    let mut rows = vec![HEADER.to_string()];
    for u in 0..30 {
        let comment = if u == 3 {
            "\"first line\nsecond, with a comma\n\"\"quoted\"\" third\"".to_string()
        } else {
            "plain".to_string()
        };
        rows.push(format!(
            "2025-03-10T09:{u:02}:00Z,user{u},pc-{u},READ,Jira,{},true,{comment}",
            1000 + u
        ));
    }
    rows.extend(extra.iter().map(|r| r.to_string()));
    rows.join("\n") + "\n"
}

fn analyze(text: &str, chunk: usize, threads: usize) -> Report {
    let mut a = Analyzer::new(Config::default())
        .unwrap()
        .with_threads(threads);
    for piece in text.as_bytes().chunks(chunk) {
        a.push_owned(piece.to_vec()).unwrap();
    }
    a.finish().unwrap()
}

#[test]
fn a_quoted_field_with_line_breaks_is_one_record() {
    let text = log(&[]);
    let r = analyze(&text, 1 << 20, 1);
    assert_eq!(r.total_logs, 30);
    assert_eq!(r.rejected_lines, 0);
    let physical = text.lines().count() as u64;
    assert_eq!(r.lines.total, physical);
    assert_eq!(r.lines.continuation, 2);
    assert_eq!(
        r.lines.total,
        r.lines.accepted + r.lines.rejected + r.lines.blank + r.lines.header + r.lines.continuation
    );
}

#[test]
fn later_rejections_keep_their_physical_line_numbers() {
    // Physical lines: 1 header, 2..=31 rows (+2 inside row 3's comment), so
    // the bad row is line 34 and the next good one 35.
    let text = log(&[
        "2025-03-10T10:00:00Z,late,pc-x,READ,Jira,notanumber,true,x",
        "2025-03-10T10:01:00Z,late,pc-x,READ,Jira,10,true,x",
    ]);
    let r = analyze(&text, 1 << 20, 1);
    assert_eq!(r.parse_errors.len(), 1);
    assert_eq!(r.parse_errors[0].line, 34);
    assert_eq!(
        text.lines().nth(33).unwrap().split(',').nth(1),
        Some("late")
    );
    assert_eq!(r.total_logs, 31);
}

#[test]
fn any_chunking_and_thread_count_give_the_same_report() {
    let text = log(&["2025-03-10T10:00:00Z,late,pc-x,READ,Jira,oops,true,\"a\nb\""]);
    let expected = serde_json::to_string(&analyze(&text, 1 << 20, 1)).unwrap();
    for chunk in [1, 2, 3, 7, 16, 61, 200] {
        for threads in [1, 2] {
            let got = serde_json::to_string(&analyze(&text, chunk, threads)).unwrap();
            assert!(got == expected, "chunk {chunk}, threads {threads}");
        }
    }
}

#[test]
fn an_unterminated_quote_runs_to_the_end_as_one_record_and_loses_no_line() {
    // As csv-core (and Python's csv) read it: the open field takes the rest.
    let text = log(&[
        "2025-03-10T10:00:00Z,late,pc-x,READ,Jira,10,true,\"never closed",
        "more",
        "lines",
    ]);
    let r = analyze(&text, 4096, 1);
    assert_eq!(r.total_logs, 31);
    assert_eq!(r.lines.continuation, 2 + 2);
    assert_eq!(r.lines.total, text.lines().count() as u64);
    // Where that swallows a needed column, it is one rejection, numbered.
    let text = log(&["2025-03-10T10:00:00Z,late,pc-x,READ,\"Jira", "x", "y"]);
    let r = analyze(&text, 4096, 1);
    assert_eq!(r.rejected_lines, 1);
    assert_eq!(r.parse_errors[0].line, 34);
    assert_eq!(r.lines.total, text.lines().count() as u64);
}

#[test]
fn a_stray_quote_inside_a_field_does_not_open_a_quoted_field() {
    let text = log(&["2025-03-10T10:00:00Z,o\"brien,pc-x,READ,Jira,10,true,x"]);
    let r = analyze(&text, 1 << 20, 1);
    assert_eq!(r.total_logs, 31);
    assert_eq!(r.lines.continuation, 2);
}
