//! Progress bars for engine progress events.

use callscope::progress::{Progress, Stage};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Bars for several files at once; hidden when stderr is not a terminal.
pub struct Bars {
    multi: MultiProgress,
}

impl Bars {
    /// Bars drawn on stderr.
    pub fn new() -> Self {
        Bars { multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()) }
    }

    /// A bar for one file, labelled with its name.
    pub fn file(&self, name: &str) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new(1000));
        let style = ProgressStyle::with_template("{prefix:.bold} {bar:30.cyan/blue} {percent:>3}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(name.to_string());
        bar
    }
}

/// Show an engine progress event on a file's bar.
pub fn show(bar: &ProgressBar, p: Progress) {
    let label = match p.stage {
        Stage::Decoding => "decoding",
        Stage::Transcribing => "transcribing",
        Stage::Detecting => "detecting domain",
        Stage::Extracting => "extracting",
        Stage::Measuring => "measuring",
        Stage::Redacting => "redacting",
        Stage::Saving => "saving",
        Stage::Done => "done",
    };
    bar.set_message(label);
    bar.set_position((p.fraction.clamp(0.0, 1.0) * 1000.0) as u64);
}
