//! Listing and counting calls: filters, sort orders, pages, and index use at 100,000 calls.

use callscope::call::{Resolution, Sentiment};
use callscope::store::{parse_date, CallFilter, CallRow, CallSort, Paging};

use crate::support::{ids, library, light_call};

#[test]
fn listing_filters_by_each_criterion_and_counts_agree() {
    let (_dir, mut store) = library();
    store
        .insert_calls(&(0..48).map(light_call).collect::<Vec<_>>())
        .expect("insert");
    let all = Paging {
        limit: 1000,
        ..Paging::default()
    };
    let check = |filter: CallFilter, expect: usize, ok: &dyn Fn(&CallRow) -> bool| {
        let page = store.list_calls(&filter, all).expect("list");
        assert_eq!(page.items.len(), expect, "{filter:?}");
        assert!(page.items.iter().all(ok), "{filter:?}");
        assert_eq!(store.count_calls(&filter).expect("count"), expect as u64);
    };
    let domain = |d: &str| Some(d.to_string());
    check(
        CallFilter {
            domain: domain("insurance"),
            ..Default::default()
        },
        24,
        &|r| r.domain == "insurance",
    );
    check(
        CallFilter {
            domain: domain("insurance"),
            category: domain("premium_payment"),
            ..Default::default()
        },
        12,
        &|r| r.category == "premium_payment",
    );
    check(
        CallFilter {
            sentiment: Some(Sentiment::Negative),
            ..Default::default()
        },
        16,
        &|r| r.sentiment == Sentiment::Negative,
    );
    check(
        CallFilter {
            resolution: Some(Resolution::FollowUp),
            ..Default::default()
        },
        12,
        &|r| r.resolution == Resolution::FollowUp,
    );
    check(
        CallFilter {
            agent: domain("devon"),
            ..Default::default()
        },
        12,
        &|r| r.agent_name.as_deref() == Some("DEVON Price"),
    );
    check(
        CallFilter {
            agent: domain("%"),
            ..Default::default()
        },
        0,
        &|_| true,
    );
    let since = parse_date("2025-01-10").expect("date");
    let until = parse_date("2025-01-19").expect("date");
    check(
        CallFilter {
            since: Some(since),
            until: Some(until),
            ..Default::default()
        },
        10,
        &|r| r.created_at.as_str() >= "2025-01-10" && r.created_at.as_str() < "2025-01-20",
    );
}

#[test]
fn pages_follow_the_sort_order_and_say_when_more_follow() {
    let (_dir, mut store) = library();
    store
        .insert_calls(&(0..7).map(light_call).collect::<Vec<_>>())
        .expect("insert");
    let none = CallFilter::default();
    let first = store
        .list_calls(
            &none,
            Paging {
                limit: 3,
                ..Paging::default()
            },
        )
        .expect("page 1");
    assert_eq!(ids(&first.items), vec![7, 6, 5]);
    assert!(first.has_more);
    let last = store
        .list_calls(
            &none,
            Paging {
                limit: 3,
                offset: 6,
                ..Paging::default()
            },
        )
        .expect("page 3");
    assert_eq!((ids(&last.items), last.has_more), (vec![1], false));
    let oldest = store
        .list_calls(
            &none,
            Paging {
                sort: CallSort::Oldest,
                limit: 2,
                offset: 0,
            },
        )
        .expect("oldest");
    assert_eq!(ids(&oldest.items), vec![1, 2]);
    let longest = store
        .list_calls(
            &none,
            Paging {
                sort: CallSort::Longest,
                limit: 1,
                offset: 0,
            },
        )
        .expect("longest");
    assert_eq!(longest.items[0].duration_ms, 36_000);
    assert!(first.items[0].summary_snippet.starts_with("Light call 6"));
}

#[test]
fn listing_a_hundred_thousand_calls_uses_indexes_not_scans() {
    let (_dir, mut store) = library();
    let calls: Vec<_> = (0..100_000).map(light_call).collect();
    store.insert_calls(&calls).expect("bulk insert");
    assert_eq!(
        store.count_calls(&CallFilter::default()).expect("count"),
        100_000
    );
    let plans = [
        (CallFilter::default(), CallSort::Newest),
        (CallFilter::default(), CallSort::Oldest),
        (CallFilter::default(), CallSort::Longest),
        (
            CallFilter {
                domain: Some("internet".into()),
                ..Default::default()
            },
            CallSort::Newest,
        ),
        (
            CallFilter {
                sentiment: Some(Sentiment::Negative),
                ..Default::default()
            },
            CallSort::Newest,
        ),
        (
            CallFilter {
                domain: Some("insurance".into()),
                category: Some("claim_inquiry".into()),
                ..Default::default()
            },
            CallSort::Oldest,
        ),
    ];
    for (filter, sort) in plans {
        let plan = store
            .list_query_plan(
                &filter,
                Paging {
                    sort,
                    limit: 50,
                    offset: 0,
                },
            )
            .expect("plan");
        assert!(
            plan.iter().any(|step| step.contains("USING INDEX")),
            "{filter:?} {sort:?}: {plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|s| s.contains("TEMP B-TREE") || s == "SCAN g"),
            "{filter:?} {sort:?}: {plan:?}"
        );
    }
    let page = store
        .list_calls(&CallFilter::default(), Paging::default())
        .expect("list");
    assert_eq!(page.items.len(), 50);
    assert!(page.has_more);
}
