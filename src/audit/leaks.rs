//! Leaks (13): no answer carries a stack trace, a framework debug page or the secret.

use super::{Kind, Probe, ProbeResult, Setup, Verdict};

/// Words that only a stack trace or a debug page prints.
const TELLTALES: &[(&str, &str)] = &[
    ("Traceback (most recent call last)", "a Python stack trace"),
    ("File \"/", "a Python stack trace"),
    ("\n    at ", "a JavaScript or Java stack trace"),
    ("Exception in thread", "a Java stack trace"),
    ("goroutine ", "a Go stack trace"),
    ("panicked at", "a Rust panic"),
    ("Werkzeug Debugger", "the Werkzeug debug page"),
    ("Whitelabel Error Page", "the Spring Boot error page"),
    ("DEBUG = True", "the Django debug page"),
    ("<title>Error</title>", "the Express error page"),
    ("Stack trace:", "a stack trace"),
];

pub fn probe() -> Probe {
    let mut probe = Probe::new(
        13,
        "leaks",
        "error answers free of stack traces, debug pages and the secret",
        "an error answer tells an attacker the code, the framework and its versions (or the secret itself)",
        "turn debug mode off in production and answer errors with a short fixed body ({\"error\": \"invalid signature\"})",
    );
    probe.kind = Kind::Answers;
    probe
}

pub fn judge(setup: &Setup, probe: Probe, results: &[ProbeResult]) -> ProbeResult {
    let secrets: Vec<String> = setup
        .keys
        .secrets()
        .chain(setup.keys.credentials.iter().map(|(_, s)| s))
        .map(|s| s.expose().to_owned())
        .filter(|s| s.len() >= 8)
        .collect();
    let mut found = None;
    let mut answers = 0;
    'all: for result in results {
        for request in &result.requests {
            if request.answer.is_empty() {
                continue;
            }
            answers += 1;
            let text = String::from_utf8_lossy(&request.answer);
            let leak = TELLTALES
                .iter()
                .find(|(word, _)| text.contains(word))
                .map(|(_, what)| (*what).to_owned())
                .or_else(|| secrets.iter().any(|s| text.contains(s.as_str())).then(|| "the signing secret".into()));
            if let Some(what) = leak {
                found = Some(format!("probe {} ({}): the answer shows {what}", result.number, request.label));
                break 'all;
            }
        }
    }
    let verdict = if found.is_some() { Verdict::Fail } else { Verdict::Pass };
    ProbeResult {
        number: probe.number,
        id: probe.id,
        title: probe.title,
        verdict,
        detail: found.or_else(|| Some(format!("{answers} answer bodies read"))),
        meaning: (verdict == Verdict::Fail).then_some(probe.meaning),
        fix: (verdict == Verdict::Fail).then_some(probe.fix),
        requests: Vec::new(),
    }
}
