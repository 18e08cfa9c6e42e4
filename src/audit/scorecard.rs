//! The scorecard: a line per probe (and per request under a failure), as JSON lines, or as a JUnit report.

use std::fmt::Write as _;

use serde_json::json;

use super::{Probe, ProbeResult, Totals, Verdict};
use crate::output::{Role, Style, sanitize};

fn role(verdict: Verdict) -> Role {
    match verdict {
        Verdict::Pass => Role::Ok,
        Verdict::Warn => Role::Warn,
        Verdict::Fail => Role::Fail,
        Verdict::Skip => Role::Dim,
    }
}

/// The human scorecard.
pub fn text(
    provider: &str,
    target: &str,
    deadline: std::time::Duration,
    results: &[ProbeResult],
    totals: Totals,
    style: Style,
) -> String {
    let deadline = humantime::format_duration(deadline);
    let mut out = format!("audit of {} as {provider} (deadline {deadline})\n\n", sanitize(target, false));
    for result in results {
        let word = style.out(role(result.verdict), &format!("{:4}", result.verdict.word().to_uppercase()));
        let _ = writeln!(out, "{word}  {:>2}  {}", result.number, result.title);
        for request in &result.requests {
            if result.verdict != Verdict::Fail && result.requests.len() > 3 {
                break;
            }
            let got = match request.status {
                Some(status) => format!("{status} in {} ms", request.latency_ms),
                None => format!("no answer ({} ms)", request.latency_ms),
            };
            let line = format!(
                "          {} {} ({} bytes) → {got}; expected {}",
                request.method, request.label, request.bytes, request.expected
            );
            let line = sanitize(&line, false);
            let shown = if request.verdict == Verdict::Fail { style.out(Role::Fail, &line) } else { line.into_owned() };
            let _ = writeln!(out, "{shown}");
            if let Some(answered) = &request.answered {
                let _ = writeln!(out, "            answered: {answered}");
            }
        }
        if let Some(detail) = &result.detail {
            let _ = writeln!(out, "          {}", sanitize(detail, false));
        }
        if let (Some(meaning), Some(fix)) = (result.meaning, result.fix) {
            let _ = writeln!(out, "          {}: {meaning}", style.out(Role::Fail, "means"));
            let _ = writeln!(out, "          {}: {fix}", style.out(Role::Ok, "fix"));
        }
    }
    let line = format!(
        "\n{} passed, {} warned, {} failed, {} skipped; {} requests\n",
        totals.pass, totals.warn, totals.fail, totals.skip, totals.requests
    );
    out.push_str(&style.out(if totals.fail == 0 { Role::Ok } else { Role::Fail }, &line));
    out
}

/// One JSON object per probe.
pub fn probe_json(result: &ProbeResult) -> serde_json::Value {
    let mut value = serde_json::to_value(result).unwrap_or_default();
    value["kind"] = json!("probe");
    value
}

pub fn summary_json(provider: &str, target: &str, totals: Totals) -> serde_json::Value {
    json!({
        "kind": "summary",
        "provider": provider,
        "target": target,
        "passed": totals.pass,
        "warned": totals.warn,
        "failed": totals.fail,
        "skipped": totals.skip,
        "requests": totals.requests,
        "ok": totals.fail == 0,
    })
}

/// What `--dry-run` prints for one probe.
pub fn dry_run_text(probe: &Probe) -> String {
    let mut out = format!("{:>2}  {}\n", probe.number, probe.title);
    if let Some(why) = &probe.skipped {
        let _ = writeln!(out, "    skipped: {why}");
    }
    if probe.kind == super::Kind::Answers {
        let _ = writeln!(out, "    reads the answers of the other probes");
    }
    for step in &probe.steps {
        let _ = writeln!(
            out,
            "    {} {} ({} bytes): {}; expects {}",
            step.request.method,
            crate::dispatch::shown(&step.url),
            step.request.body.len(),
            step.label,
            step.expect.describe()
        );
    }
    sanitize(&out, true).into_owned()
}

pub fn dry_run_json(probe: &Probe) -> serde_json::Value {
    json!({
        "kind": "dry-run",
        "number": probe.number,
        "id": probe.id,
        "title": probe.title,
        "skipped": probe.skipped,
        "requests": probe.steps.iter().map(|step| json!({
            "label": step.label,
            "method": step.request.method,
            "url": crate::dispatch::shown(&step.url),
            "bytes": step.request.body.len(),
            "expected": step.expect.describe(),
        })).collect::<Vec<_>>(),
    })
}

/// A JUnit XML report: a test suite of the probes, a test case each (failure, skipped, or passed; a warning
/// passes with its detail in system-out).
pub fn junit(provider: &str, results: &[ProbeResult], totals: Totals) -> String {
    let time: u64 = results.iter().flat_map(|r| &r.requests).map(|r| r.latency_ms).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites>\n  <testsuite name=\"hookctl audit {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        xml(provider),
        results.len(),
        totals.fail,
        totals.skip,
        time as f64 / 1000.0
    );
    for result in results {
        let time: u64 = result.requests.iter().map(|r| r.latency_ms).sum();
        let _ = write!(
            out,
            "    <testcase classname=\"hookctl.audit.{}\" name=\"{} {}\" time=\"{:.3}\"",
            xml(provider),
            result.number,
            xml(result.id),
            time as f64 / 1000.0
        );
        let detail = xml(result.detail.as_deref().unwrap_or_default());
        match result.verdict {
            Verdict::Pass => out.push_str("/>\n"),
            Verdict::Skip => {
                let _ = writeln!(out, ">\n      <skipped message=\"{detail}\"/>\n    </testcase>");
            }
            Verdict::Warn => {
                let _ = writeln!(out, ">\n      <system-out>warning: {detail}</system-out>\n    </testcase>");
            }
            Verdict::Fail => {
                let body = format!(
                    "{}\nmeans: {}\nfix: {}",
                    result.title,
                    result.meaning.unwrap_or_default(),
                    result.fix.unwrap_or_default()
                );
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{detail}\" type=\"{}\">{}</failure>\n    </testcase>",
                    xml(result.id),
                    xml(&body)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text escaped for XML attributes and content; control characters (not allowed in XML 1.0) become `?`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escapes() {
        assert_eq!(super::xml("a<b & \"c\"\u{1b}"), "a&lt;b &amp; &quot;c&quot;?");
    }
}
