<?php

/**
 * tuma: M-Pesa (Daraja, UMS Pay), SMS and airtime (Statum) for Kenya, as a native PHP
 * extension over libtuma. The same API as the FFI wrapper in bindings/php: requests and
 * results are arrays whose field names are those of the C ABI's JSON documents
 * (docs/c-abi.md); failures throw Tuma\Exception subclasses.
 *
 * This file is the extension's signature list: tuma_arginfo.h is generated from it by
 * PHP's build/gen_stub.php, and IDEs and static analysers read it for completion.
 *
 * @generate-class-entries
 */

namespace Tuma {

    /**
     * A tuma client: build it once per request or worker; clients with the same
     * credentials in one process share the Daraja token, the UMS Pay limiter and the
     * callback de-duplication memory. It owns its libtuma handle: it cannot be cloned nor
     * serialized. A child of pcntl_fork() may go on using it (libtuma gives the child its
     * own connections).
     *
     * @not-serializable
     */
    final class Client
    {
        /** $config: the `statum`, `daraja`, `umspay`, `http` and `store` sections of tuma's JSON configuration (it holds the credentials: a sensitive parameter, left out of stack traces). */
        public function __construct(#[\SensitiveParameter] array $config) {}

        /** A client configured from the TUMA_* environment variables. */
        public static function fromEnv(): Client {}

        /** Statum: SMS, airtime and account details. */
        public function statum(): Statum {}

        /** Safaricom Daraja: M-Pesa. */
        public function daraja(): Daraja {}

        /** UMS Pay: M-Pesa STK push through Umeskia. */
        public function umspay(): UmsPay {}

        /** Receiving callbacks: parse them and recognise redeliveries. */
        public function callbacks(): Inbox {}

        /** Runs any operation by name, e.g. call('statum.send_sms', [...]); see operations(). */
        public function call(string $operation, array $request = []): ?array {}

        /** Every operation name libtuma offers (e.g. "statum.send_sms"). */
        public static function operations(): array {}

        /** The libtuma version, e.g. "0.1.0". */
        public static function version(): string {}
    }

    /** The operations of one provider, reached through a Client. */
    abstract class Provider
    {
        protected readonly Client $client;

        /** Internal: use Client::statum() and friends. */
        public function __construct(Client $client) {}
    }

    /** Statum: SMS, airtime and account details ($client->statum()). */
    final class Statum extends Provider
    {
        /** Sends an SMS: sender_id, phone, message. Returns status_code, description, request_id. */
        public function sendSms(array $request): array {}

        /** Buys airtime: phone, amount (whole shillings). Returns status_code, description, request_id. */
        public function airtime(array $request): array {}

        /** The account's organization, balance and service accounts. */
        public function accountDetails(array $request = []): array {}
    }

    /** Safaricom Daraja (M-Pesa): $client->daraja(). */
    final class Daraja extends Provider
    {
        /** M-Pesa Express: phone, amount, account_reference, transaction_desc?, callback_url?, transaction_type?, till_number?. */
        public function stkPush(array $request = []): array {}

        /** The state of an STK push: checkout_request_id. */
        public function stkQuery(array $request = []): array {}

        /** Verify by query before shipping goods: checkout_request_id and/or callback (the raw callback body). The query's answer when paid, else null; a callback claiming a payment throws InvalidCallbackException when the payment journal holds the push with another amount or phone, does not hold it while required (Redis, or store.journal_required), or Daraja does not confirm it. */
        public function confirmStkPayment(array $request = []): ?array {}

        /** Registers C2B URLs: confirmation_url, validation_url, response_type?, shortcode?. */
        public function c2bRegisterUrls(array $request = []): array {}

        /** Simulates a C2B payment (sandbox only): phone, amount, bill_ref_number?, command_id?, shortcode?. */
        public function c2bSimulate(array $request = []): array {}

        /** Pays a customer: phone, amount, remarks, command_id?, occasion?, shortcode?, result_url?, timeout_url?, originator_conversation_id?. */
        public function b2c(array $request = []): array {}

        /** Pays a business: party_b, amount, remarks, command_id?, account_reference?, requester?, occasion?, shortcode?, result_url?, timeout_url?. */
        public function b2b(array $request = []): array {}

        /** Queries a transaction: transaction_id? and/or original_conversation_id?, identifier_type?, remarks?, occasion?, shortcode?, result_url?, timeout_url?. */
        public function transactionStatus(array $request = []): array {}

