//! Host crate of the workspace-level tests (see `tests/`).
