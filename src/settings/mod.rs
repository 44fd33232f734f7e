//! Settings: the table that defines each one ([`table`]), and the config file,
//! `DVROLE_*` environment variables and flags that set them, each value kept with where it
//! came from ([`config`]).

pub mod catalogues;
pub mod config;
pub mod environment;
pub mod table;

pub use table::{Setting, Spec};
