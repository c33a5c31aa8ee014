//! Progress bars on stderr for long work, drawn only on a terminal and never with `--json`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether bars are drawn: stderr is a terminal and the output is for a person.
fn shown(json: bool) -> bool {
    !json && std::io::IsTerminal::is_terminal(&std::io::stderr())
}

/// A bar counting `total` steps of `label`.
pub fn bar(label: &'static str, total: usize, json: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        if shown(json) {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>13} [{bar:30}] {pos}/{len} {elapsed_precise}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label);
    bar
}

/// A spinner for work of unknown length (e.g. syncing conversations).
pub fn spinner(label: &'static str, json: bool) -> ProgressBar {
    let spinner = if shown(json) {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    spinner.set_message(label);
    spinner.enable_steady_tick(std::time::Duration::from_millis(100));
    spinner
}
