//! Escaping text from the wire or from files before it reaches a terminal, so a header or a payload cannot
//! move the cursor, change the title or hide itself.

use std::borrow::Cow;

/// Replaces control characters (C0, DEL, C1 and bidirectional overrides) with visible escapes. Tabs and line
/// breaks are kept when `multiline` is set, for pretty-printed bodies.
pub fn sanitize(text: &str, multiline: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        let kept = multiline && matches!(c, '\n' | '\t');
        (c.is_control() && !kept) || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_terminal_control() {
        assert_eq!(sanitize("plain", false), "plain");
        assert_eq!(sanitize("a\u{1b}[31mred", false), "a\\u{1b}[31mred");
        assert_eq!(sanitize("x\ny\tz\r", false), "x\\ny\\tz\\r");
        assert_eq!(sanitize("x\ny\tz\r", true), "x\ny\tz\\r");
        assert_eq!(sanitize("\u{202e}evil", false), "\\u{202e}evil");
    }
}
