//! An event named by a header and a payload field together: GitHub's `X-GitHub-Event: pull_request` with
//! `"action": "opened"` is the event `pull_request.opened`.

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET)
}

#[test]
fn github_kinds_are_header_and_action_sent_as_the_header_and_named_whole_on_receipt() {
    let fixtures = hookctl(&["fixtures", "github"]).ok();
    for kind in ["pull_request.opened", "pull_request.closed", "issues.opened", "issues.closed"] {
        // The event alone, or its variants (the imported example and the hand-written one).
        let named = |l: &str| l.split_whitespace().nth(1).is_some_and(|n| n.split(':').next() == Some(kind));
        assert!(fixtures.lines().any(named), "{kind} in {fixtures}");
    }

    // Sent: the header carries the type alone, the payload the action; the old `EVENT:VARIANT` spelling and the
    // bare type still name a kind.
    let server = TestServer::start();
    for spec in ["pull_request.closed", "pull_request:opened", "issues"] {
        send(&["github", spec, "--to", &server.to()]).ok();
    }
    let sent: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| {
            (
                r.header("X-GitHub-Event").expect("the event header"),
                r.json()["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    // The bare type is the first of its kinds in the catalog, which lists the imported kinds by name.
    let expected = [("pull_request", "closed"), ("pull_request", "opened"), ("issues", "assigned")];
    assert_eq!(sent, expected.map(|(e, a)| (e.to_owned(), a.to_owned())));

    // Received: listen names the whole kind, and a kind the catalog lacks is named too (not as its bare type).
    let listening = listen(&[]);
    send(&["github", "pull_request.closed", "--to", &listening.to()]).ok();
    send(&["github", "issues.opened", "--set", "action=reopened", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(2);
    assert!(lines[0].contains("pull_request.closed") && lines[0].contains("✓ schema"), "{lines:#?}");
    assert!(lines[1].contains("issues.reopened"), "{lines:#?}");
    let types: Vec<String> =
        listening.events().iter().map(|e| e["event"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(types, ["pull_request.closed", "issues.reopened"]);
}
