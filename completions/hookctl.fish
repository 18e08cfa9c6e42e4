# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookctl_global_optspecs
    string join \n color= json providers= config= profile= store= h/help V/version
end

function __fish_hookctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hookctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hookctl_using_subcommand
    set -l cmd (__fish_hookctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hookctl -n "__fish_hookctl_needs_command" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_needs_command" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_needs_command" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_needs_command" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_needs_command" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_needs_command" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_needs_command" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "providers" -d 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "fixtures" -d 'List fixtures, or print one rendered with fresh ids and timestamps'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "sign" -d 'Print the headers a provider would send for a body (for curl and tests)'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "send" -d 'Render a fixture, sign it as the provider does and POST it to your app'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "verify" -d 'Verify a captured request and explain why its signature fails'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "listen" -d 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "events" -d 'The stored events: list, show, export, import, delete'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "replay" -d 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l set -d 'Override a field of the rendered fixture: path=value keeps the field\'s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l timestamp -d 'The time to render and sign at: unix seconds or RFC 3339 [default: now]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand fixtures" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l event -d 'Sign this event\'s fixture (printed after the headers): EVENT or EVENT:VARIANT. With a FILE, it only names the body\'s event type, for headers such as X-GitHub-Event' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l set -d 'Override a field of the rendered fixture: path=value keeps the field\'s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l timestamp -d 'The time to render and sign at: unix seconds or RFC 3339 [default: now]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l secret -d 'The signing secret (visible in the process list: prefer --secret-file or the provider\'s env var)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l secret-file -d 'Read the signing secret from a file (one final line break is ignored)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l api-key -d 'The API key for providers that send one beside the signature (VerifyNow\'s `Authorization: api-key …`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l id -d 'The message id for schemes that sign one [default: a fresh id in the provider\'s format]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l content-type -d 'The body\'s Content-Type [default: form-encoded for a form body of a provider that sends forms (Slack\'s slash commands), else the provider\'s]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l to -d 'Where to POST: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider\'s route) or a path [default: the profile\'s URL + the provider\'s route]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l set -d 'Override a field of the rendered fixture: path=value keeps the field\'s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l timestamp -d 'The time to render and sign at: unix seconds or RFC 3339 [default: now]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l body -d 'Send this payload instead of a fixture, still signed; - reads stdin' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l content-type -d 'The body\'s Content-Type [default: form-encoded for a form --body or fixture of a provider that sends forms (Slack\'s slash commands), else the provider\'s]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s H -l header -d 'Add or replace a header after signing: -H \'Name: value\' (repeatable)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l id -d 'The message id for schemes that sign one [default: fresh per delivery]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l timeout -d 'How long to wait for an answer [default: the provider\'s documented deadline, else 10s]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l time-scale -d 'Divide every retry wait by N (--time-scale 60 turns minutes into seconds)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l repeat -d 'Send each event N times, each with fresh ids' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l concurrency -d 'Deliveries in flight at once' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l duplicate -d 'Deliver each event N times with the same event id and body, as a provider\'s duplicate delivery does' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l secret -d 'The signing secret (visible in the process list: prefer --secret-file or the provider\'s env var)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l secret-file -d 'Read the signing secret from a file (one final line break is ignored)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l api-key -d 'The API key for providers that send one beside the signature (VerifyNow\'s `Authorization: api-key …`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l dry-run -d 'Print the exact request and an equivalent curl command; send nothing'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l retry -d 'On a non-2xx answer or no answer, retry on the provider\'s documented schedule, re-signing each attempt'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l shuffle -d 'Deliver in random order'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l provider -d 'The provider whose scheme applies [default: detected from the headers and route]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l body -d 'Verify these body bytes (with -H) instead of a capture' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -s H -l header -d 'A header of the request, with --body: -H \'Name: value\' (repeatable)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l path -d 'The request path, with --body, for provider detection' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l event -d 'Verify a stored event (the `#N` listen prints)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l entry -d 'Verify only this entry of a HAR file or record of a JSON lines file (1-based)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l at -d 'Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l secret -d 'The signing secret (visible in the process list: prefer --secret-file or the provider\'s env var)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l secret-file -d 'Read the signing secret from a file (one final line break is ignored)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l api-key -d 'The API key for providers that send one beside the signature (VerifyNow\'s `Authorization: api-key …`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s p -l port -d 'The port to listen on; 0 picks a free one' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l host -d 'The address to bind (a non-loopback address exposes the listener to the network)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l secret -d 'A provider\'s signing secret: PROVIDER=SECRET (repeatable; prefer the provider\'s env var)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l respond -d 'Answer every delivery with this status, to simulate a failing endpoint' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l fail-rate -d 'Answer this share of deliveries (0 to 1) with 500' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l forward-to -d 'Forward each delivery to your app and relay its answer' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l events -d 'Print only events whose type matches this glob (\'payment.*\'); every event is still stored' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l read-timeout -d 'How long a sender may take over its headers (then the connection is closed) and its body (then it gets 408)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-body -d 'The largest body accepted; bigger ones get 413' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-memory -d 'The memory all bodies being received may hold together; a body that does not fit gets 503 with Retry-After (an eighth is kept for bodies up to 256 KiB, so usual deliveries still get in)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l max-connections -d 'The most connections open at once (fewer if the open-file limit is lower); at the limit, the connection idle the longest is closed to make room for a new one' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l keep-credentials -d 'Store credential headers (Authorization) as received instead of redacted'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l reject-invalid -d 'Answer a delivery whose signature fails with 401, as a strict receiver would'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s v -l verbose -d 'Print each delivery\'s headers and pretty-printed body too'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "list" -d 'List stored events, oldest first'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "show" -d 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "export" -d 'Export events as JSON lines (hookctl\'s request JSON) or HAR'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "import" -d 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "delete" -d 'Delete events by id, or all of them'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and not __fish_seen_subcommand_from list show export import delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l last -d 'Only the newest N' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l provider -d 'Only this provider\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l type -d 'Only event types matching this glob (\'payment.*\')' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l since -d 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l raw -d 'Print the request as raw HTTP/1.1'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l last -d 'Only the newest N' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l provider -d 'Only this provider\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l type -d 'Only event types matching this glob (\'payment.*\')' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l since -d 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l format -d 'The format to write' -r -f -a "jsonl\t''
har\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l all-entries -d 'Keep every entry, also those that look like no provider\'s webhook (a browser HAR\'s pages and scripts)'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l keep-credentials -d 'Store credential headers (Authorization, Cookie, …) as recorded instead of redacted'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l all -d 'Delete every stored event'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "list" -d 'List stored events, oldest first'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export events as JSON lines (hookctl\'s request JSON) or HAR'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete events by id, or all of them'
complete -c hookctl -n "__fish_hookctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l last -d 'Only the newest N' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l provider -d 'Only this provider\'s' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l type -d 'Only event types matching this glob (\'payment.*\')' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l since -d 'Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l from -d 'Replay the requests in this file (an `events export`, a HAR file or a raw HTTP capture) instead of the store' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l fixtures -d 'Replay every fixture of a provider, or those matching PROVIDER/GLOB (\'payvost/payment.*\')' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l to -d 'Where to send: a URL, host:port or a port; each provider\'s route is appended to a bare base [default: the profile\'s URL]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l concurrency -d 'Deliveries in flight at once' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l rate -d 'Start at most R deliveries per second' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l time-scale -d 'Divide every retry wait by N' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l timeout -d 'How long to wait for each answer [default: each provider\'s documented deadline, else 10s]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l report -d 'Also write the final report as JSON to this file' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l secret -d 'The signing secret (visible in the process list: prefer --secret-file or the provider\'s env var)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l secret-file -d 'Read the signing secret from a file (one final line break is ignored)' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l api-key -d 'The API key for providers that send one beside the signature (VerifyNow\'s `Authorization: api-key …`)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l invalid -d 'Only events whose signature did not verify when received'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l valid -d 'Only events whose signature verified when received'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l verbatim -d 'Send the captured bytes and headers exactly, without re-signing'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l retry -d 'Retry failed deliveries on each provider\'s documented schedule'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l shuffle -d 'Deliver in random order (by default events with the same event id keep their order)'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s y -l yes -d 'Do not ask before sending more than 20 events to a host that is not this machine'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l store -d 'The event store (SQLite) [default: the user data dir\'s hookctl/events.db]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "providers" -d 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "fixtures" -d 'List fixtures, or print one rendered with fresh ids and timestamps'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "sign" -d 'Print the headers a provider would send for a body (for curl and tests)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "send" -d 'Render a fixture, sign it as the provider does and POST it to your app'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "verify" -d 'Verify a captured request and explain why its signature fails'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "listen" -d 'Receive webhooks locally: verify, validate, store and print each one, answer as the provider would'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "events" -d 'The stored events: list, show, export, import, delete'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "replay" -d 'Send stored, exported or fixture events to a URL, re-signed, at speed, with a report'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify listen events replay completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "list" -d 'List stored events, oldest first'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "show" -d 'Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "export" -d 'Export events as JSON lines (hookctl\'s request JSON) or HAR'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "import" -d 'Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "delete" -d 'Delete events by id, or all of them'
