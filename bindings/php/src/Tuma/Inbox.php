<?php

declare(strict_types=1);

namespace Tuma;

/**
 * Receiving callbacks safely: `$client->callbacks()`. De-duplication is shared by every
 * client of the process, or by the whole fleet with a Redis store (`store.url`).
 */
final class Inbox extends Provider
{
    /**
     * Parses a callback and tells whether it is the first delivery: `kind` (e.g.
     * `daraja.stk_callback`), `body` (the raw request body). Returns `first_time`, `id`
     * and `callback`.
     */
    public function receive(array $request = []): array
    {
        return $this->client->call('callbacks.receive', $request);
    }

    /** True the first time an id is seen: `id`. Returns `first_time`. */
    public function firstTime(array $request = []): array
    {
        return $this->client->call('callbacks.first_time', $request);
    }
}
