//! The state stores: memory and a real Redis started for the test.

#![cfg(feature = "redis-store")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tuma::store::{StateStore, StoreConfig, StoredToken};
use tuma_sandbox::redis_server::RedisServer;

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn redis_store(server: &RedisServer, prefix: &str) -> Arc<dyn StateStore> {
    let mut config = StoreConfig::new(server.url());
    config.key_prefix = prefix.to_string();
    config.open().unwrap()
}

fn exercise(store: &dyn StateStore, tag: &str) {
    let token = StoredToken {
        token: "tok-1".into(),
        expires_at_ms: now_ms() + 60_000,
    };
    let key = format!("{tag}-token");
    assert!(store.get_token(&key).unwrap().is_none());
    store.put_token(&key, &token).unwrap();
    assert_eq!(store.get_token(&key).unwrap(), Some(token.clone()));
    store.drop_token_if(&key, "another").unwrap();
    assert!(store.get_token(&key).unwrap().is_some());
    store.drop_token_if(&key, "tok-1").unwrap();
    assert!(store.get_token(&key).unwrap().is_none());

    let lock = format!("{tag}-lock");
    let holder = store
        .try_lock(&lock, Duration::from_secs(5))
        .unwrap()
        .unwrap();
    assert!(store
        .try_lock(&lock, Duration::from_secs(5))
        .unwrap()
        .is_none());
    store.unlock(&lock, "not-the-holder").unwrap();
    assert!(store
        .try_lock(&lock, Duration::from_secs(5))
        .unwrap()
        .is_none());
    store.unlock(&lock, &holder).unwrap();
    assert!(store
        .try_lock(&lock, Duration::from_millis(50))
        .unwrap()
        .is_some());
    std::thread::sleep(Duration::from_millis(80));
    assert!(
        store
            .try_lock(&lock, Duration::from_secs(5))
            .unwrap()
            .is_some(),
        "locks expire"
    );

    let rate = format!("{tag}-rate");
    for _ in 0..5 {
        assert_eq!(
            store
                .acquire_slot(&rate, 5, Duration::from_millis(300))
                .unwrap(),
            Duration::ZERO
        );
    }
    let wait = store
        .acquire_slot(&rate, 5, Duration::from_millis(300))
        .unwrap();
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_millis(300),
        "{wait:?}"
    );
    std::thread::sleep(wait + Duration::from_millis(5));
    assert_eq!(
        store
            .acquire_slot(&rate, 5, Duration::from_millis(300))
            .unwrap(),
        Duration::ZERO
    );

    let day = format!("{tag}-day");
    assert_eq!(store.count_today(&day).unwrap(), 1);
    assert_eq!(store.count_today(&day).unwrap(), 2);

    let id = format!("{tag}-callback");
    assert!(store.first_time(&id, Duration::from_secs(60)).unwrap());
    assert!(!store.first_time(&id, Duration::from_secs(60)).unwrap());
}

#[test]
fn memory_store_semantics() {
    let store = StoreConfig::new("memory").open().unwrap();
    exercise(&*store, "mem");
}

#[test]
fn redis_store_semantics_and_isolation_by_prefix() {
    let server = RedisServer::start().expect("redis-server is installed (make installs it)");
    let a = redis_store(&server, "app-a:");
    exercise(&*a, "r");
    // Another prefix sees nothing of the first.
    let b = redis_store(&server, "app-b:");
    assert!(b.first_time("r-callback", Duration::from_secs(60)).unwrap());
}

#[test]
fn first_time_is_atomic_across_many_threads() {
    let server = RedisServer::start().unwrap();
    let stores: Vec<_> = (0..8).map(|_| redis_store(&server, "race:")).collect();
    let winners: usize = std::thread::scope(|s| {
        let handles: Vec<_> = stores
            .iter()
            .map(|store| {
                s.spawn(move || {
                    store
                        .first_time("same-id", Duration::from_secs(60))
                        .unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum()
    });
    assert_eq!(winners, 1);
}

#[test]
fn redis_down_gives_bounded_typed_errors_and_recovers() {
    let mut server = RedisServer::start().unwrap();
    let port = server.port();
    let store = redis_store(&server, "down:");
    assert!(store.first_time("before", Duration::from_secs(60)).unwrap());
    server.stop();
    let started = Instant::now();
    let err = store
        .first_time("during", Duration::from_secs(60))
        .unwrap_err();
    assert_eq!(err.kind(), "store");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded: {:?}",
        started.elapsed()
    );
    assert!(!err.to_string().contains("redis://"));
    let _restarted = RedisServer::start_on(port).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(store.first_time("after", Duration::from_secs(60)).unwrap());
}

#[test]
fn a_password_in_the_url_never_shows() {
    let config = StoreConfig::new("redis://:hunter2-secret@127.0.0.1:1/");
    assert!(!format!("{config:?}").contains("hunter2-secret"));
    let store = config.open().unwrap();
    let err = store.first_time("x", Duration::from_secs(1)).unwrap_err();
    assert!(!err.to_string().contains("hunter2-secret"));
    assert!(!format!("{store:?}").contains("hunter2-secret"));
}

#[test]
fn rediss_urls_are_supported_and_a_plain_server_is_a_store_error() {
    // A TLS URL against a server that speaks plain Redis: the handshake fails, bounded and
    // typed, without panicking (rustls has its crypto provider).
    let server = RedisServer::start().unwrap();
    let mut config = StoreConfig::new(format!("rediss://127.0.0.1:{}/", server.port()));
    config.timeout_ms = 300;
    let store = config.open().expect("rediss:// is accepted");
    let started = Instant::now();
    let err = store
        .first_time("tls", Duration::from_secs(60))
        .unwrap_err();
    assert_eq!(err.kind(), "store", "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A resolver that never answers (in time).
fn never_answers(_: &str) -> std::io::Result<Vec<std::net::SocketAddr>> {
    std::thread::sleep(Duration::from_secs(30));
    Ok(Vec::new())
}

#[test]
fn a_resolver_that_never_answers_costs_one_store_timeout_and_blocks_nobody() {
    let mut config = StoreConfig::new("redis://redis.never-answers.test:6379/0");
    config.timeout_ms = 200;
    let store = tuma::store::RedisStore::open(&config).unwrap();
    store.set_resolver(never_answers);
    let store = Arc::new(store);
    let started = Instant::now();
    // Four callers at once: each waits for its own connect, none behind another's.
    let waits: Vec<Duration> = (0..4)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let t = Instant::now();
                let err = store
                    .first_time(&format!("x{i}"), Duration::from_secs(5))
                    .unwrap_err();
                assert_eq!(err.kind(), "store");
                t.elapsed()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    for wait in &waits {
        assert!(*wait < Duration::from_millis(450), "{waits:?}");
    }
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_forked_child_opens_its_own_connections() {
    let server = RedisServer::start().unwrap();
    let mut config = StoreConfig::new(server.url());
    config.key_prefix = "fork:".into();
    let store = tuma::store::RedisStore::open(&config).unwrap();
    assert!(store.first_time("before", Duration::from_secs(60)).unwrap());
    assert_eq!(store.idle_connections(), 1);
    // As a child of fork() sees it: the pooled connection is the parent's.
    store.simulate_fork();
    assert!(store.first_time("after", Duration::from_secs(60)).unwrap());
    assert_eq!(
        store.idle_connections(),
        1,
        "the inherited connection was set aside, a new one opened and pooled"
    );
}
