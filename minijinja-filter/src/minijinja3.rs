//! The filter and function for MiniJinja 3.

crate::adapter::minijinja_adapter!(minijinja, "3");
