<?php

declare(strict_types=1);

namespace Tuma;

use FFI\CData;

/** Local helpers (no network). */
final class Utils
{
    /** Runs a utility by name (see {@see Utils::names()}); $request may hold a secret. */
    public static function run(string $name, #[\SensitiveParameter] array $request): array
    {
        $json = Native::encode($request);
        return Native::json(fn (CData $out) => Native::load()->tuma_utility($name, $json, $out));
    }

    /** @return list<string> every utility libtuma offers */
    public static function names(): array
    {
        return Native::names('tuma_utilities');
    }

    /** `['phone' => '0712 345 678']` → `['phone' => '254712345678', 'carrier' => ...]`. */
    public static function phoneNormalize(array $request): array
    {
        return self::run('phone.normalize', $request);
    }

    /** The STK password: `shortcode`, `passkey`, `timestamp`? → `password`, `timestamp`. */
    public static function darajaStkPassword(#[\SensitiveParameter] array $request = []): array
    {
        return self::run('daraja.stk_password', $request);
    }

    /** The current Daraja timestamp (Kenyan time, YYYYMMDDHHmmss). */
    public static function darajaTimestamp(array $request = []): array
    {
        return self::run('daraja.timestamp', $request);
    }

    /** Encrypts an initiator password: `password`, `certificate_pem`?, `environment`? → `security_credential`. */
    public static function darajaSecurityCredential(#[\SensitiveParameter] array $request = []): array
    {
        return self::run('daraja.security_credential', $request);
    }

    /** The reply accepting a C2B validation: `third_party_trans_id`?. */
    public static function darajaC2BAccept(array $request = []): array
    {
        return self::run('daraja.c2b_accept', $request);
    }

    /** The reply rejecting a C2B validation: `reason` (a code `C2B00011`... or a name `invalid_msisdn`...). */
    public static function darajaC2BReject(array $request = []): array
    {
        return self::run('daraja.c2b_reject', $request);
    }

    /** The reply acknowledging a C2B confirmation. */
    public static function darajaC2BConfirmationAck(array $request = []): array
    {
        return self::run('daraja.c2b_confirmation_ack', $request);
    }
}
