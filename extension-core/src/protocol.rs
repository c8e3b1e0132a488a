//! The integrator.io extension protocol this crate implements, section by section. Comments
//! and messages across the crate cite its sections ("section 3.1").
#![doc = include_str!("../docs/protocol.md")]
