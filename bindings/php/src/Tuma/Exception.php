<?php

declare(strict_types=1);

namespace Tuma;

/**
 * Root of every tuma error. A subclass per kind: InvalidInputException, ConfigException,
 * AuthenticationException, AuthorizationException, ApiException, RateLimitedException,
 * NetworkException, TimeoutException, DecodeException, InvalidCallbackException,
 * StoreException, BusyException ({@see Exception::kinds()} lists the kinds).
 *
 * getCode() is the libtuma result number (e.g. 201 for an API error); the provider's own
 * code is {@see Exception::$providerCode}.
 */
class Exception extends \RuntimeException
{
    private const CLASSES = [
        'invalid_input' => InvalidInputException::class,
        'null_parameter' => InvalidInputException::class,
        'invalid_utf8' => InvalidInputException::class,
        'malformed_json' => InvalidInputException::class,
        'config' => ConfigException::class,
        'authentication' => AuthenticationException::class,
        'authorization' => AuthorizationException::class,
        'api' => ApiException::class,
        'rate_limited' => RateLimitedException::class,
        'network' => NetworkException::class,
        'timeout' => TimeoutException::class,
        'decode' => DecodeException::class,
        'invalid_callback' => InvalidCallbackException::class,
        'store' => StoreException::class,
        'busy' => BusyException::class,
    ];

    /**
     * What became of the request: `not_sent` (nothing reached the provider: safe to send
     * again), `refused` (a documented refusal: the provider did not process it) or
     * `unknown` (it may have been processed: for a payment, the money may have moved).
     */
    public readonly string $fate;

    /**
     * @param string $kind the stable error kind (`invalid_input`, `api`, `network`...)
     * @param ?string $provider `statum`, `daraja` or `umspay`, when a provider was involved
     * @param ?int $status HTTP status of the provider's answer
     * @param ?string $providerCode the provider's own error code
     * @param ?string $requestId the provider's request id
     * @param ?string $field the input or setting at fault
     * @param ?int $retryAfterMs how long to wait before retrying (rate limits)
     * @param bool $outcomeUnknown true when the request may have been processed anyway:
     *                             check the transaction status before sending it again
     * @param ?string $fate `not_sent`, `refused` or `unknown`; null: `unknown` when
     *                      $outcomeUnknown, else `not_sent`
     * @param ?array $recovery on the errors of a money-moving call (STK push, B2C, B2B,
     *                         reversal, airtime, UMS Pay STK push) once its input was
     *                         valid: `operation`, `advice` and, when known, `phone`,
     *                         `amount`, `shortcode`, `receiver`, `account_reference`,
     *                         `timestamp`, `reference`, `originator_conversation_id`,
     *                         `transaction_id`, `checkout_request_id`, `conversation_id`,
     *                         `transaction_request_id`, `request_id`
     */
    public function __construct(
        string $message,
        public readonly string $kind,
        int $result = 0,
        public readonly ?string $provider = null,
        public readonly ?int $status = null,
        public readonly ?string $providerCode = null,
        public readonly ?string $requestId = null,
        public readonly ?string $field = null,
        public readonly ?int $retryAfterMs = null,
        public readonly bool $outcomeUnknown = false,
        ?string $fate = null,
        public readonly ?array $recovery = null,
    ) {
        parent::__construct($message, $result);
        $this->fate = $fate ?? ($outcomeUnknown ? 'unknown' : 'not_sent');
    }

    /**
     * Every error kind libtuma reports, as it lists them (`tuma_error_kinds`): the core's
     * kinds first (`origin` `core`, each with its own subclass), then libtuma's own checks
     * (`origin` `libtuma`: `null_parameter`, `invalid_utf8` and `malformed_json` are
     * InvalidInputException, `panic` a plain Exception).
     *
     * @return list<array{kind: string, result: int, origin: string, description: string}>
     */
    public static function kinds(): array
    {
        return Native::names('tuma_error_kinds');
    }

    /** @internal builds the right subclass from libtuma's last-error JSON */
    public static function fromDetail(int $result, string $message, array $detail): self
    {
        $kind = (string) ($detail['kind'] ?? 'internal');
        $class = self::CLASSES[$kind] ?? self::class;
        return new $class(
            $message,
            $kind,
            $result,
            provider: $detail['provider'] ?? null,
            status: isset($detail['status']) ? (int) $detail['status'] : null,
            providerCode: isset($detail['code']) ? (string) $detail['code'] : null,
            requestId: $detail['request_id'] ?? null,
            field: $detail['field'] ?? null,
            retryAfterMs: isset($detail['retry_after_ms']) ? (int) $detail['retry_after_ms'] : null,
            outcomeUnknown: (bool) ($detail['outcome_unknown'] ?? false),
            fate: isset($detail['fate']) ? (string) $detail['fate'] : null,
            recovery: is_array($detail['recovery'] ?? null) ? $detail['recovery'] : null,
        );
    }
}
