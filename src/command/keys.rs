//! `hookctl keys generate PROVIDER`: a test key pair for a provider that signs with a private key.

use serde_json::json;

use super::App;
use crate::cli::{KeysCommand, KeysGenerateArgs};
use crate::error::{Error, ExitCode};
use crate::output::{self, Role, sanitize};

pub fn run(app: &App, command: &KeysCommand) -> Result<ExitCode, Error> {
    match command {
        KeysCommand::Generate(args) => generate(app, args),
    }
}

fn generate(app: &App, args: &KeysGenerateArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let provider = catalog.get(&args.provider)?;
    let scheme = &provider.scheme;
    let Some(algorithm) = scheme.algorithm.asymmetric() else {
        let (message, hint) = if scheme.is_signed() {
            (
                format!(
                    "{} signs with {}, a secret both sides share: there is no key pair to generate",
                    provider.name, scheme.algorithm
                ),
                format!(
                    "give your app and hookctl the same secret ({})",
                    provider.secret_env.first().map_or("HOOKCTL_SECRET", String::as_str)
                ),
            )
        } else {
            (format!("{} does not sign its deliveries: there is no key to generate", provider.name), String::new())
        };
        return Err(Error::usage(message, Some(hint).filter(|h| !h.is_empty())));
    };
    let path = match &args.out {
        Some(path) => path.clone(),
        None => crate::keys::test_key_path(&provider.name),
    };
    let private = algorithm.generate().map_err(|e| Error::usage(e, None))?;
    let public = private.public();
    crate::keys::write_private_key(&path, &private.serialise(&scheme.key_forms), args.force)?;
    let shown = public.show(&scheme.key_forms);
    let found_by = if args.out.is_some() {
        format!("pass --secret-file {} to sign with it", path.display())
    } else {
        "sign, send, replay and audit use it when no other key is given".to_owned()
    };
    let configure = match provider.secret_env.first() {
        Some(env) => format!(" (such as {env})"),
        None => String::new(),
    };
    if app.json {
        output::print_json(&json!({
            "provider": provider.name,
            "algorithm": scheme.algorithm.to_string(),
            "public_key": shown,
            "private_key_file": path.display().to_string(),
            "sha256": public.fingerprint(),
        }))?;
    } else {
        output::print(&format!("{shown}\n"))?;
    }
    let style = &app.style;
    eprintln!(
        "hookctl: wrote a test {} private key for {} to {} (mode 0600); {found_by}",
        scheme.algorithm,
        sanitize(&provider.name, false),
        sanitize(&path.display().to_string(), false)
    );
    eprintln!(
        "hookctl: {}: configure your app with the public key above where it expects {}'s{configure}; public key sha256 {}",
        style.err(Role::Name, "next"),
        sanitize(&provider.title, false),
        public.fingerprint()
    );
    Ok(ExitCode::Success)
}
