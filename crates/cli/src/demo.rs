//! `tuma demo`: every supported call, end to end, against the embedded sandbox.

use std::time::Duration;

use tuma::daraja::{
    AccountBalanceRequest, B2cRequest, C2bRegisterRequest, C2bSimulateRequest, DarajaConfig,
    Environment, ResultDetails, StkPushRequest,
};
use tuma::umspay::UmsPayConfig;
use tuma::{Client, Config, HttpConfig, ReconcileRequest, Secret, StatumConfig};
use tuma_sandbox::{Sandbox, SandboxConfig};

use tuma_sandbox::receiver::WebhookReceiver;

const WAIT: Duration = Duration::from_secs(5);

pub fn run() -> Result<(), String> {
    let hooks = WebhookReceiver::start().map_err(|e| format!("cannot listen for webhooks: {e}"))?;
    let mut config = SandboxConfig::default();
    config.statum.callback_url = Some(format!("{}/statum", hooks.base_url));
    config.umspay.webhook_url = Some(format!("{}/umspay", hooks.base_url));
    config.umspay.pending_for = Duration::from_millis(300);
    let sandbox = Sandbox::start(config).map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!(
        "tuma {} demo — sandbox at {}\n",
        tuma::VERSION,
        sandbox.base_url()
    );

    let mut daraja = DarajaConfig::new(
        "sandbox-daraja-key",
        "sandbox-daraja-secret",
        Environment::Sandbox,
        "174379",
    );
    daraja.base_url = Some(sandbox.daraja_url());
    daraja.passkey = Some(Secret::new(tuma_sandbox::daraja::SANDBOX_PASSKEY));
    daraja.initiator_name = Some("testapi".into());
    daraja.initiator_password = Some(Secret::new("Safaricom999!*!"));
    // The sandbox decrypts SecurityCredentials with its own test key pair.
    daraja.certificate_pem = Some(tuma_sandbox::daraja::TEST_CERTIFICATE_PEM.into());
    daraja.callback_url = Some(format!("{}/daraja/stk", hooks.base_url));
    daraja.result_url = Some(format!("{}/daraja/result", hooks.base_url));
    daraja.timeout_url = Some(format!("{}/daraja/timeout", hooks.base_url));

    let client = Client::new(Config {
        statum: Some(
            StatumConfig::new("sandbox-statum-key", "sandbox-statum-secret")
                .with_base_url(sandbox.statum_url()),
        ),
        daraja: Some(daraja),
        umspay: Some(
            UmsPayConfig::new("sandbox-umspay-key", "dev@tuma.test", "UMPAY-SANDBOX")
                .with_base_url(sandbox.umspay_url()),
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
    daraja_flows(&client, &hooks)?;
    reconcile_dropped(&client, &sandbox, &hooks)?;
    umspay(&client, &hooks)?;
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
        .send_sms(&tuma::statum::SendSmsRequest::new(
            "TUMA",
            "0712 345 678",
            "Karibu! Your order #1042 is on its way.",
        ))
        .map_err(|e| e.to_string())?;
    println!("   {} — request id {}", sms.description, sms.request_id);

    step("Statum: a message that breaks a rule is refused before sending");
    match statum.send_sms(&tuma::statum::SendSmsRequest::new(
        "TUMA",
        "0812 345 678",
        "hello",
    )) {
        Err(e) => println!("   refused: {e}"),
        Ok(_) => return Err("an invalid phone number was accepted".into()),
    }

    step("Statum: airtime KES 50 to +254 722 000 111");
    let top_up = statum
        .airtime(&tuma::statum::AirtimeRequest::new("+254 722 000 111", 50))
        .map_err(|e| e.to_string())?;
    println!(
        "   {} — request id {}",
        top_up.description, top_up.request_id
    );

    step("Statum: the airtime webhook arrives");
    let delivery = hooks
        .next("/statum", WAIT)
        .ok_or("no airtime webhook arrived within 5 s")?;
    let result = tuma::statum::parse_airtime_result(&delivery.body).map_err(|e| e.to_string())?;
    let claim = claim(client, "statum.airtime_result", &delivery.body)?;
    println!(
        "   result {} \"{}\" — charged KES {:.2}, wallet now KES {:.2}, {claim}",
        result.result_code,
        result.result_desc,
        result.charge.unwrap_or_default(),
        result.account_balance.unwrap_or_default(),
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

/// Claims a callback, "processes" it (the demo only prints) and completes the claim; a
/// redelivery would then be `done`.
fn claim(client: &Client, kind: &str, body: &[u8]) -> Result<String, String> {
    let received = client
        .receive_callback(kind, body)
        .map_err(|e| e.to_string())?;
    if let Some(claim) = &received.claim {
        client.complete_callback(claim).map_err(|e| e.to_string())?;
    }
    let again = client
        .receive_callback(kind, body)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "claimed: {}, a redelivery is {}",
        received.status.as_str(),
        again.status.as_str()
    ))
}

fn daraja_flows(client: &Client, hooks: &WebhookReceiver) -> Result<(), String> {
    let daraja = client.daraja();

    step("Daraja: STK push KES 1 to 0708 374 149 (the payer accepts)");
    let push = daraja
        .stk_push(&StkPushRequest::new("0708 374 149", 1, "ORDER-1042"))
        .map_err(|e| e.to_string())?;
    println!(
        "   {} — CheckoutRequestID {}",
        push.customer_message, push.checkout_request_id
    );
    let paid = next_stk(client, hooks, &push.checkout_request_id)?;
    println!(
        "   callback: {} — receipt {}, KES {}, phone {}",
        paid.status,
        paid.mpesa_receipt_number.as_deref().unwrap_or("-"),
        paid.amount.unwrap_or_default(),
        paid.phone_number.as_deref().unwrap_or("-"),
    );
    let query = daraja
        .stk_query(&push.checkout_request_id)
        .map_err(|e| e.to_string())?;
    println!(
        "   verify by query: {:?} ({})",
        query.outcome, query.result_desc
    );

    step("Daraja: STK push to 0700 001 032 (the payer cancels)");
    let push = daraja
        .stk_push(&StkPushRequest::new(
            tuma_sandbox::daraja::STK_PHONE_CANCELLED,
            250,
            "ORDER-1043",
        ))
        .map_err(|e| e.to_string())?;
    let cancelled = next_stk(client, hooks, &push.checkout_request_id)?;
    println!(
        "   callback: {:?} — \"{}\" (code {})",
        cancelled.outcome, cancelled.result_desc, cancelled.result_code
    );

    step("Daraja: B2C payout of KES 1 500 to 0708 374 149");
    let mut request = B2cRequest::new("0708374149", 1_500, "Loan disbursement");
    request.shortcode = Some("600981".into()); // the B2C shortcode pays out
    let payout = daraja.b2c(&request).map_err(|e| e.to_string())?;
    println!(
        "   accepted — OriginatorConversationID {} (keep it: a resend with it can never pay twice)",
        payout.originator_conversation_id
    );
    let result = next_result(client, hooks, &payout.originator_conversation_id)?;
    match &result.details {
        ResultDetails::B2c(b2c) => println!(
            "   result: {:?} — receipt {}, to {}",
            result.outcome,
            b2c.transaction_receipt.as_deref().unwrap_or("-"),
            b2c.receiver_party_public_name.as_deref().unwrap_or("-")
        ),
        other => println!("   result: {:?} ({other:?})", result.outcome),
    }

    step("Daraja: C2B — register URLs, then a customer pays bill 174379");
    daraja
        .c2b_register_urls(&C2bRegisterRequest {
            shortcode: None,
            response_type: Default::default(),
            confirmation_url: format!("{}/daraja/c2b/confirmation", hooks.base_url),
            validation_url: format!("{}/daraja/c2b/validation", hooks.base_url),
        })
        .map_err(|e| e.to_string())?;
    daraja
        .c2b_simulate(&C2bSimulateRequest {
            shortcode: None,
            command_id: Default::default(),
            amount: 750,
            phone: "254708374149".into(),
            bill_ref_number: Some("INV-77".into()),
        })
        .map_err(|e| e.to_string())?;
    let validation = hooks
        .next("/daraja/c2b/validation", WAIT)
        .ok_or("no C2B validation request arrived")?;
    let v = tuma::daraja::parse_c2b_validation(&validation.body).map_err(|e| e.to_string())?;
    println!(
        "   validation asked for {} KES {} account {} — the receiver accepted it",
        v.trans_id, v.trans_amount, v.bill_ref_number
    );
    let confirmation = hooks
        .next("/daraja/c2b/confirmation", WAIT)
        .ok_or("no C2B confirmation arrived")?;
    let c = tuma::daraja::parse_c2b_confirmation(&confirmation.body).map_err(|e| e.to_string())?;
    // Through receive_callback, like every callback below: the payment journal records it.
    claim(client, "daraja.c2b_confirmation", &confirmation.body)?;
    println!(
        "   confirmation {} — organisation balance now {}",
        c.trans_id, c.org_account_balance
    );

    step("Daraja: Pull Transactions — every C2B payment of the last 48 hours, all pages");
    let pulled = daraja
        .pull_transactions(&tuma::daraja::PullTransactionsRequest {
            shortcode: Some("174379".into()),
            start_date: None,
            end_date: None,
            max_pages: None,
        })
        .map_err(|e| e.to_string())?;
    for row in pulled.transactions.iter().rev().take(3) {
        println!(
            "   {} {} KES {:>8.2} account {} from {}",
            row.transaction_id,
            row.trx_date,
            row.amount.unwrap_or_default(),
            row.bill_reference,
            row.msisdn
        );
    }
    println!(
        "   {} payments in {} page(s): the way to recover a C2B payment whose confirmation was lost",
        pulled.transactions.len(),
        pulled.pages
    );

    step("Daraja: account balance");
    let asked = daraja
        .account_balance(&AccountBalanceRequest::default())
        .map_err(|e| e.to_string())?;
    let result = next_result(client, hooks, &asked.originator_conversation_id)?;
    if let ResultDetails::AccountBalance(balance) = &result.details {
        for account in &balance.accounts {
            println!(
                "   {:<34} {} {:>14.2} available",
                account.name, account.currency, account.available
            );
        }
    } else {
        return Err(format!("unexpected balance result: {:?}", result.details));
    }
    Ok(())
}

fn next_stk(
    client: &Client,
    hooks: &WebhookReceiver,
    checkout: &str,
) -> Result<tuma::daraja::StkCallback, String> {
    let delivery = hooks
        .next("/daraja/stk", WAIT)
        .ok_or("no STK callback arrived within 5 s")?;
    let callback = tuma::daraja::parse_stk_callback(&delivery.body).map_err(|e| e.to_string())?;
    if callback.checkout_request_id != checkout {
        return Err("the STK callback is for another push".into());
    }
    claim(client, "daraja.stk_callback", &delivery.body)?;
    Ok(callback)
}

fn next_result(
    client: &Client,
    hooks: &WebhookReceiver,
    originator: &str,
) -> Result<tuma::daraja::ResultCallback, String> {
    let delivery = hooks
        .next("/daraja/result", WAIT)
        .ok_or("no result arrived on the ResultURL within 5 s")?;
    let result = tuma::daraja::parse_result(&delivery.body).map_err(|e| e.to_string())?;
    if result.originator_conversation_id != originator {
        return Err("the result is for another request".into());
    }
    claim(client, "daraja.result", &delivery.body)?;
    Ok(result)
}

/// An STK push whose callback the sandbox drops, settled by the reconciler.
fn reconcile_dropped(
    client: &Client,
    sandbox: &Sandbox,
    hooks: &WebhookReceiver,
) -> Result<(), String> {
    step("Daraja: reconciliation of an STK push whose callback is lost");
    let normal = sandbox.daraja().tunables();
    let mut dropping = normal.clone();
    dropping.callback_drop_percent = 100;
    dropping.callback_drop_kinds = vec!["stk".into()];
    sandbox.daraja().set_tunables(dropping);
    let pushed = client
        .daraja()
        .stk_push(&StkPushRequest::new("0708 374 149", 1_200, "ORDER-1044"))
        .map_err(|e| e.to_string());
    let waited = sandbox.daraja().wait_ledger_final(WAIT);
    sandbox.daraja().set_tunables(normal);
    let push = pushed?;
    if !waited {
        return Err("the sandbox did not finish the push within 5 s".into());
    }
    if hooks
        .next("/daraja/stk", Duration::from_millis(300))
        .is_some()
    {
        return Err("the STK callback arrived although the sandbox was to drop it".into());
    }
    println!(
        "   pushed KES 1 200 as {}; the payer paid, but the sandbox dropped the callback",
        push.checkout_request_id
    );
    let before = client
        .journal_entry(tuma::Provider::Daraja, &push.checkout_request_id)
        .map_err(|e| e.to_string())?
        .ok_or("the push is not in the payment journal")?;
    println!(
        "   payment journal: {} KES {} ref {} — no outcome yet",
        before.operation, before.amount, before.reference
    );
    let report = client
        .reconcile(&ReconcileRequest::new(0))
        .map_err(|e| e.to_string())?;
    println!("   client.reconcile(older_than 0 s):");
    for line in crate::reconcile::render(&report).lines() {
        println!("     {line}");
    }
    let after = client
        .journal_entry(tuma::Provider::Daraja, &push.checkout_request_id)
        .map_err(|e| e.to_string())?
        .and_then(|e| e.outcome)
        .ok_or("the reconciler did not record the outcome")?;
    println!(
        "   payment journal now: {} (code {}, receipt {}) — asked, never paid again",
        after.status,
        after.result_code,
        after.receipt.as_deref().unwrap_or("-")
    );
    Ok(())
}

fn umspay(client: &Client, hooks: &WebhookReceiver) -> Result<(), String> {
    let umspay = client.umspay();
    step("UMS Pay: STK push KES 1 500 to 0712 345 678, waited to completion");
    let push = umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(
            1_500,
            "0712 345 678",
            "ORDER-2001",
        ))
        .map_err(|e| e.to_string())?;
    println!("   {} — {}", push.message, push.transaction_request_id);
    let status = umspay
        .wait_for_status(&push.transaction_request_id, Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let paid = status
        .completed()
        .ok_or_else(|| format!("the payment did not complete: {}", status.state()))?;
    println!(
        "   {} — receipt {}, KES {}, reference {}",
        status.state(),
        paid.receipt,
        paid.amount,
        paid.reference
    );
    let mut events = Vec::new();
    while let Some(d) = hooks.next("/umspay", Duration::from_secs(2)) {
        let event = tuma::umspay::parse_webhook(&d.body).map_err(|e| e.to_string())?;
        events.push(event.event.as_str().to_string());
        if event.is_completed() {
            break;
        }
    }
    println!("   webhooks received: {}", events.join(", "));
    Ok(())
}
