//! Handlebars 6, enabled by the `handlebars6` feature (on by default).

crate::adapter::handlebars_adapter!(handlebars, "6");
