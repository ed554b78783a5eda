//! What a check returns: the kinds of finding, findings, the verdict and
//! the report, and the error a caller's pattern can raise.

use std::fmt;
use std::ops::Range;

/// What kind of attack a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// "Ignore the previous instructions" and its kin.
    InstructionOverride,
    /// DAN, developer mode, "you are now …".
    PersonaJailbreak,
    /// Asking for the system prompt, hidden instructions or secrets.
    Exfiltration,
    /// Role markers and chat-template delimiters in user text.
    RoleMarker,
    /// Instructions aimed at an assistant that reads a document.
    IndirectInjection,
    /// Invisible characters: Unicode tags (hidden ASCII), zero-width and
    /// bidi characters inside the text.
    HiddenCharacters,
    /// A payload that decodes to an attack (base64, base32, hex,
    /// percent-encoding, Morse code, rot13, reversed text), or an order to
    /// decode something and obey it.
    EncodedPayload,
    /// A line styled as a system, administrator or vendor notice that says
    /// the rules changed or safety is off, or a summary claiming that
    /// permissions were granted already.
    AuthorityClaim,
    /// Text written as the assistant's own reasoning, concluding that its
    /// guidelines do not apply.
    ReasoningHijack,
    /// A request followed by tokens an optimiser chose to make a model
    /// comply (GCG and its successors): words glued to punctuation and to
    /// each other, brackets left open, at the end of what a user typed.
    /// The span is in the input, not the detection view.
    AdversarialSuffix,
    /// The learned scorer's evidence
    /// ([`PromptGuard::with_learned_scorer`](crate::PromptGuard::with_learned_scorer)):
    /// the span is the window of words that decided it.
    Learned,
    /// A pattern the caller added.
    Custom,
}

impl FindingKind {
    /// A short label for logs and metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InstructionOverride => "instruction_override",
            Self::PersonaJailbreak => "persona_jailbreak",
            Self::Exfiltration => "exfiltration",
            Self::RoleMarker => "role_marker",
            Self::IndirectInjection => "indirect_injection",
            Self::HiddenCharacters => "hidden_characters",
            Self::EncodedPayload => "encoded_payload",
            Self::AuthorityClaim => "authority_claim",
            Self::ReasoningHijack => "reasoning_hijack",
            Self::AdversarialSuffix => "adversarial_suffix",
            Self::Learned => "learned",
            Self::Custom => "custom",
        }
    }
}

/// One thing a detector found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Where, in bytes of [`PromptReport::normalized`] (the detection view);
    /// for a base64 or hex payload, the encoded text's span in the input;
    /// for an adversarial suffix, its span in the input;
    /// for a rot13 payload, the whole view.
    pub span: Range<usize>,
    /// How strongly it indicates an attack, 0 to 1.
    pub score: f32,
}

/// Allow or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Below the threshold.
    Allow,
    /// At or above the threshold.
    Block,
}

/// What [`safe_prompt`](crate::safe_prompt) returns.
#[derive(Debug, Clone)]
pub struct PromptReport {
    /// The neutralised text, wrapped as untrusted data.
    pub text: String,
    /// The detection view the finding spans refer to.
    pub normalized: String,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// The combined score, 0 to 1.
    pub score: f32,
    /// The score against the guard's threshold.
    pub verdict: Verdict,
}

/// Why a custom pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub(super) String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid prompt pattern: {}", self.0)
    }
}

impl std::error::Error for PatternError {}
