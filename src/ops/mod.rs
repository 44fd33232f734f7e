//! What the commands do, above the model and the package readers and writers.

pub mod audit;
pub mod build;
pub mod desired;
pub mod drift;
pub mod explain;
pub mod matrix;
pub mod plan;
pub mod table;
pub mod validate;
