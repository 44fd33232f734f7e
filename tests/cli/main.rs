//! The integration tests, in one test binary: one module per area of dvrole.

mod common;

mod alm_check;
mod alm_config;
mod alm_layout;
mod alm_pipelines;
mod alm_shell;
mod atomic;
mod audit;
mod bad_input;
mod catalogues;
mod cli_generate;
mod cli_validate;
mod env_tables;
mod environment;
mod existing_roles;
mod explain;
mod explain_shapes;
mod first_hour;
mod hostile_input;
mod inheritance;
mod json_golden;
mod layering;
mod msrv;
mod near_miss;
mod output;
mod parts;
mod readme;
mod real_shape;
mod report_matrix;
mod roundtrip;
mod roundtrip_config;
mod schema;
mod settings;
mod source_folder;
