//! Logging without secrets.
//!
//! tuma's own log lines never hold a secret. One dependency's do: at TRACE level,
//! `ureq_proto` writes every byte sent and received as 16-byte hex/ASCII rows — the
//! `Authorization: Basic …` and `Bearer …` headers, UMS Pay's `api_key` in request bodies,
//! Daraja's `access_token` in its answer. A library cannot switch that off in a dependency
//! (the `log` crate's level caps are global to your program), so tuma gives you a filter:
//! wrap your logger in [`Redacting`] (or use [`install`]), or filter the target yourself
//! (`RUST_LOG=trace,ureq_proto=debug` with env_logger). The C, Python and Node bindings
//! install no logger, so nothing is printed there.

use log::{Level, Log, Metadata, Record};

/// Targets whose TRACE records dump raw HTTP bytes.
const BYTE_DUMPS: &[&str] = &["ureq_proto"];

/// True for a record that may hold raw request or response bytes.
pub fn is_byte_dump(metadata: &Metadata<'_>) -> bool {
    metadata.level() == Level::Trace
        && BYTE_DUMPS
            .iter()
            .any(|t| metadata.target() == *t || metadata.target().starts_with(&format!("{t}::")))
}

/// A logger that passes every record to the one it wraps, except the raw byte dumps of
/// HTTP traffic (which hold credentials and tokens).
#[derive(Debug)]
pub struct Redacting<L>(pub L);

impl<L: Log> Log for Redacting<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        !is_byte_dump(metadata) && self.0.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !is_byte_dump(record.metadata()) {
            self.0.log(record);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Installs `logger`, wrapped in [`Redacting`], as the program's logger at `level`.
pub fn install<L: Log + 'static>(
    logger: L,
    level: log::LevelFilter,
) -> Result<(), log::SetLoggerError> {
    log::set_boxed_logger(Box::new(Redacting(logger)))?;
    log::set_max_level(level);
    Ok(())
}
