<?php

declare(strict_types=1);

namespace Tuma;

/** UMS Pay (M-Pesa STK through Umeskia): `$client->umspay()`. */
final class UmsPay extends Provider
{
    /** STK push through UMS Pay: `amount`, `phone`, `reference`. */
    public function stkPush(array $request = []): array
    {
        return $this->client->call('umspay.stk_push', $request);
    }

    /** The state of a push: `transaction_request_id`. */
    public function transactionStatus(array $request = []): array
    {
        return $this->client->call('umspay.transaction_status', $request);
    }

    /** Polls until the push is final: `transaction_request_id`, `timeout_ms`? (default 60 000). */
    public function waitForStatus(array $request = []): array
    {
        return $this->client->call('umspay.wait_for_status', $request);
    }

    /**
     * The completed payment (or null): `transaction_request_id`, or `webhook` (the raw
     * webhook body). A completed webhook throws InvalidCallbackException when the payment
     * journal holds the push with another amount, phone or reference, when the journal
     * (Redis, or `store.journal_required`) does not hold it at all, or when UMS Pay does not
     * confirm it.
     */
    public function confirmPayment(array $request = []): ?array
    {
        return $this->client->call('umspay.confirm_payment', $request);
    }
}
