//! Owners and admins: Discord ids from `OWNER_IDS` and `ADMIN_ROLE_ID`.

use std::fmt;

use crate::{AuthError, Identity};

/// A list of Discord ids (snowflakes), parsed from a comma-separated
/// variable. No hard-coded fallback exists anywhere: unset means empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdList(Vec<u64>);

/// Why an id list was refused: the offending entry, as written (ids are not
/// secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdListError {
    /// The entry that is not a positive integer.
    pub entry: String,
}

impl fmt::Display for IdListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a positive integer id", self.entry)
    }
}

impl std::error::Error for IdListError {}

impl IdList {
    /// Parses `"123, 456"`. Empty entries (a trailing comma) are refused,
    /// like any entry that is not a positive integer in plain decimal (no
    /// sign, no leading zeros): nothing is dropped silently.
    ///
    /// ```
    /// use alphaguard_auth::IdList;
    ///
    /// let owners = IdList::parse("123456789012345678, 42").unwrap();
    /// assert!(owners.contains(42));
    /// assert_eq!(IdList::parse("42, admin").unwrap_err().entry, "admin");
    /// ```
    pub fn parse(value: &str) -> Result<Self, IdListError> {
        if value.trim().is_empty() {
            return Ok(Self::default());
        }
        value
            .split(',')
            .map(str::trim)
            .map(|entry| match entry.parse::<u64>() {
                // Canonical decimal only: no sign, no leading zeros (a
                // snowflake never has one; `0001` is more likely a typo).
                Ok(id) if id > 0 && entry == id.to_string() => Ok(id),
                _ => Err(IdListError {
                    entry: entry.to_owned(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// Whether `id` is in the list.
    pub fn contains(&self, id: u64) -> bool {
        self.0.contains(&id)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids.
    pub fn ids(&self) -> &[u64] {
        &self.0
    }
}

/// Passes only an identity whose verified Discord id is in `owners` (for
/// destructive operations such as a database downgrade); otherwise
/// [`AuthError::Forbidden`] (403) with the reason: `no owners configured`
/// (nobody is an owner, no id is built in), `no verified discord id` (an
/// API key, an e-mail login, or no trusted source of Discord ids: see
/// "Where identity comes from"), or `not an owner`.
///
/// ```
/// use alphaguard_auth::{AuthError, IdList, Identity, require_owner};
///
/// let owners = IdList::parse("123456789012345678")?;
/// let service = Identity::unauthenticated();
/// assert_eq!(
///     require_owner(&service, &owners),
///     Err(AuthError::Forbidden("no verified discord id"))
/// );
/// # Ok::<(), alphaguard_auth::IdListError>(())
/// ```
pub fn require_owner(identity: &Identity, owners: &IdList) -> Result<(), AuthError> {
    match identity.discord_id {
        _ if owners.is_empty() => Err(AuthError::Forbidden("no owners configured")),
        None => Err(AuthError::Forbidden("no verified discord id")),
        Some(id) if owners.contains(id) => Ok(()),
        Some(_) => Err(AuthError::Forbidden("not an owner")),
    }
}

/// For bot commands: a user is an admin when they are an owner or hold one
/// of the admin roles (`ADMIN_ROLE_ID`). The bot passes what Discord told
/// it (the member's user id and role ids from the interaction or `GET
/// /guilds/{guild}/members/{user}`); a web request has no verified source
/// of guild roles, so the gateway grants nothing by role.
/// `examples/bot-admin-check` shows a bot's check.
pub fn validate_admin(
    user_id: u64,
    role_ids: &[u64],
    owners: &IdList,
    admin_roles: &IdList,
) -> bool {
    owners.contains(user_id) || role_ids.iter().any(|r| admin_roles.contains(*r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discord_user(id: Option<u64>) -> Identity {
        let mut identity = Identity::unauthenticated();
        identity.discord_id = id;
        identity
    }

    #[test]
    fn owners_only() {
        let owners = IdList::parse("111, 222").unwrap();
        assert_eq!(require_owner(&discord_user(Some(222)), &owners), Ok(()));
        assert_eq!(
            require_owner(&discord_user(Some(333)), &owners),
            Err(AuthError::Forbidden("not an owner"))
        );
        assert_eq!(
            require_owner(&discord_user(None), &owners),
            Err(AuthError::Forbidden("no verified discord id"))
        );
        // No owners configured: nobody is one (no built-in fallback).
        assert_eq!(
            require_owner(&discord_user(Some(222)), &IdList::default()),
            Err(AuthError::Forbidden("no owners configured"))
        );
        assert_eq!(
            require_owner(&discord_user(None), &owners).map_err(|e| e.status().as_u16()),
            Err(403)
        );
    }

    #[test]
    fn admins_are_owners_or_hold_a_role() {
        let owners = IdList::parse("111").unwrap();
        let roles = IdList::parse("900, 901").unwrap();
        assert!(validate_admin(111, &[], &owners, &roles));
        assert!(validate_admin(5, &[1, 901], &owners, &roles));
        assert!(!validate_admin(5, &[1, 2], &owners, &roles));
        assert!(!validate_admin(5, &[900], &owners, &IdList::default()));
    }

    #[test]
    fn empty_and_unset_lists_are_empty() {
        assert!(IdList::parse("").unwrap().is_empty());
        assert!(IdList::parse("  ").unwrap().is_empty());
        assert_eq!(IdList::parse("1,").unwrap_err().entry, "");
        assert_eq!(IdList::parse("+1").unwrap_err().entry, "+1");
        assert_eq!(IdList::parse("0").unwrap_err().entry, "0");
        assert_eq!(IdList::parse("007").unwrap_err().entry, "007");
    }
}
