//! What the binary's tests share: running it, and files for it to read.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run `stepwise` with `args`.
pub fn stepwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A file called `name` holding `content`, in a directory of this test binary's run.
pub fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let run = format!(
        "stepwise-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    );
    let dir = std::env::temp_dir().join(run);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
