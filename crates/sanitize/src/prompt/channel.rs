//! Channels: where a text comes from. Text a user typed and text a tool or
//! a document returned carry different priors: a user may well ask the
//! assistant to send an e-mail or to end every answer with a greeting; a
//! web page or a tool's result that says so is an injection.

/// Where the text being checked comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// What the user typed ([`safe_prompt`](crate::safe_prompt) checks
    /// this).
    User,
    /// A document the assistant reads: a file, a web page, a retrieved
    /// passage, an e-mail.
    Document,
    /// What a tool or function call returned to an agent.
    ToolOutput,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Self; 3] = [Self::User, Self::Document, Self::ToolOutput];

    /// A short label for logs and metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Document => "document",
            Self::ToolOutput => "tool_output",
        }
    }

    /// Whether the text is content the assistant reads rather than a
    /// request it serves: the detectors of instructions to an agent (call
    /// a tool, send data to an address, change every later answer, keep a
    /// note in memory) count only here.
    pub fn is_content(&self) -> bool {
        !matches!(self, Self::User)
    }

    pub(super) fn index(self) -> usize {
        match self {
            Self::User => 0,
            Self::Document => 1,
            Self::ToolOutput => 2,
        }
    }
}