        /** Requests the balance (delivered to the result URL): identifier_type?, remarks?, shortcode?, result_url?, timeout_url?. */
        public function accountBalance(array $request = []): array {}

        /** Reverses a transaction: transaction_id, amount, remarks, shortcode?, result_url?, timeout_url?. */
        public function reversal(array $request = []): array {}

        /** A dynamic M-Pesa QR code: merchant_name, ref_no, amount, trx_code, cpi, size?. */
        public function dynamicQr(array $request = []): array {}
    }

    /** UMS Pay (M-Pesa STK through Umeskia): $client->umspay(). */
    final class UmsPay extends Provider
    {
        /** STK push through UMS Pay: amount, phone, reference. */
        public function stkPush(array $request = []): array {}

        /** The state of a push: transaction_request_id. */
        public function transactionStatus(array $request = []): array {}

        /** Polls until the push is final: transaction_request_id, timeout_ms? (default 60 000). */
        public function waitForStatus(array $request = []): array {}

        /** The completed payment, or null: transaction_request_id, or webhook (the raw webhook body); a completed webhook throws InvalidCallbackException when the payment journal holds the push with another amount, phone or reference, does not hold it while required (Redis, or store.journal_required), or UMS Pay does not confirm it. */
        public function confirmPayment(array $request = []): ?array {}
    }

    /**
     * Receiving callbacks safely: $client->callbacks(). Claims are shared by every client
     * of the process, or by the whole fleet with a Redis store (store.url).
     */
    final class Inbox extends Provider
    {
        /**
         * Parses a callback and claims it: kind, body (the raw request body). Returns
         * first_time, status (claimed: process it, then complete or release the claim;
         * in_progress: another worker holds it, answer non-200; done: already processed,
         * answer 200), claim (null unless claimed), id, callback. A claim neither completed
         * nor released lapses after store.callback_lease_ms.
         */
        public function receive(array $request = []): array {}

        /** Marks a claimed callback processed (redeliveries are then done): claim. Returns completed, lease_held. */
        public function complete(array $request = []): array {}

        /** Gives a claim back after processing failed, so the next redelivery is processed: claim. Returns released. */
        public function release(array $request = []): array {}

        /** True the first time an id is seen: id. Returns first_time. */
        public function firstTime(array $request = []): array {}
    }

    /**
     * Parsers for the bodies providers POST to your callback URLs. Pass the raw body
     * (file_get_contents('php://input')); a body that is not what the provider sends
     * throws InvalidCallbackException.
     */
    final class Callbacks
    {
        /** Parses a callback body of the given kind (see kinds()). */
        public static function parse(string $kind, string $body): array {}

        /** Every callback kind libtuma parses. */
        public static function kinds(): array {}

        /** Statum's delivery/result callback (statum.result). */
        public static function statumResult(string $body): array {}

        /** Statum's airtime result callback (statum.airtime_result). */
        public static function statumAirtimeResult(string $body): array {}

        /** Daraja's STK push result (POSTed to the callback_url). */
        public static function darajaStkCallback(string $body): array {}

        /** Daraja's asynchronous result (B2C, B2B, status, balance, reversal; POSTed to the result_url). */
        public static function darajaResult(string $body): array {}

        /** A C2B validation request; answer with Utils::darajaC2BAccept() or darajaC2BReject(). */
        public static function darajaC2BValidation(string $body): array {}

        /** A C2B confirmation; answer with Utils::darajaC2BConfirmationAck(). */
        public static function darajaC2BConfirmation(string $body): array {}

        /** Daraja's queue timeout notice (POSTed to the timeout_url). */
        public static function darajaQueueTimeout(string $body): array {}

        /** A UMS Pay webhook; confirm it with $client->umspay()->confirmPayment() before shipping. */
        public static function umspayWebhook(string $body): array {}
    }

