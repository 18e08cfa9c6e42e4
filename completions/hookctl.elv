
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
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;providers'= {
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
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
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
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
            cand --entry 'Verify only this entry of a HAR file or record of a JSON lines file (1-based)'
            cand --at 'Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]'
            cand --secret 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)'
            cand --secret-file 'Read the signing secret from a file (one final line break is ignored)'
            cand --api-key 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)'
            cand --color 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal'
            cand --providers 'A folder of provider folders (or one provider folder) that add or override providers by name'
            cand --config 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]'
            cand --profile 'A profile of the config file: its base URL and secret sources'
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
        &'hookctl;help;completions'= {
        }
        &'hookctl;help;man'= {
        }
        &'hookctl;help;help'= {
        }
    ]
    $completions[$command]
}
