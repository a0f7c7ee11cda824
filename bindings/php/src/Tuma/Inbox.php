<?php

declare(strict_types=1);

namespace Tuma;

/**
 * Receiving callbacks safely: `$client->callbacks()`. Claims are shared by every client of
 * the process, or by the whole fleet with a Redis store (`store.url`).
 *
 * ```php
 * $in = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
 * if ($in['status'] === 'in_progress') { http_response_code(503); return; } // another worker has it
 * if ($in['status'] === 'done') { return; }                                   // answer 200
 * try {
 *     ship($in['callback']);
 *     $tuma->callbacks()->complete(['claim' => $in['claim']]);
 * } catch (\Throwable $e) {
 *     $tuma->callbacks()->release(['claim' => $in['claim']]);
 *     throw $e;
 * }
 * ```
 */
final class Inbox extends Provider
{
    /**
     * Parses a callback and claims it: `kind` (e.g. `daraja.stk_callback`), `body` (the raw
     * request body). Returns `first_time`, `status` (`claimed`: process it, then complete or
     * release the `claim`; `in_progress`: another worker holds it, answer non-200; `done`:
     * already processed, answer 200), `claim` (null unless claimed), `id` and `callback`.
     * A claim neither completed nor released lapses after `store.callback_lease_ms`.
     */
    public function receive(array $request = []): array
    {
        return $this->client->call('callbacks.receive', $request);
    }

    /**
     * Marks a claimed callback processed (redeliveries are then `done`): `claim`. Returns
     * `completed` and `lease_held` (false: the lease had expired meanwhile, so another
     * worker may have processed it too).
     */
    public function complete(array $request = []): array
    {
        return $this->client->call('callbacks.complete', $request);
    }

    /**
     * Gives a claim back after processing failed, so the next redelivery is processed:
     * `claim`. Returns `released` (false when the lease had already expired).
     */
    public function release(array $request = []): array
    {
        return $this->client->call('callbacks.release', $request);
    }

    /** True the first time an id is seen: `id`. Returns `first_time`. */
    public function firstTime(array $request = []): array
    {
        return $this->client->call('callbacks.first_time', $request);
    }
}
