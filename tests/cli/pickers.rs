//! The interactive pickers, driven through a real terminal (`script` gives hookctl a pty).

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

#[test]
fn the_send_pickers_filter_as_you_type() {
    // `qi` leaves only payqi, `expi` only payment.expired; a plain list would take the first entries
    // (agio, payment.created) on Enter.
    let screen = on_terminal("send --to 3000 --dry-run", &[("HOOKCTL_SECRET", "s")], &["qi", "\r", "expi", "\r"]);
    assert!(screen.contains("X-PayQI-Signature"), "{screen}");
    assert!(screen.contains("\"type\":\"payment.expired\""), "{screen}");
}
