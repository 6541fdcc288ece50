//! proofroom as a library: every layer (see `docs/architecture.md`). The binary
//! (`main.rs`) is the command line over it; the fuzz targets (`fuzz/`) reach the parsers of
//! untrusted input through it.

pub mod app;
pub mod blobs;
pub mod config;
pub mod control;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod payments;
pub mod web;
