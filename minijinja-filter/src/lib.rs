//! Placeholder: the adapter lands with the adapters issue.
#![forbid(unsafe_code)]
