<?php

declare(strict_types=1);

namespace Tuma;

use FFI\CData;

/**
 * A tuma client: build it once and reuse it (it holds the connection pool, the Daraja
 * token cache and the UMS Pay rate limiter).
 *
 * ```php
 * $tuma = new Tuma\Client(['statum' => ['consumer_key' => '...', 'consumer_secret' => '...']]);
 * $sent = $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => 'Hi']);
 * ```
 *
 * Requests and results are arrays: the request fields are the snake_case names of the
 * tuma operation (see docs/c-abi.md); failures throw {@see Exception} subclasses.
 *
 * A client owns its libtuma handle: it cannot be cloned (two owners would free the handle
 * twice) nor serialized. After `pcntl_fork()` the child may go on using it: libtuma gives
 * the child its own connections.
 */
final class Client
{
    private CData $handle;

    /**
     * @param array $config `statum`, `daraja`, `umspay`, `http` and `store` sections, as in
     *                      tuma's JSON configuration (it holds the credentials: a
     *                      sensitive parameter, left out of stack traces)
     */
    public function __construct(#[\SensitiveParameter] array $config)
    {
        if (isset($this->handle)) {
            throw new \Error('Tuma\Client is already initialised');
        }
        $ffi = Native::load();
        $json = Native::encode($config);
        $handle = $ffi->new('tuma_client *');
        $result = $ffi->tuma_client_new($json, \FFI::addr($handle));
        if ($result !== 0) {
            throw Native::lastError($result);
        }
        $this->handle = $handle;
    }

    /** A client configured from the TUMA_* environment variables. */
    public static function fromEnv(): self
    {
        $ffi = Native::load();
        $handle = $ffi->new('tuma_client *');
        $result = $ffi->tuma_client_from_env(\FFI::addr($handle));
        if ($result !== 0) {
            throw Native::lastError($result);
        }
        $client = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $client->handle = $handle;
        return $client;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $handle = $this->handle;
            // Forgotten first: a second __destruct() call (made by hand) frees nothing.
            unset($this->handle);
            Native::load()->tuma_client_free($handle);
        }
    }

    /** One owner per libtuma handle: a clone would free it a second time. */
    private function __clone()
    {
        throw new \Error('Trying to clone an uncloneable object of class ' . self::class);
    }

    /** Statum: SMS, airtime and account details. */
    public function statum(): Statum
    {
        return new Statum($this);
    }

    /** Safaricom Daraja: M-Pesa. */
    public function daraja(): Daraja
    {
        return new Daraja($this);
    }

    /** UMS Pay: M-Pesa STK push through Umeskia. */
    public function umspay(): UmsPay
    {
        return new UmsPay($this);
    }

    /** Receiving callbacks: parse and recognise redeliveries. */
    public function callbacks(): Inbox
    {
        return new Inbox($this);
    }

    /** The payment journal: reconcile payments whose outcome is not known yet. */
    public function journal(): Journal
    {
        return new Journal($this);
    }

    /**
     * Runs any operation by name, e.g. `call('statum.send_sms', [...])`.
     *
     * @return ?array the operation's result (null for "not found" answers such as an
     *                unpaid `confirm_payment`)
     */
    public function call(string $operation, array $request = []): ?array
    {
        $json = Native::encode($request);
        return Native::json(
            fn (CData $out) => Native::load()->tuma_client_call($this->handle, $operation, $json, $out)
        );
    }

    /** @return list<string> every operation name libtuma offers */
    public static function operations(): array
    {
        return Native::names('tuma_operations');
    }

    /** The libtuma version, e.g. "0.1.0". */
    public static function version(): string
    {
        // FFI returns `const char *` results as PHP strings.
        return Native::load()->tuma_version();
    }
}
