//! The per-call table, the misses worth fixing, and the summary against the targets.

use callscope::analysis::score::{FieldScore, PiiScore};

use crate::grade::Grade;

pub const TARGET_PAIR: f32 = 0.90;
pub const TARGET_F1: f32 = 0.85;
pub const TARGET_PII: f32 = 1.0;
pub const TARGET_TALK_POINTS: f32 = 3.0;

fn mark(ok: bool) -> &'static str {
    if ok { "" } else { "✗" }
}

fn num(x: f32) -> String {
    if x.is_nan() { "-".into() } else { format!("{x:.1}") }
}

/// Print the per-call table, then each call's misses.
pub fn print_calls(grades: &[Grade]) {
    println!(
        "{:<10} {:<40} {:>3} {:>3} {:>3} {:>5} {:>5}  {:>5} {:>5}  {:<11} {:>9} {:>5} {:>5} {:>5}  {:>5} {:>7}",
        "call", "domain/category (detected)", "tp", "fp", "fn", "F1", "PII", "names", "sent", "resolution", "talk A/C", "err", "sil", "err", "WER", "time s"
    );
    for g in grades {
        let pair = if g.pair_ok() { g.got_pair.clone() } else { format!("{} ✗ want {}", g.got_pair, g.want_pair) };
        let names = format!("{}{}", if g.names_ok.0 { "A" } else { "-" }, if g.names_ok.1 { "C" } else { "-" });
        let talk = format!("{}/{}", num(g.got_pct.0), num(g.got_pct.1));
        let wer = g.wer.map_or("-".into(), |w| format!("{:.1}%", w * 100.0));
        let time = if g.stt_seconds > 0.0 { format!("{:.1}", g.seconds) } else { format!("{:.2}", g.seconds) };
        println!(
            "{:<10} {:<40} {:>3} {:>3} {:>3} {:>5.2} {:>2}/{:<2} {:>5} {:>5}  {:<11} {:>9} {:>4}{:1} {:>5}  {:>5} {:>7}",
            g.stem,
            pair,
            g.fields.true_positives,
            g.fields.false_positives,
            g.fields.false_negatives,
            g.fields.f1(),
            g.pii.found + g.pii.misheard.len(),
            g.pii.expected,
            names,
            if g.sentiment_ok { "ok" } else { "✗" },
            if g.resolution_ok { "ok" } else { "✗" },
            talk,
            num(g.talk_max()),
            mark(g.talk_max() <= TARGET_TALK_POINTS),
            num(g.silence_err),
            wer,
            time,
        );
    }
    let misses: Vec<&Grade> = grades
        .iter()
        .filter(|g| g.error.is_some() || !g.pair_ok() || !g.fields.errors.is_empty() || !g.pii.missed.is_empty() || !g.pii.misheard.is_empty() || !g.general_misses.is_empty() || g.talk_max() > TARGET_TALK_POINTS || g.redaction_mismatch)
        .collect();
    if misses.is_empty() {
        return;
    }
    println!("\nmisses");
    for g in misses {
        println!("  {}", g.stem);
        if let Some(e) = &g.error {
            println!("    pipeline failed: {e}");
            continue;
        }
        if !g.pair_ok() {
            println!("    domain/category: expected {} got {}", g.want_pair, g.got_pair);
        }
        for (key, want, got) in &g.fields.errors {
            println!("    field {key}: expected {want} got {got}");
        }
        if !g.fields.extra.is_empty() {
            println!("    (unlabelled predicted fields: {})", g.fields.extra.join(", "));
        }
        for ((kind, value), why) in g.pii.missed.iter().zip(&g.pii_why) {
            println!("    PII missed: {kind} {value} — {why}");
        }
        for (kind, value) in &g.pii.misheard {
            println!("    PII misheard by the recogniser, redacted as heard: {kind} {value}");
        }
        for (what, want, got) in &g.general_misses {
            println!("    {what}: expected {want} got {got}");
        }
        if g.talk_max() > TARGET_TALK_POINTS {
            let (t, p) = (g.truth_pct, g.got_pct);
            println!("    talk %: agent {:.1} (true {:.1}), customer {:.1} (true {:.1}), silence {:.1} (true {:.1})", p.0, t.0, p.1, t.1, p.2, t.2);
        }
        if g.redaction_mismatch {
            println!("    the stored transcript is not the redaction of the recognised one");
        }
    }
}

