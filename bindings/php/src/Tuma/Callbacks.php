<?php

declare(strict_types=1);

namespace Tuma;

use FFI\CData;

/**
 * Parsers for the bodies providers POST to your callback URLs. Pass the raw body
 * (`file_get_contents('php://input')`); a body that is not what the provider sends throws
 * {@see InvalidCallbackException}.
 */
final class Callbacks
{
    /** Parses a callback body of the given kind (see {@see Callbacks::kinds()}). */
    public static function parse(string $kind, string $body): array
    {
        $buf = Native::bytes($body);
        $len = strlen($body);
        return Native::json(
            fn (CData $out) => Native::load()->tuma_parse_callback($kind, $buf, $len, $out)
        );
    }

    /** @return list<string> every callback kind libtuma parses */
    public static function kinds(): array
    {
        return Native::names('tuma_callback_kinds');
    }

    /** Statum's delivery/result callback (`statum.result`). */
    public static function statumResult(string $body): array
    {
        return self::parse('statum.result', $body);
    }

    /** Statum's airtime result callback (`statum.airtime_result`). */
    public static function statumAirtimeResult(string $body): array
    {
        return self::parse('statum.airtime_result', $body);
    }

    /** Daraja's STK push result (POSTed to the `callback_url`). */
    public static function darajaStkCallback(string $body): array
    {
        return self::parse('daraja.stk_callback', $body);
    }

    /** Daraja's asynchronous result (B2C, B2B, status, balance, reversal; POSTed to the `result_url`). */
    public static function darajaResult(string $body): array
    {
        return self::parse('daraja.result', $body);
    }

    /** A C2B validation request; answer with Utils::darajaC2bAccept() or darajaC2bReject(). */
    public static function darajaC2BValidation(string $body): array
    {
        return self::parse('daraja.c2b_validation', $body);
    }

    /** A C2B confirmation; answer with Utils::darajaC2bConfirmationAck(). */
    public static function darajaC2BConfirmation(string $body): array
    {
        return self::parse('daraja.c2b_confirmation', $body);
    }

    /** Daraja's queue timeout notice (POSTed to the `timeout_url`). */
    public static function darajaQueueTimeout(string $body): array
    {
        return self::parse('daraja.queue_timeout', $body);
    }

    /** A UMS Pay webhook; confirm it with `$client->umspay()->confirmPayment()` before shipping. */
    public static function umspayWebhook(string $body): array
    {
        return self::parse('umspay.webhook', $body);
    }
}
