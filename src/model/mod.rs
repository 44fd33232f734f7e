//! The data dvrole works on: depths, ids, catalogues of privileges, the role and the
//! solution manifest. Nothing here reads or writes files.

pub mod catalogue;
pub mod depth;
pub mod environment;
pub mod existing;
pub mod guid;
pub mod names;
pub mod options;
pub mod role;
pub mod solution;