/// Print the overall figures; returns whether every target was met.
pub fn print_summary(grades: &[Grade], label: &str) -> bool {
    let n = grades.len();
    let pairs = grades.iter().filter(|g| g.pair_ok()).count();
    let mut fields = FieldScore::default();
    let mut pii = PiiScore::default();
    for g in grades {
        fields.add(&g.fields);
        pii.add(&g.pii);
    }
    let count = |f: &dyn Fn(&Grade) -> bool| grades.iter().filter(|g| f(g)).count();
    let talk: Vec<f32> = grades.iter().flat_map(|g| [g.talk_err.0, g.talk_err.1]).collect();
    let silence: Vec<f32> = grades.iter().map(|g| g.silence_err).collect();
    let worst = |v: &[f32]| v.iter().copied().fold(0.0f32, |a, b| if b.is_nan() || a.is_nan() { f32::NAN } else { a.max(b) });
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let failed = count(&|g| g.error.is_some());
    let pair_rate = pairs as f32 / n.max(1) as f32;
    let talk_worst = worst(&talk);

    let pass = |ok: bool| if ok { "PASS" } else { "FAIL" };
    let ok_pair = pair_rate >= TARGET_PAIR;
    let ok_f1 = fields.f1() >= TARGET_F1;
    let ok_pii = pii.hidden_recall() >= TARGET_PII;
    let ok_talk = talk_worst <= TARGET_TALK_POINTS;
    let secs: f64 = grades.iter().map(|g| g.seconds).sum();
    let stt: f64 = grades.iter().map(|g| g.stt_seconds).sum();

    println!("\nsummary — {label}: {n} call(s){}", if failed > 0 { format!(", {failed} FAILED in the pipeline") } else { String::new() });
    println!("  domain+category   {pairs}/{n} = {:>5.1} %   target ≥ {:.0} %   {}", pair_rate * 100.0, TARGET_PAIR * 100.0, pass(ok_pair));
    println!(
        "  fields            P {:.3}  R {:.3}  F1 {:.3}   target F1 ≥ {:.2}   {}   (tp {} fp {} fn {})",
        fields.precision(),
        fields.recall(),
        fields.f1(),
        TARGET_F1,
        pass(ok_f1),
        fields.true_positives,
        fields.false_positives,
        fields.false_negatives
    );
    let hidden = pii.found + pii.misheard.len();
    println!(
        "  PII recall        {hidden}/{} = {:>5.1} %   target 100 %   {}   ({} exact, {} misheard by the recogniser and redacted as heard)",
        pii.expected,
        pii.hidden_recall() * 100.0,
        pass(ok_pii),
        pii.found,
        pii.misheard.len()
    );
    println!(
        "  talk-% error      worst {} pts, mean {} pts (agent and customer, per call)   target ≤ {:.0} pts   {}",
        num(talk_worst),
        num(mean(&talk)),
        TARGET_TALK_POINTS,
        pass(ok_talk)
    );
    println!("  silence-% error   worst {} pts, mean {} pts", num(worst(&silence)), num(mean(&silence)));
    println!(
        "  names             agent {}/{n}, customer {}/{n};  sentiment {}/{n};  resolution {}/{n}",
        count(&|g| g.names_ok.0),
        count(&|g| g.names_ok.1),
        count(&|g| g.sentiment_ok),
        count(&|g| g.resolution_ok)
    );
    let wers: Vec<f64> = grades.iter().filter_map(|g| g.wer).collect();
    if !wers.is_empty() {
        println!("  WER               mean {:.1} % (numbers written as digits on both sides)", wers.iter().sum::<f64>() * 100.0 / wers.len() as f64);
    }
    if stt > 0.0 {
        println!("  time              {secs:.0} s in all, {stt:.0} s of it decoding + transcribing");
    } else {
        println!("  time              {secs:.2} s in all");
    }
    let all = ok_pair && ok_f1 && ok_pii && ok_talk && failed == 0;
    println!("  overall           {}", pass(all));
    all
}
