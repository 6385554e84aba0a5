//! The READMEs' Rust blocks, compiled (and run, unless `no_run`) as this
//! crate's doctests by `cargo test --workspace`, so the front pages cannot
//! drift from the API. Blocks tagged `toml`, `jinja`, `handlebars` or
//! `console` are not Rust and are left alone.

// One empty module per README; each block is a doctest named after it.
#[doc = include_str!("../../README.md")]
mod workspace {}
#[doc = include_str!("../../core/README.md")]
mod core_crate {}
#[doc = include_str!("../../tera-filter/README.md")]
mod tera_filter {}
#[doc = include_str!("../../minijinja-filter/README.md")]
mod minijinja_filter {}
#[doc = include_str!("../../handlebars-helper/README.md")]
mod handlebars_helper {}
