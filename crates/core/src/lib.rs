//! tuma core (placeholder)
