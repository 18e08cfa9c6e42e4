
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hookctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hookctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hookctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the providers, or show one: scheme, headers, routes, retry schedule, events')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'List fixtures, or print one rendered with fresh ids and timestamps')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the headers a provider would send for a body (for curl and tests)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Render a fixture, sign it as the provider does and POST it to your app')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a captured request and explain why its signature fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'The stored events: list, show, export, import, delete')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;providers' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;fixtures' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The time to render and sign at: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;sign' {
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Sign this event''s fixture (printed after the headers): EVENT or EVENT:VARIANT. With a FILE, it only names the body''s event type, for headers such as X-GitHub-Event')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The time to render and sign at: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the signing secret from a file (one final line break is ignored)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The message id for schemes that sign one [default: a fresh id in the provider''s format]')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'The body''s Content-Type [default: form-encoded for a form body of a provider that sends forms (Slack''s slash commands), else the provider''s]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to POST: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider''s route) or a path [default: the profile''s URL + the provider''s route]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field of the rendered fixture: path=value keeps the field''s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The time to render and sign at: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Send this payload instead of a fixture, still signed; - reads stdin')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'The body''s Content-Type [default: form-encoded for a form --body or fixture of a provider that sends forms (Slack''s slash commands), else the provider''s]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add or replace a header after signing: -H ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add or replace a header after signing: -H ''Name: value'' (repeatable)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The message id for schemes that sign one [default: fresh per delivery]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer [default: the provider''s documented deadline, else 10s]')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Divide every retry wait by N (--time-scale 60 turns minutes into seconds)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Send each event N times, each with fresh ids')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once')
            [CompletionResult]::new('--duplicate', '--duplicate', [CompletionResultType]::ParameterName, 'Deliver each event N times with the same event id and body, as a provider''s duplicate delivery does')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the signing secret from a file (one final line break is ignored)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request and an equivalent curl command; send nothing')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'On a non-2xx answer or no answer, retry on the provider''s documented schedule, re-signing each attempt')
            [CompletionResult]::new('--shuffle', '--shuffle', [CompletionResultType]::ParameterName, 'Deliver in random order')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;verify' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'The provider whose scheme applies [default: detected from the headers and route]')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Verify these body bytes (with -H) instead of a capture')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header of the request, with --body: -H ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header of the request, with --body: -H ''Name: value'' (repeatable)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The request path, with --body, for provider detection')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Verify a stored event (the `#N` listen prints)')
            [CompletionResult]::new('--entry', '--entry', [CompletionResultType]::ParameterName, 'Verify only this entry of a HAR file or record of a JSON lines file (1-based)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the signing secret from a file (one final line break is ignored)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The port to listen on; 0 picks a free one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port to listen on; 0 picks a free one')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The address to bind (a non-loopback address exposes the listener to the network)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A provider''s signing secret: PROVIDER=SECRET (repeatable; prefer the provider''s env var)')
            [CompletionResult]::new('--respond', '--respond', [CompletionResultType]::ParameterName, 'Answer every delivery with this status, to simulate a failing endpoint')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Answer this share of deliveries (0 to 1) with 500')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Forward each delivery to your app and relay its answer')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Print only events whose type matches this glob (''payment.*''); every event is still stored')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long a sender may take over its headers (then the connection is closed) and its body (then it gets 408)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'The largest body accepted; bigger ones get 413')
            [CompletionResult]::new('--max-memory', '--max-memory', [CompletionResultType]::ParameterName, 'The memory all bodies being received may hold together; a body that does not fit gets 503 with Retry-After (an eighth is kept for bodies up to 256 KiB, so usual deliveries still get in)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'The most connections open at once (fewer if the open-file limit is lower); at the limit, the connection idle the longest is closed to make room for a new one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--keep-credentials', '--keep-credentials', [CompletionResultType]::ParameterName, 'Store credential headers (Authorization) as received instead of redacted')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'Answer a delivery whose signature fails with 401, as a strict receiver would')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each delivery''s headers and pretty-printed body too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each delivery''s headers and pretty-printed body too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export events as JSON lines (hookctl''s request JSON) or HAR')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete events by id, or all of them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;events;list' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the newest N')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (''payment.*'')')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events;show' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the request as raw HTTP/1.1')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events;export' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the newest N')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (''payment.*'')')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The format to write')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events;import' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--all-entries', '--all-entries', [CompletionResultType]::ParameterName, 'Keep every entry, also those that look like no provider''s webhook (a browser HAR''s pages and scripts)')
            [CompletionResult]::new('--keep-credentials', '--keep-credentials', [CompletionResultType]::ParameterName, 'Store credential headers (Authorization, Cookie, …) as recorded instead of redacted')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events;delete' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every stored event')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;events;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export events as JSON lines (hookctl''s request JSON) or HAR')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete events by id, or all of them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;events;help;list' {
            break
        }
        'hookctl;events;help;show' {
            break
        }
        'hookctl;events;help;export' {
            break
        }
        'hookctl;events;help;import' {
            break
        }
        'hookctl;events;help;delete' {
            break
        }
        'hookctl;events;help;help' {
            break
        }
        'hookctl;replay' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the newest N')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (''payment.*'')')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Replay the requests in this file (an `events export`, a HAR file or a raw HTTP capture) instead of the store')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'Replay every fixture of a provider, or those matching PROVIDER/GLOB (''payvost/payment.*'')')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send: a URL, host:port or a port; each provider''s route is appended to a bare base [default: the profile''s URL]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Start at most R deliveries per second')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Divide every retry wait by N')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each answer [default: each provider''s documented deadline, else 10s]')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write the final report as JSON to this file')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The signing secret (visible in the process list: prefer --secret-file or the provider''s env var)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the signing secret from a file (one final line break is ignored)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'The API key for providers that send one beside the signature (VerifyNow''s `Authorization: api-key …`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--invalid', '--invalid', [CompletionResultType]::ParameterName, 'Only events whose signature did not verify when received')
            [CompletionResult]::new('--valid', '--valid', [CompletionResultType]::ParameterName, 'Only events whose signature verified when received')
            [CompletionResult]::new('--verbatim', '--verbatim', [CompletionResultType]::ParameterName, 'Send the captured bytes and headers exactly, without re-signing')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry failed deliveries on each provider''s documented schedule')
            [CompletionResult]::new('--shuffle', '--shuffle', [CompletionResultType]::ParameterName, 'Deliver in random order (by default events with the same event id keep their order)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before sending more than 20 events to a host that is not this machine')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before sending more than 20 events to a host that is not this machine')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'A folder of provider folders (or one provider folder) that add or override providers by name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./hookctl.toml, then the user config dir''s hookctl/hookctl.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile of the config file: its base URL and secret sources')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The event store (SQLite) [default: the user data dir''s hookctl/events.db]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON on stdout (one object per result) instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookctl;help' {
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the providers, or show one: scheme, headers, routes, retry schedule, events')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'List fixtures, or print one rendered with fresh ids and timestamps')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the headers a provider would send for a body (for curl and tests)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Render a fixture, sign it as the provider does and POST it to your app')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a captured request and explain why its signature fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'The stored events: list, show, export, import, delete')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;help;providers' {
            break
        }
        'hookctl;help;fixtures' {
            break
        }
        'hookctl;help;sign' {
            break
        }
        'hookctl;help;send' {
            break
        }
        'hookctl;help;verify' {
            break
        }
        'hookctl;help;listen' {
            break
        }
        'hookctl;help;events' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export events as JSON lines (hookctl''s request JSON) or HAR')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete events by id, or all of them')
            break
        }
        'hookctl;help;events;list' {
            break
        }
        'hookctl;help;events;show' {
            break
        }
        'hookctl;help;events;export' {
            break
        }
        'hookctl;help;events;import' {
            break
        }
        'hookctl;help;events;delete' {
            break
        }
        'hookctl;help;replay' {
            break
        }
        'hookctl;help;completions' {
            break
        }
        'hookctl;help;man' {
            break
        }
        'hookctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
