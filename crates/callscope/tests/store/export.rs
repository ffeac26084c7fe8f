//! Exporting calls from a real library file: CSV and JSON of many calls, one call in every
//! format, personal data redacted unless asked otherwise.

use callscope::export::{
    export_call_to_file, export_calls, export_calls_to_file, CallExportFormat, ExportFormat,
    PersonalData, CSV_HEADER,
};
use callscope::store::CallFilter;
use super::support::{library, light_call, premium_payment_call};

/// The card number as the customer read it out in call_06.
const CARD_SPOKEN: &str = "four five three two, seven seven one eight";

/// Records of an RFC 4180 text, quotes removed, so tests can look at cells.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    records
}

fn export_text(
    store: &callscope::store::Store,
    filter: &CallFilter,
    format: ExportFormat,
    personal: PersonalData,
) -> (u64, String) {
    let mut out = Vec::new();
    let count = export_calls(store, filter, format, personal, &mut out).expect("export");
    (count, String::from_utf8(out).expect("UTF-8 export"))
}

#[test]
fn csv_export_redacts_the_spoken_card_number_by_default() {
    let (_dir, mut store) = library();
    store.insert_call(&premium_payment_call(), None).expect("insert");

    let (count, csv) = export_text(&store, &CallFilter::default(), ExportFormat::Csv, PersonalData::Redact);
    assert_eq!(count, 1);
    let records = parse_csv(&csv);
    assert_eq!(records.len(), 2, "a header and one call");
    assert_eq!(records[0], CSV_HEADER.map(String::from).to_vec());
    assert_eq!(records[1].len(), CSV_HEADER.len());
    let transcript = &records[1][CSV_HEADER.len() - 1];
    assert!(!csv.contains(CARD_SPOKEN), "the card number leaked into the export");
    assert!(transcript.contains("[CARD_1]"), "{transcript}");
    assert!(transcript.starts_with("agent: Thank you for calling Summit Mutual"), "{transcript}");
    assert!(transcript.contains("\ncustomer: "), "turns are on lines of their own");
    assert_eq!(records[1][11], "Yuki Tanaka");
}

#[test]
fn an_unredacted_export_keeps_what_the_library_stores() {
    let (_dir, mut store) = library();
    store.insert_call(&premium_payment_call(), None).expect("insert");
    let (_, csv) = export_text(&store, &CallFilter::default(), ExportFormat::Csv, PersonalData::AsStored);
    assert!(csv.contains(CARD_SPOKEN));
}

#[test]
fn json_export_is_an_array_of_the_matching_calls_oldest_first() {
    let (_dir, mut store) = library();
    let calls: Vec<_> = (0..9).map(light_call).collect();
    store.insert_calls(&calls).expect("insert");
    let filter = CallFilter { domain: Some("insurance".into()), ..CallFilter::default() };

    let (count, json) = export_text(&store, &filter, ExportFormat::Json, PersonalData::Redact);
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&json).expect("a JSON array");
    assert_eq!(count, 5, "light calls 0, 3, 4, 7 and 8 are insurance");
    assert_eq!(parsed.len(), 5);
    let files: Vec<&str> = parsed.iter().filter_map(|c| c["file_name"].as_str()).collect();
    assert_eq!(files, ["call_000000.wav", "call_000003.wav", "call_000004.wav", "call_000007.wav", "call_000008.wav"]);

    let (none, empty) = export_text(&store, &CallFilter { domain: Some("travel".into()), ..CallFilter::default() }, ExportFormat::Json, PersonalData::Redact);
    assert_eq!((none, empty.as_str()), (0, "[]\n"));
}

#[test]
fn a_file_export_names_the_file_when_its_folder_is_missing_and_leaves_nothing_behind() {
    let (dir, mut store) = library();
    store.insert_call(&light_call(1), None).expect("insert");
    let path = dir.path().join("no-such-folder/calls.csv");
    let err = export_calls_to_file(&store, &CallFilter::default(), ExportFormat::Csv, PersonalData::Redact, &path)
        .expect_err("the folder is missing");
    assert!(err.to_string().contains("no-such-folder/calls.csv"), "{err}");
    assert!(!path.exists());

    let path = dir.path().join("calls.csv");
    std::fs::write(&path, "an older export").expect("write");
    let count = export_calls_to_file(&store, &CallFilter::default(), ExportFormat::Csv, PersonalData::Redact, &path)
        .expect("export");
    assert_eq!(count, 1);
    let text = std::fs::read_to_string(&path).expect("read export");
    assert!(text.starts_with("id,created_at,file_name,"), "{text}");
    assert_eq!(parse_csv(&text).len(), 2);
}

#[test]
fn one_call_exports_to_csv_json_and_subtitles_redacted() {
    let (dir, mut store) = library();
    let id = store.insert_call(&premium_payment_call(), None).expect("insert");
    let call = store.call(id).expect("read").expect("stored");
    for (format, name) in [
        (CallExportFormat::Csv, "call.csv"),
        (CallExportFormat::Json, "call.json"),
        (CallExportFormat::Srt, "call.srt"),
        (CallExportFormat::Vtt, "call.vtt"),
    ] {
        let path = dir.path().join(name);
        export_call_to_file(&call, format, PersonalData::Redact, &path).expect("export");
        let text = std::fs::read_to_string(&path).expect("read export");
        assert!(!text.contains(CARD_SPOKEN), "{name} leaked the card number");
        assert!(text.contains("[CARD_1]"), "{name} lost the redacted card turn");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("call.json")).expect("read")).expect("JSON");
    assert_eq!(json["call_id"], id);
    let csv = parse_csv(&std::fs::read_to_string(dir.path().join("call.csv")).expect("read"));
    assert_eq!(csv.len(), 2);
    assert_eq!(csv[1][0], id.to_string());
}
