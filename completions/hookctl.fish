# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookctl_global_optspecs
    string join \n color= json providers= config= profile= h/help V/version
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
complete -c hookctl -n "__fish_hookctl_needs_command" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookctl -n "__fish_hookctl_needs_command" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "providers" -d 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "fixtures" -d 'List fixtures, or print one rendered with fresh ids and timestamps'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "sign" -d 'Print the headers a provider would send for a body (for curl and tests)'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "send" -d 'Render a fixture, sign it as the provider does and POST it to your app'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "verify" -d 'Verify a captured request and explain why its signature fails'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c hookctl -n "__fish_hookctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand providers" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
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
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l to -d 'Where to POST: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider\'s route) or a path [default: the profile\'s URL + the provider\'s route]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l set -d 'Override a field of the rendered fixture: path=value keeps the field\'s type, path:=json takes JSON; the path must exist (data.amount, data.items.0.id)' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l timestamp -d 'The time to render and sign at: unix seconds or RFC 3339 [default: now]' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand send" -l body -d 'Send this payload instead of a fixture, still signed; - reads stdin' -r -F
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
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l color -d 'When to colour output: auto honours NO_COLOR and whether the stream is a terminal' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l providers -d 'A folder of provider folders (or one provider folder) that add or override providers by name' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l config -d 'The config file [default: ./hookctl.toml, then the user config dir\'s hookctl/hookctl.toml]' -r -F
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l profile -d 'A profile of the config file: its base URL and secret sources' -r
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -l json -d 'Print JSON on stdout (one object per result) instead of text'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookctl -n "__fish_hookctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "providers" -d 'List the providers, or show one: scheme, headers, routes, retry schedule, events'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "fixtures" -d 'List fixtures, or print one rendered with fresh ids and timestamps'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "sign" -d 'Print the headers a provider would send for a body (for curl and tests)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "send" -d 'Render a fixture, sign it as the provider does and POST it to your app'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "verify" -d 'Verify a captured request and explain why its signature fails'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c hookctl -n "__fish_hookctl_using_subcommand help; and not __fish_seen_subcommand_from providers fixtures sign send verify completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
