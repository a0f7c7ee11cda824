<?php

declare(strict_types=1);

namespace Tuma;

/** Safaricom Daraja (M-Pesa): `$client->daraja()`. Requests use the field names of docs/c-abi.md. */
final class Daraja extends Provider
{
    /** M-Pesa Express (STK push): `phone`, `amount`, `account_reference`, `transaction_desc`?, `callback_url`?, `transaction_type`?, `till_number`?. */
    public function stkPush(array $request = []): array
    {
        return $this->client->call('daraja.stk_push', $request);
    }

    /** The state of an STK push: `checkout_request_id`. */
    public function stkQuery(array $request = []): array
    {
        return $this->client->call('daraja.stk_query', $request);
    }

    /**
     * Verify by query before shipping goods: `checkout_request_id` and/or `callback` (the raw
     * callback body). Returns the query's answer when paid, null otherwise. A callback that
     * claims a payment throws InvalidCallbackException when the payment journal holds the
     * push with another amount or phone, when the journal (Redis, or
     * `store.journal_required`) does not hold it at all, or when Daraja does not confirm it.
     */
    public function confirmStkPayment(array $request = []): ?array
    {
        return $this->client->call('daraja.confirm_stk_payment', $request);
    }

    /** Registers C2B URLs: `confirmation_url`, `validation_url`, `response_type`?, `shortcode`?. */
    public function c2bRegisterUrls(array $request = []): array
    {
        return $this->client->call('daraja.c2b_register_urls', $request);
    }

    /** Simulates a C2B payment (sandbox only): `phone`, `amount`, `bill_ref_number`?, `command_id`?, `shortcode`?. */
    public function c2bSimulate(array $request = []): array
    {
        return $this->client->call('daraja.c2b_simulate', $request);
    }

    /** Pays a customer: `phone`, `amount`, `remarks`, `command_id`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`?, `originator_conversation_id`?. */
    public function b2c(array $request = []): array
    {
        return $this->client->call('daraja.b2c', $request);
    }

    /** Pays a business: `party_b`, `amount`, `remarks`, `command_id`?, `account_reference`?, `requester`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`?. */
    public function b2b(array $request = []): array
    {
        return $this->client->call('daraja.b2b', $request);
    }

    /** Queries a transaction: `transaction_id`? and/or `original_conversation_id`?, `identifier_type`?, `remarks`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`?. */
    public function transactionStatus(array $request = []): array
    {
        return $this->client->call('daraja.transaction_status', $request);
    }

    /** Requests the balance (delivered to the result URL): `identifier_type`?, `remarks`?, `shortcode`?, `result_url`?, `timeout_url`?. */
    public function accountBalance(array $request = []): array
    {
        return $this->client->call('daraja.account_balance', $request);
    }

    /** Reverses a transaction: `transaction_id`, `amount`, `remarks`, `shortcode`?, `result_url`?, `timeout_url`?. */
    public function reversal(array $request = []): array
    {
        return $this->client->call('daraja.reversal', $request);
    }

    /** A dynamic M-Pesa QR code: `merchant_name`, `ref_no`, `amount`, `trx_code`, `cpi`, `size`?. */
    public function dynamicQr(array $request = []): array
    {
        return $this->client->call('daraja.dynamic_qr', $request);
    }
}
