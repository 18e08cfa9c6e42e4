//! `hookctl tokens create|list|revoke`: per-person tokens for an inspector served off loopback. A token is
//! printed once; the store keeps its SHA-256, so a copy of the store (or a read of the database) gives no one
//! access.

use serde_json::json;

use super::App;
use crate::cli::TokensCommand;
use crate::error::{Error, ExitCode};
use crate::output::{Role, sanitize};

pub fn run(app: &App, command: &TokensCommand) -> Result<ExitCode, Error> {
    match command {
        TokensCommand::Create { name } => create(app, name),
        TokensCommand::List => list(app),
        TokensCommand::Revoke { name } => revoke(app, name),
    }?;
    Ok(ExitCode::Success)
}

fn check_name(name: &str) -> Result<(), Error> {
    let fits = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if name.is_empty() || name.len() > 64 || !name.chars().all(fits) {
        return Err(Error::usage(
            format!("`{}` is not a token name", sanitize(name, false)),
            Some("use up to 64 letters, digits, `.`, `_`, `-` or `@` (a person's name or email)".into()),
        ));
    }
    Ok(())
}

fn create(app: &App, name: &str) -> Result<(), Error> {
    check_name(name)?;
    let mut store = app.store_or_create()?;
    let token = format!("hkt_{}", crate::ui::random_token());
    if !store.token_create(name, &crate::ui::token_hash(&token), chrono::Utc::now().timestamp_millis())? {
        return Err(Error::usage(
            format!("{name} has a token already"),
            Some(format!("`hookctl tokens revoke {name}` first, then create a new one")),
        ));
    }
    if app.json {
        println!("{}", json!({"name": name, "token": token}));
    } else {
        println!("{token}");
    }
    eprintln!(
        "hookctl: {}: the token for {name} is shown only now; {} keeps only its SHA-256. It opens the inspector \
         and its API (Authorization: Bearer TOKEN, or ?token=TOKEN once in a browser)",
        app.style.err(Role::Warn, "note"),
        store.location()
    );
    Ok(())
}

fn list(app: &App) -> Result<(), Error> {
    let store = app.store()?;
    let tokens = store.tokens()?;
    for (name, created) in &tokens {
        if app.json {
            println!("{}", json!({"name": name, "created_at": created}));
        } else {
            let created = chrono::DateTime::from_timestamp_millis(*created)
                .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            println!("{name:24}  created {created}");
        }
    }
    if tokens.is_empty() {
        eprintln!("hookctl: no tokens in {} (`hookctl tokens create NAME` makes one)", store.location());
    }
    Ok(())
}

fn revoke(app: &App, name: &str) -> Result<(), Error> {
    check_name(name)?;
    let mut store = app.store_to_change()?;
    if !store.token_revoke(name)? {
        return Err(Error::usage(
            format!("{name} has no token in {}", store.location()),
            Some("`hookctl tokens list` shows whose tokens there are".into()),
        ));
    }
    eprintln!("hookctl: revoked the token of {name}");
    Ok(())
}
