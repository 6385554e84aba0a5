//! Test-only crate: cross-engine parity, JavaScript-engine and browser checks.
