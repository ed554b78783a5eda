//! Run with `cargo run -p example-bot-admin-check -- member.json` (or the
//! member JSON on standard input).
//!
//! What a Discord bot does before an admin command: take the guild member
//! Discord sent (the `member` of an interaction, or the answer of `GET
//! /guilds/{guild.id}/members/{user.id}`), and ask
//! [`alphaguard_auth::validate_admin`] whether the user is an owner
//! (`OWNER_IDS`) or holds an admin role (`ADMIN_ROLE_ID`). The ids come
//! from Discord itself, which the bot talks to with its own token; this is
//! exactly the source of guild roles a web request does not have, which is
//! why the gateway grants nothing by role.
//!
//! ```text
//! $ echo '{"user":{"id":"80351110224678912","username":"nelly"},"roles":["41771983423143936"]}' \
//!     | OWNER_IDS=123456789012345678 ADMIN_ROLE_ID=41771983423143936 \
//!       cargo run -q -p example-bot-admin-check
//! admin: user 80351110224678912 holds an admin role
//! ```
//!
//! Exit status: 0 admin, 1 not an admin, 2 bad input or configuration.

use std::io::Read;
use std::process::ExitCode;

use alphaguard_auth::{Config, validate_admin};
use serde_json::Value;

/// A snowflake as Discord writes it: a string of decimal digits.
fn snowflake(value: &Value) -> Option<u64> {
    value.as_str()?.parse().ok().filter(|id| *id > 0)
}

/// The user id and role ids of a guild member object.
fn member(json: &str) -> Result<(u64, Vec<u64>), String> {
    let member: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let user = member
        .pointer("/user/id")
        .and_then(snowflake)
        .ok_or("no user.id snowflake: is this a guild member object?")?;
    let roles = member
        .get("roles")
        .and_then(Value::as_array)
        .ok_or("no roles array")?
        .iter()
        .map(|r| snowflake(r).ok_or_else(|| format!("role {r} is not a snowflake")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((user, roles))
}

fn main() -> ExitCode {
    // OWNER_IDS and ADMIN_ROLE_ID, checked as the gateway checks them: a
    // malformed id stops the bot too.
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::from(2);
        }
    };
    let mut json = String::new();
    let read = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(&path).map(|text| json = text),
        None => std::io::stdin().read_to_string(&mut json).map(drop),
    };
    if let Err(e) = read {
        eprintln!("cannot read the member: {e}");
        return ExitCode::from(2);
    }
    let (user, roles) = match member(&json) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if validate_admin(user, &roles, &config.owners, &config.admin_roles) {
        let why = if config.owners.contains(user) {
            "is an owner"
        } else {
            "holds an admin role"
        };
        println!("admin: user {user} {why}");
        ExitCode::SUCCESS
    } else {
        println!("not an admin: user {user}");
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    // Test helpers may unwrap: a panic is a failing test.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use alphaguard_auth::IdList;

    #[test]
    fn roles_decide_for_members_who_are_not_owners() {
        let owners = IdList::parse("123456789012345678").unwrap();
        let admin_roles = IdList::parse("41771983423143936").unwrap();
        let json =
            r#"{"user":{"id":"80351110224678912"},"roles":["41771983423143936","1"],"nick":null}"#;
        let (user, roles) = member(json).unwrap();
        assert!(validate_admin(user, &roles, &owners, &admin_roles));
        let (user, roles) = member(r#"{"user":{"id":"80351110224678912"},"roles":["1"]}"#).unwrap();
        assert!(!validate_admin(user, &roles, &owners, &admin_roles));
        let (user, roles) = member(r#"{"user":{"id":"123456789012345678"},"roles":[]}"#).unwrap();
        assert!(validate_admin(user, &roles, &owners, &IdList::default()));
        // Ids as JSON numbers, or a member without its user, are refused.
        assert!(member(r#"{"user":{"id":80351110224678912},"roles":[]}"#).is_err());
        assert!(member(r#"{"roles":["41771983423143936"]}"#).is_err());
        assert!(member(r#"{"user":{"id":"1"},"roles":[41771983423143936]}"#).is_err());
    }
}
