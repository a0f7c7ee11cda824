//! C ABI over tuma (placeholder)
