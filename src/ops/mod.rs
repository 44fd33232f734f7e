//! What the commands do, above the model and the package readers and writers.

pub mod adopt;
pub mod audit;
pub mod build;
pub mod desired;
pub mod diff;
pub mod drift;
pub mod explain;
pub mod fix;
pub mod matrix;
pub mod plan;
pub mod selection;
pub mod table;
pub mod tree;
pub mod validate;
