//! The sections of BENCHMARKS.md, one module per family; each writes its part of the report
//! and records its targets.

pub mod bindings;
pub mod inflight;
pub mod memory;
pub mod safety;
pub mod sequential;
pub mod store;
pub mod threads;
pub mod tls;
