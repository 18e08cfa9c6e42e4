//! Running hookctl on a pseudo-terminal (`script` from util-linux gives it one), for what only happens on a
//! terminal: pickers, confirmations, the progress bar.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs `hookctl ARGS` on a pseudo-terminal, typing each of `keys` after a pause (a picker reads keys one by
/// one in raw mode; typed all at once they would reach the terminal before it is in raw mode).
pub fn on_terminal(args: &str, env: &[(&str, &str)], keys: &[&str]) -> String {
    let home = tempfile::tempdir().expect("temp home");
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_hookctl"));
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().expect("piped");
    for key in keys {
        std::thread::sleep(Duration::from_millis(400));
        stdin.write_all(key.as_bytes()).expect("type");
        stdin.flush().expect("flush");
    }
    std::thread::sleep(Duration::from_millis(400));
    drop(stdin);
    let output = child.wait_with_output().expect("finishes");
    String::from_utf8_lossy(&output.stdout).into_owned()
}
