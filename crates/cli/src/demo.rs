//! `tuma demo`: every supported call, end to end, against the embedded sandbox.

use std::time::Duration;

use tuma::webhook::Deduplicator;
use tuma::{Client, Config, HttpConfig, StatumConfig};
use tuma_sandbox::{Sandbox, SandboxConfig};

use tuma_sandbox::receiver::WebhookReceiver;

const WAIT: Duration = Duration::from_secs(5);

pub fn run() -> Result<(), String> {
    let hooks = WebhookReceiver::start().map_err(|e| format!("cannot listen for webhooks: {e}"))?;
    let mut config = SandboxConfig::default();
    config.statum.callback_url = Some(format!("{}/statum", hooks.base_url));
    let sandbox = Sandbox::start(config).map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!(
        "tuma {} demo — sandbox at {}\n",
        tuma::VERSION,
        sandbox.base_url()
    );

    let client = Client::new(Config {
        statum: Some(
            StatumConfig::new("sandbox-statum-key", "sandbox-statum-secret")
                .with_base_url(sandbox.statum_url()),
        ),
        http: HttpConfig {
            timeout_ms: 10_000,
            connect_timeout_ms: 2_000,
            ..HttpConfig::default()
        },
        ..Config::default()
    })
    .map_err(|e| e.to_string())?;

    statum(&client, &hooks)?;
    println!(
        "\nDemo complete: every call above went through the tuma client to the local sandbox."
    );
    Ok(())
}

fn step(title: &str) {
    println!("== {title}");
}

fn statum(client: &Client, hooks: &WebhookReceiver) -> Result<(), String> {
    let statum = client.statum();
    step("Statum: account details (before)");
    let before = statum.account_details().map_err(|e| e.to_string())?;
    println!(
        "   {} — balance KES {:.2}, accounts: {}",
        before.organization.name,
        before.organization.details.available_balance,
        before
            .organization
            .accounts
            .iter()
            .map(|a| format!("{} ({})", a.account, a.service_name))
            .collect::<Vec<_>>()
            .join(", ")
    );

    step("Statum: send an SMS to 0712 345 678");
    let sms = statum
        .send_sms(
            "TUMA",
            "0712 345 678",
            "Karibu! Your order #1042 is on its way.",
        )
        .map_err(|e| e.to_string())?;
    println!("   {} — request id {}", sms.description, sms.request_id);

    step("Statum: a message that breaks a rule is refused before sending");
    match statum.send_sms("TUMA", "0812 345 678", "hello") {
        Err(e) => println!("   refused: {e}"),
        Ok(_) => return Err("an invalid phone number was accepted".into()),
    }

    step("Statum: airtime KES 50 to +254 722 000 111");
    let top_up = statum
        .airtime("+254 722 000 111", 50)
        .map_err(|e| e.to_string())?;
    println!(
        "   {} — request id {}",
        top_up.description, top_up.request_id
    );

    step("Statum: the airtime webhook arrives");
    let seen = Deduplicator::default();
    let delivery = hooks
        .next("/statum", WAIT)
        .ok_or("no airtime webhook arrived within 5 s")?;
    let result = tuma::statum::parse_airtime_result(&delivery.body).map_err(|e| e.to_string())?;
    println!(
        "   result {} \"{}\" — charged KES {:.2}, wallet now KES {:.2}, new delivery: {}",
        result.result_code,
        result.result_desc,
        result.charge,
        result.account_balance,
        seen.first_time(&result.request_id)
    );
    if result.request_id != top_up.request_id {
        return Err("the webhook's request_id does not match the top-up".into());
    }

    step("Statum: account details (after)");
    let after = statum.account_details().map_err(|e| e.to_string())?;
    println!(
        "   balance KES {:.2} (was {:.2})",
        after.organization.details.available_balance, before.organization.details.available_balance
    );
    Ok(())
}
