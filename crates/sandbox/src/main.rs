//! `tuma-sandbox [port]`: runs the emulator until killed.
fn main() {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let sandbox = tuma_sandbox::Sandbox::start(tuma_sandbox::SandboxConfig {
        port,
        ..Default::default()
    })
    .expect("start the sandbox");
    println!("tuma sandbox listening on {}", sandbox.base_url());
    println!("  Statum:  {}", sandbox.statum_url());
    println!("  Daraja:  {}", sandbox.daraja_url());
    println!("  UMS Pay: {}", sandbox.umspay_url());
    loop {
        std::thread::park();
    }
}
