//! Settings from the config file, `DVROLE_*` environment variables and flags, each value
//! kept with where it came from.

pub mod catalogues;
pub mod config;
pub mod environment;
