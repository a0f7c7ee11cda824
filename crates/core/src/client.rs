//! The client: one per application, shared by every thread.

use std::sync::Arc;

use crate::config::Config;
use crate::error::Result;
use crate::http::Transport;

/// A tuma client. Cheap to clone (clones share everything); `Send + Sync`.
///
/// One client holds one HTTP agent (a keep-alive connection pool), the Daraja token cache
/// and the UMS Pay rate limiter, all shared by the threads that use it.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[allow(dead_code)] // the Daraja and UMS Pay state is read by their modules
pub(crate) struct Inner {
    pub config: Config,
    pub transport: Transport,
    pub daraja: crate::daraja::DarajaState,
    pub umspay: crate::umspay::UmsPayState,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client after checking the configuration.
    pub fn new(config: Config) -> Result<Client> {
        config.validate()?;
        let transport = Transport::new(&config.http);
        let daraja = crate::daraja::DarajaState::new(config.daraja.as_ref())?;
        let umspay = crate::umspay::UmsPayState::new(config.umspay.as_ref());
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                transport,
                daraja,
                umspay,
            }),
        })
    }

    /// Builds a client from `TUMA_*` environment variables (see [`Config::from_env`]).
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Statum: SMS, airtime and account details.
    pub fn statum(&self) -> crate::statum::Statum<'_> {
        crate::statum::Statum { client: self }
    }

    /// Safaricom Daraja: M-Pesa.
    pub fn daraja(&self) -> crate::daraja::Daraja<'_> {
        crate::daraja::Daraja { client: self }
    }

    /// UMS Pay: M-Pesa STK push through Umeskia.
    pub fn umspay(&self) -> crate::umspay::UmsPay<'_> {
        crate::umspay::UmsPay { client: self }
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn client_is_send_and_sync() {
        assert_send_sync::<super::Client>();
    }
}
