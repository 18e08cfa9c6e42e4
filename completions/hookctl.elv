
use builtin;
use str;

set edit:completion:arg-completer[hookctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hookctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hookctl'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand providers 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
            cand fixtures 'List fixtures, or print one rendered with fresh ids and timestamps'
            cand sign 'Print the headers a provider would send for a body (for curl and tests)'
            cand send 'Render a fixture, sign it as the provider does and POST it to your app'
            cand verify 'Verify a captured request and explain why its signature fails'
            cand listen 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would'
            cand events 'The stored events: list, show, export, import, delete'
            cand replay 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;providers'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;fixtures'= {
            cand --set 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)'
            cand --timestamp 'The time to render and sign at: unix seconds or RFC 3339 [default: now]'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;sign'= {
            cand --event 'Sign this event''s fixture (printed after the headers): EVENT or EVENT:VARIANT. With a FILE, it only names the body''s event type, for headers such as X-GitHub-Event'
            cand --set 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)'
            cand --timestamp 'The time to render and sign at: unix seconds or RFC 3339 [default: now]'
            cand --secret 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)'
            cand --secret-file 'Read the signing secret from a file (one final line break is ignored)'
            cand --api-key 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)'
            cand --id 'The message id for schemes that sign one [default: a fresh id in the provider''s format]'
            cand --content-type 'The body''s Content-Type [default: form-encoded for a form body of a provider that sends forms (Slack''s slash commands), else the provider''s]'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;send'= {
            cand --to 'Where to POST: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider''s route) or a path [default: the profile''s URL + the provider''s route]'
            cand --set 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)'
            cand --timestamp 'The time to render and sign at: unix seconds or RFC 3339 [default: now]'
            cand --body 'Send this payload instead of a fixture, still signed; - reads stdin'
            cand --content-type 'The body''s Content-Type [default: form-encoded for a form --body or fixture of a provider that sends forms (Slack''s slash commands), else the provider''s]'
            cand -H 'Add or replace a header after signing: -H ''Name: value'' (repeatable)'
            cand --header 'Add or replace a header after signing: -H ''Name: value'' (repeatable)'
            cand --id 'The message id for schemes that sign one [default: fresh per delivery]'
            cand --timeout 'How long to wait for an answer [default: the provider''s documented deadline, else 10s]'
            cand --time-scale 'Divide every retry wait by N (--time-scale 60 turns minutes into seconds)'
            cand --repeat 'Send each event N times, each with fresh ids'
            cand --concurrency 'Deliveries in flight at once'
            cand --duplicate 'Deliver each event N times with the same event id and body, as a provider''s duplicate delivery does'
            cand --secret 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)'
            cand --secret-file 'Read the signing secret from a file (one final line break is ignored)'
            cand --api-key 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --dry-run 'Print the exact request and an equivalent curl command; send nothing'
            cand --retry 'On a non-2xx answer or no answer, retry on the provider''s documented schedule, re-signing each attempt'
            cand --shuffle 'Deliver in random order'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;verify'= {
            cand --provider 'The provider whose scheme applies [default: detected from the headers and route]'
            cand --body 'Verify these body bytes (with -H) instead of a capture'
            cand -H 'A header of the request, with --body: -H ''Name: value'' (repeatable)'
            cand --header 'A header of the request, with --body: -H ''Name: value'' (repeatable)'
            cand --path 'The request path, with --body, for provider detection'
            cand --event 'Verify a stored event (the `#N` listen prints)'
            cand --entry 'Verify only this entry of a HAR file or record of a JSON lines file (1-based)'
            cand --at 'Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]'
            cand --secret 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)'
            cand --secret-file 'Read the signing secret from a file (one final line break is ignored)'
            cand --api-key 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;listen'= {
            cand -p 'The port to listen on; 0 picks a free one'
            cand --port 'The port to listen on; 0 picks a free one'
            cand --host 'The address to bind (a non-loopback address exposes the listener to the network)'
            cand --secret 'A provider''s signing secret: PROVIDER=SECRET (repeatable; prefer the provider''s env var)'
            cand --respond 'Answer every delivery with this status, to simulate a failing endpoint'
            cand --fail-rate 'Answer this share of deliveries (0 to 1) with 500'
            cand --forward-to 'Forward each delivery to your app and relay its answer'
            cand --events 'Print only events whose type matches this glob (''payment.*''); every event is still stored'
            cand --read-timeout 'How long a sender may take over its headers (then the connection is closed) and its body (then it gets 408)'
            cand --max-body 'The largest body accepted; bigger ones get 413'
            cand --max-memory 'The memory all bodies being received may hold together; a body that does not fit gets 503 with Retry-After (an eighth is kept for bodies up to 256 KiB, so usual deliveries still get in)'
            cand --max-connections 'The most connections open at once (fewer if the open-file limit is lower); at the limit, the connection idle the longest is closed to make room for a new one'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --keep-credentials 'Store credential headers (Authorization) as received instead of redacted'
            cand --reject-invalid 'Answer a delivery whose signature fails with 401, as a strict receiver would'
            cand -v 'Print each delivery''s headers and pretty-printed body too'
            cand --verbose 'Print each delivery''s headers and pretty-printed body too'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List stored events, oldest first'
            cand show 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
            cand export 'Export events as JSON lines (hookctl''s request JSON) or HAR'
            cand import 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
            cand delete 'Delete events by id, or all of them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;events;list'= {
            cand --last 'Only the newest N'
            cand --provider 'Only this provider''s'
            cand --type 'Only event types matching this glob (''payment.*'')'
            cand --since 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events;show'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --raw 'Print the request as raw HTTP/1.1'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events;export'= {
            cand --last 'Only the newest N'
            cand --provider 'Only this provider''s'
            cand --type 'Only event types matching this glob (''payment.*'')'
            cand --since 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)'
            cand --format 'The format to write'
            cand -o 'Write to this file instead of stdout'
            cand --output 'Write to this file instead of stdout'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events;import'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --all-entries 'Keep every entry, also those that look like no provider''s webhook (a browser HAR''s pages and scripts)'
            cand --keep-credentials 'Store credential headers (Authorization, Cookie, …) as recorded instead of redacted'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events;delete'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --all 'Delete every stored event'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;events;help'= {
            cand list 'List stored events, oldest first'
            cand show 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
            cand export 'Export events as JSON lines (hookctl''s request JSON) or HAR'
            cand import 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
            cand delete 'Delete events by id, or all of them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;events;help;list'= {
        }
        &'hookctl;events;help;show'= {
        }
        &'hookctl;events;help;export'= {
        }
        &'hookctl;events;help;import'= {
        }
        &'hookctl;events;help;delete'= {
        }
        &'hookctl;events;help;help'= {
        }
        &'hookctl;replay'= {
            cand --last 'Only the newest N'
            cand --provider 'Only this provider''s'
            cand --type 'Only event types matching this glob (''payment.*'')'
            cand --since 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)'
            cand --from 'Replay the requests in this file (an `events export`, a HAR file or a raw HTTP capture) instead of the store'
            cand --fixtures 'Replay every fixture of a provider, or those matching PROVIDER/GLOB (''payvost/payment.*'')'
            cand --to 'Where to send: a URL, host:port or a port; each provider''s route is appended to a bare base [default: the profile''s URL]'
            cand --concurrency 'Deliveries in flight at once'
            cand --rate 'Start at most R deliveries per second'
            cand --time-scale 'Divide every retry wait by N'
            cand --timeout 'How long to wait for each answer [default: each provider''s documented deadline, else 10s]'
            cand --report 'Also write the final report as JSON to this file'
            cand --secret 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)'
            cand --secret-file 'Read the signing secret from a file (one final line break is ignored)'
            cand --api-key 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --invalid 'Only events whose signature did not verify when received'
            cand --valid 'Only events whose signature verified when received'
            cand --verbatim 'Send the captured bytes and headers exactly, without re-signing'
            cand --retry 'Retry failed deliveries on each provider''s documented schedule'
            cand --shuffle 'Deliver in random order (by default events with the same event id keep their order)'
            cand -y 'Do not ask before sending more than 20 events to a host that is not this machine'
            cand --yes 'Do not ask before sending more than 20 events to a host that is not this machine'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;completions'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;man'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
            cand --store 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]'
            cand --json 'Print JSON on stdout (one object per result) instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookctl;help'= {
            cand providers 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
            cand fixtures 'List fixtures, or print one rendered with fresh ids and timestamps'
            cand sign 'Print the headers a provider would send for a body (for curl and tests)'
            cand send 'Render a fixture, sign it as the provider does and POST it to your app'
            cand verify 'Verify a captured request and explain why its signature fails'
            cand listen 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would'
            cand events 'The stored events: list, show, export, import, delete'
            cand replay 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;help;providers'= {
        }
        &'hookctl;help;fixtures'= {
        }
        &'hookctl;help;sign'= {
        }
        &'hookctl;help;send'= {
        }
        &'hookctl;help;verify'= {
        }
        &'hookctl;help;listen'= {
        }
        &'hookctl;help;events'= {
            cand list 'List stored events, oldest first'
            cand show 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
            cand export 'Export events as JSON lines (hookctl''s request JSON) or HAR'
            cand import 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
            cand delete 'Delete events by id, or all of them'
        }
        &'hookctl;help;events;list'= {
        }
        &'hookctl;help;events;show'= {
        }
        &'hookctl;help;events;export'= {
        }
        &'hookctl;help;events;import'= {
        }
        &'hookctl;help;events;delete'= {
        }
        &'hookctl;help;replay'= {
        }
        &'hookctl;help;completions'= {
        }
        &'hookctl;help;man'= {
        }
        &'hookctl;help;help'= {
        }
    ]
    $completions[$command]
}
