use std::io::{BufRead, IsTerminal};

use clap::{Args, Subcommand};
use figment::Figment;

use super::{Global, open_store};
use crate::auth::{password, service};
use crate::domain::UserRole;
use crate::domain::time::format_rfc3339;
use crate::store::{Actor, AuditSpec};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add(AddArgs),
    /// Set a user's password.
    Passwd(PasswordArgs),
    /// Deactivate a user: it can no longer sign in; its records stay.
    Deactivate { username: String },
    /// List users.
    List,
    /// Print the Argon2id hash of a password (for provisioning tools).
    HashPassword(PasswordSource),
}

#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct AddArgs {
    pub username: String,
    /// admin, manager, qa or agent.
    #[arg(long)]
    pub role: String,
    /// The agent id an `agent` user acts as.
    #[arg(long)]
    pub agent: Option<String>,
    #[command(flatten)]
    pub pw: PasswordSource,
}

#[derive(Args)]
pub struct PasswordArgs {
    pub username: String,
    #[command(flatten)]
    pub pw: PasswordSource,
}

fn read_password(src: &PasswordSource) -> anyhow::Result<String> {
    if src.password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    let a = rpassword::prompt_password("password: ")?;
    let b = rpassword::prompt_password("again: ")?;
    if a != b {
        anyhow::bail!("the two passwords differ");
    }
    Ok(a)
}

pub fn run(g: &Global, c: UserCommand) -> anyhow::Result<i32> {
    if let UserCommand::HashPassword(src) = &c {
        let pw = read_password(src)?;
        service::validate_password(&pw)?;
        println!("{}", password::hash(&pw));
        return Ok(0);
    }
    let loaded = g.load(Figment::new())?;
    let store = open_store(&loaded)?;
    let actor = Actor::cli();
    match c {
        UserCommand::Add(a) => {
            let role = UserRole::parse(&a.role)
                .ok_or_else(|| anyhow::anyhow!("--role must be admin, manager, qa or agent"))?;
            let pw = read_password(&a.pw)?;
            service::add_user(&store, &actor, &a.username, &pw, role, a.agent)?;
            println!("user {} added ({})", a.username, role.as_str());
        }
        UserCommand::Passwd(a) => {
            let pw = read_password(&a.pw)?;
            service::validate_password(&pw)?;
            let hash = password::hash(&pw);
            store.update_user(
                AuditSpec::new(&actor, "user.update", format!("user:{}", a.username)).detail("password"),
                &a.username,
                |u| u.password_hash = hash,
            )?;
            println!("password of {} changed", a.username);
        }
        UserCommand::Deactivate { username } => {
            store.update_user(
                AuditSpec::new(&actor, "user.update", format!("user:{username}")).detail("active"),
                &username,
                |u| u.active = false,
            )?;
            println!("user {username} deactivated; its sessions are ended and its records stay");
        }
        UserCommand::List => {
            println!("{:<24} {:<8} {:<10} {:<7} created", "user", "role", "agent", "active");
            for u in store.users()? {
                println!(
                    "{:<24} {:<8} {:<10} {:<7} {}",
                    u.username,
                    u.role.as_str(),
                    u.agent.as_deref().unwrap_or("-"),
                    if u.active { "yes" } else { "no" },
                    format_rfc3339(u.created)
                );
            }
        }
        UserCommand::HashPassword(_) => unreachable!("handled above"),
    }
    Ok(0)
}
