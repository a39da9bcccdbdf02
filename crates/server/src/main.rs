//! `opsdeck-server`: serve, mint tokens, manage users. See `opsdeck-server --help`.
#![allow(clippy::print_stdout)]

use anyhow::Context;
use clap::Parser;
use opsdeck_protocol::Role;
use opsdeck_protocol::identity::Claims;
use opsdeck_server::cli::{Cli, Command, TokenArgs, UserCommand};
use opsdeck_server::config::LogFormat;
use opsdeck_server::store::Store;
use opsdeck_server::{auth, run};
use tracing_subscriber::EnvFilter;

fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn jwt_secret() -> Option<String> {
    std::env::var("JWT_SECRET").ok().filter(|s| !s.is_empty())
}

/// Installs the SIGINT/SIGTERM handlers now (not on first poll), so a signal that arrives
/// right after start-up still shuts down gracefully, and returns the future that waits for one.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

fn token(args: TokenArgs) -> anyhow::Result<String> {
    if args.role == Role::Device && args.vehicle_id.is_none() {
        anyhow::bail!("role device needs --vehicle-id");
    }
    let name = args.name.unwrap_or_else(|| args.sub.clone());
    if let Some(path) = args.private_key {
        let pem = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: args.sub,
            role: args.role,
            name,
            exp: now + args.ttl.num_seconds(),
            iat: Some(now),
            vehicle_id: args.vehicle_id,
        };
        return Ok(auth::mint_with_private_key(&pem, &claims)?);
    }
    let secret = jwt_secret().context("set env JWT_SECRET (or pass --private-key)")?;
    Ok(auth::mint_hs256(
        secret.as_bytes(),
        &args.sub,
        args.role,
        &name,
        args.ttl,
        args.vehicle_id.as_deref(),
    )?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let resolved = args.resolve(jwt_secret())?;
            init_logs(resolved.log_format);
            let shutdown = shutdown_signal()?;
            let listener = tokio::net::TcpListener::bind(resolved.listen)
                .await
                .with_context(|| format!("cannot listen on {}", resolved.listen))?;
            // One machine-readable line on stdout for scripts (logs go to stderr).
            println!(
                "opsdeck-server listening on http://{}",
                listener.local_addr()?
            );
            run(listener, resolved.config, shutdown).await?;
        }
        Command::Token(args) => println!("{}", token(args)?),
        Command::User(UserCommand::Add { id, name, role, db }) => {
            opsdeck_protocol::validate::id("id", &id)?;
            let store = Store::open(&db).await?;
            let created = store.upsert_user(&id, &name, role).await?;
            store.close().await;
            println!(
                "{} user {id} ({role})",
                if created { "created" } else { "updated" }
            );
        }
        Command::User(UserCommand::List { db }) => {
            let store = Store::open(&db).await?;
            let users = store.list_users().await?;
            store.close().await;
            println!("{:<24} {:<11} {:<24} NAME", "ID", "ROLE", "LAST SEEN");
            for u in users {
                let seen = u
                    .last_seen
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| "-".into());
                println!("{:<24} {:<11} {:<24} {}", u.id, u.role, seen, u.name);
            }
        }
    }
    Ok(())
}
