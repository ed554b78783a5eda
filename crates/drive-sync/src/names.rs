//! Local file names from untrusted Drive names.

/// The longest local name, in bytes (most file systems allow 255).
pub const MAX_NAME_BYTES: usize = 200;

const WINDOWS_RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A safe local file name for a Drive file called `name`: one path
/// component, never `.` or `..`, no separators, control or format
/// characters, or characters Windows reserves, no leading dot (hidden
/// files, `..`), not a reserved device name, at most
/// [`MAX_NAME_BYTES`], ending in `.pdf`.
///
/// ```
/// use alphaguard_drive_sync::safe_file_name;
///
/// assert_eq!(safe_file_name("Report 2026.pdf"), "Report 2026.pdf");
/// assert_eq!(safe_file_name("../../etc/passwd"), "__.._etc_passwd.pdf");
/// assert_eq!(safe_file_name("CON.pdf"), "_CON.pdf");
/// assert_eq!(safe_file_name("a\u{202E}fdp.exe"), "a_fdp.exe.pdf");
/// ```
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            // Bidi overrides, zero-width and other format characters.
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' => '_',
            c => c,
        })
        .collect();
    // No leading dots or spaces (hidden files, `.`, `..`), no trailing
    // dots or spaces (Windows drops them, making two names one).
    let trimmed = out.trim_matches(|c: char| c == ' ' || c == '.').to_owned();
    out = if trimmed.is_empty() {
        "unnamed".to_owned()
    } else if out.starts_with('.') {
        format!("_{trimmed}")
    } else {
        trimmed
    };
    let stem_upper = out
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    if WINDOWS_RESERVED.contains(&stem_upper.as_str()) {
        out.insert(0, '_');
    }
    if !out.to_ascii_lowercase().ends_with(".pdf") {
        out.push_str(".pdf");
    }
    if out.len() > MAX_NAME_BYTES {
        let keep = MAX_NAME_BYTES - ".pdf".len();
        let mut cut = keep;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(".pdf");
    }
    out
}

/// Whether `name` is a local name this mirror could have chosen: exactly
/// what [`safe_file_name`] makes of it (so one component, no `..`, no
/// leading dot, no separators or control characters, at most
/// [`MAX_NAME_BYTES`], ending in `.pdf`). Every name [`safe_file_name`] and
/// [`disambiguated`] return passes; a manifest naming anything else was
/// not written by this mirror and is refused.
///
/// ```
/// use alphaguard_drive_sync::is_safe_local_name;
///
/// assert!(is_safe_local_name("Report 2026.pdf"));
/// assert!(is_safe_local_name("Report (1AbC).pdf"));
/// assert!(!is_safe_local_name("/etc/x"));
/// assert!(!is_safe_local_name("../x.pdf"));
/// assert!(!is_safe_local_name(".alphaguard-drive-sync.json"));
/// ```
pub fn is_safe_local_name(name: &str) -> bool {
    safe_file_name(name) == name
}

/// `stem (id).pdf`: the name used when another file already has the
/// plain one.
pub fn disambiguated(name: &str, id: &str) -> String {
    let stem = name
        .strip_suffix(".pdf")
        .or_else(|| name.strip_suffix(".PDF"))
        .unwrap_or(name);
    let suffix = format!(" ({id}).pdf");
    let mut stem = stem.to_owned();
    let keep = MAX_NAME_BYTES.saturating_sub(suffix.len());
    if stem.len() > keep {
        let mut cut = keep;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
    }
    format!("{stem}{suffix}")
}

/// Drive file ids are `[A-Za-z0-9_-]`; anything else is refused (it is
/// used in temporary file names).
pub fn valid_file_id(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_names() {
        for (name, want) in [
            ("a.pdf", "a.pdf"),
            ("A.PDF", "A.PDF"),
            ("notes", "notes.pdf"),
            ("..", "unnamed.pdf"),
            (".", "unnamed.pdf"),
            ("", "unnamed.pdf"),
            ("...pdf", "_pdf.pdf"),
            (".hidden.pdf", "_hidden.pdf"),
            ("a/b\\c.pdf", "a_b_c.pdf"),
            ("x\0y\n.pdf", "x_y_.pdf"),
            ("nul", "_nul.pdf"),
            ("com1.report.pdf", "_com1.report.pdf"),
            ("trailing. . ", "trailing.pdf"),
        ] {
            assert_eq!(safe_file_name(name), want, "{name:?}");
        }
        let long = "é".repeat(300);
        let safe = safe_file_name(&long);
        assert!(safe.len() <= MAX_NAME_BYTES && safe.ends_with(".pdf"));
        assert_eq!(disambiguated("a.pdf", "1Ab"), "a (1Ab).pdf");
        assert!(valid_file_id("1AbC-_9"));
        assert!(!valid_file_id("../x"));
        assert!(!valid_file_id(""));
    }

    #[test]
    fn manifest_names() {
        for name in [
            "/etc/x",
            "/etc/passwd.pdf",
            "../x",
            "../x.pdf",
            "a/b.pdf",
            "a\\b.pdf",
            "..",
            ".",
            "",
            ".hidden.pdf",
            ".x.partial",
            "x.pdf\n",
            "CON.pdf",
            "x.exe",
        ] {
            assert!(!is_safe_local_name(name), "{name:?}");
        }
        assert!(is_safe_local_name("a.pdf"));
        assert!(is_safe_local_name("_CON.pdf"));
    }

    proptest! {
        #[test]
        fn chosen_names_pass_the_manifest_check(name in ".{0,300}", id in "[A-Za-z0-9_-]{1,60}") {
            let safe = safe_file_name(&name);
            prop_assert!(is_safe_local_name(&safe), "{:?}", safe);
            let other = disambiguated(&safe, &id);
            prop_assert!(is_safe_local_name(&other), "{:?}", other);
        }

        #[test]
        fn every_name_is_one_safe_component(name in ".{0,300}") {
            let safe = safe_file_name(&name);
            prop_assert!(!safe.is_empty() && safe.len() <= MAX_NAME_BYTES);
            prop_assert!(!safe.contains(['/', '\\', '\0']));
            prop_assert!(!safe.starts_with('.'));
            prop_assert!(safe != "." && safe != "..");
            prop_assert!(!safe.chars().any(char::is_control));
            prop_assert!(safe.to_ascii_lowercase().ends_with(".pdf"));
            let path = std::path::Path::new("/dest").join(&safe);
            prop_assert_eq!(path.parent(), Some(std::path::Path::new("/dest")));
        }
    }
}
