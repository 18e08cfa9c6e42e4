//! The interactive pickers, driven through a real terminal.

use crate::terminal::on_terminal;

#[test]
fn the_send_pickers_filter_as_you_type() {
    // `qi` leaves only payqi, `expi` only payment.expired; a plain list would take the first entries
    // (agio, payment.created) on Enter.
    let screen = on_terminal("send --to 3000 --dry-run", &[("HOOKCTL_SECRET", "s")], &["qi", "\r", "expi", "\r"]);
    assert!(screen.contains("X-PayQI-Signature"), "{screen}");
    assert!(screen.contains("\"type\":\"payment.expired\""), "{screen}");
}
