//! Placeholder.
use super::Outcome;
use crate::error::Result;
use clap::Args;
/// Arguments of `dvrole explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {}
/// Runs `dvrole explain`.
pub fn run(_args: &ExplainArgs) -> Result<Outcome> {
    Ok(Outcome::Findings)
}