    /** Local helpers (no network). */
    final class Utils
    {
        /** Runs a utility by name (see names()); $request may hold a secret. */
        public static function run(string $name, #[\SensitiveParameter] array $request): array {}

        /** Every utility libtuma offers. */
        public static function names(): array {}

        /** ['phone' => '0712 345 678'] gives ['phone' => '254712345678', 'carrier' => ...]. */
        public static function phoneNormalize(array $request): array {}

        /** The STK password: shortcode, passkey, timestamp? gives password, timestamp. */
        public static function darajaStkPassword(#[\SensitiveParameter] array $request = []): array {}

        /** The current Daraja timestamp (Kenyan time, YYYYMMDDHHmmss). */
        public static function darajaTimestamp(array $request = []): array {}

        /** Encrypts an initiator password: password, certificate_pem?, environment? gives security_credential. */
        public static function darajaSecurityCredential(#[\SensitiveParameter] array $request = []): array {}

        /** The reply accepting a C2B validation: third_party_trans_id?. */
        public static function darajaC2BAccept(array $request = []): array {}

        /** The reply rejecting a C2B validation: reason (a code C2B00011... or a name invalid_msisdn...). */
        public static function darajaC2BReject(array $request = []): array {}

        /** The reply acknowledging a C2B confirmation. */
        public static function darajaC2BConfirmationAck(array $request = []): array {}
    }

    /**
     * Root of every tuma error, with a subclass per kind. getCode() is the libtuma result
     * number (e.g. 201 for an API error); the provider's own code is $providerCode.
     */
    class Exception extends \RuntimeException
    {
        /** The stable error kind: invalid_input, config, authentication, authorization, api, rate_limited, network, timeout, decode, invalid_callback, store, busy (see kinds()). */
        public readonly string $kind;
        /** statum, daraja or umspay, when a provider was involved. */
        public readonly ?string $provider;
        /** The HTTP status of the provider's answer. */
        public readonly ?int $status;
        /** The provider's own error code. */
        public readonly ?string $providerCode;
        /** The provider's request id. */
        public readonly ?string $requestId;
        /** The input or setting at fault. */
        public readonly ?string $field;
        /** How long to wait before retrying (rate limits). */
        public readonly ?int $retryAfterMs;
        /** True when the request may have been processed anyway: check the status before sending it again. */
        public readonly bool $outcomeUnknown;
        /** What became of the request: not_sent (safe to send again), refused (a documented refusal: not processed) or unknown (it may have been processed). */
        public readonly string $fate;
        /** On the errors of a money-moving call once its input was valid: operation, advice and, when known, the ids to recover with (phone, amount, account_reference, timestamp, checkout_request_id...). */
        public readonly ?array $recovery;

        public function __construct(
            string $message,
            string $kind,
            int $result = 0,
            ?string $provider = null,
            ?int $status = null,
            ?string $providerCode = null,
            ?string $requestId = null,
            ?string $field = null,
            ?int $retryAfterMs = null,
            bool $outcomeUnknown = false,
            ?string $fate = null,
            ?array $recovery = null
        ) {}

        /** Internal: builds the right subclass from libtuma's last-error JSON. */
        public static function fromDetail(int $result, string $message, array $detail): Exception {}

        /** Every error kind libtuma reports (tuma_error_kinds): kind, result, origin (core: each has its own subclass; libtuma: null_parameter, invalid_utf8 and malformed_json are InvalidInputException, panic a plain Exception), description. */
        public static function kinds(): array {}
    }

    /** Bad input, caught before any request; $field names it. */
    final class InvalidInputException extends Exception {}

    /** The client configuration is incomplete or wrong. */
    final class ConfigException extends Exception {}

    /** The provider refused the credentials. */
    final class AuthenticationException extends Exception {}

    /** The provider refused access with valid credentials (HTTP 403): not allowed this operation or resource ($status). */
    final class AuthorizationException extends Exception {}

    /** The provider answered with an error ($providerCode, $requestId, $status). */
    final class ApiException extends Exception {}

    /** The provider asked to slow down ($retryAfterMs). */
    final class RateLimitedException extends Exception {}

    /** A connection-level failure ($outcomeUnknown tells whether it may have been processed). */
    final class NetworkException extends Exception {}

    /** The call ran out of time ($outcomeUnknown tells whether it may have been processed). */
    final class TimeoutException extends Exception {}

    /** The provider's answer could not be understood; the outcome is unknown. */
    final class DecodeException extends Exception {}

    /** A callback body is not what the provider sends. */
    final class InvalidCallbackException extends Exception {}

    /**
     * The shared state store (Redis) failed or did not answer in time. For callback
     * de-duplication this means "unknown": do not ship goods on a guess.
     */
    final class StoreException extends Exception {}

    /**
     * Too many calls in flight on the client's worker pool: refused before it started,
     * nothing was sent. libtuma's calls run on the calling thread, so PHP does not meet
     * it today; it is the class of the core's `busy` kind.
     */
    final class BusyException extends Exception {}
}
