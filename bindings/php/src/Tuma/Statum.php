<?php

declare(strict_types=1);

namespace Tuma;

/** Statum: SMS, airtime and account details (`$client->statum()`). */
final class Statum extends Provider
{
    /**
     * Sends an SMS: `['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => '...']`.
     *
     * @return array `status_code`, `description`, `request_id`
     */
    public function sendSms(array $request): array
    {
        return $this->client->call('statum.send_sms', $request);
    }

    /**
     * Buys airtime: `['phone' => '0712345678', 'amount' => 50]` (whole shillings).
     *
     * @return array `status_code`, `description`, `request_id`
     */
    public function airtime(array $request): array
    {
        return $this->client->call('statum.airtime', $request);
    }

    /** @return array the account's organization, balance and service accounts */
    public function accountDetails(array $request = []): array
    {
        return $this->client->call('statum.account_details', $request);
    }
}
