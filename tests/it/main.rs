//! proofroom's integration tests: one binary, each test starting the real server on a temp
//! data dir and talking HTTP to it (see `support`).

mod access;
mod admin;
mod api;
mod archive;
mod backup;
mod bad_input;
mod browser;
mod catalog;
mod cli;
mod client;
mod crash;
mod disk_full;
pub mod email_access;
mod journey;
mod layers;
pub mod live;
mod mail;
pub mod orders;
mod polish;
mod presets;
mod pressure;
mod renditions;
mod s3;
mod support;
mod watermark;
mod zip;
