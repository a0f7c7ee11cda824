<?php

declare(strict_types=1);

namespace Tuma;

use FFI;
use FFI\CData;

/**
 * The libtuma binding: loads the library once and turns result codes into exceptions.
 *
 * The library is found through the TUMA_LIB environment variable (a path to libtuma.so),
 * else by the dynamic loader as "libtuma.so" (e.g. after `make install`). Call
 * {@see Native::load()} yourself to pick another path.
 *
 * PHP's FFI is enabled on the command line by default (ffi.enable=preload); under a web
 * server set ffi.enable=1, or preload this package with opcache.preload.
 *
 * @internal
 */
final class Native
{
    private static ?FFI $ffi = null;

    /** Loads libtuma from $library (default: TUMA_LIB, else "libtuma.so"). */
    public static function load(?string $library = null): FFI
    {
        if (self::$ffi === null || $library !== null) {
            $library ??= (getenv('TUMA_LIB') ?: 'libtuma.so');
            $header = file_get_contents(__DIR__ . '/tuma_ffi.h');
            if ($header === false) {
                throw new Exception('cannot read tuma_ffi.h next to ' . __FILE__, 'internal');
            }
            self::$ffi = FFI::cdef($header, $library);
        }
        return self::$ffi;
    }

    /** Encodes a request array as a JSON object (an empty array is `{}`). */
    public static function encode(#[\SensitiveParameter] array $request): string
    {
        if ($request === []) {
            return '{}';
        }
        try {
            return json_encode(
                $request,
                JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION
            );
        } catch (\JsonException $e) {
            throw new InvalidInputException('request cannot be encoded as JSON: ' . $e->getMessage(), 'invalid_input', 103, field: 'request');
        }
    }

    /**
     * Runs one libtuma call whose last argument is a `char **` out-parameter, and returns
     * the decoded JSON it produced.
     *
     * @param callable(CData): int $call receives the out-parameter's address (a closure
     *                                  holding the request, which may carry a secret:
     *                                  left out of stack traces)
     */
    public static function json(#[\SensitiveParameter] callable $call): ?array
    {
        $ffi = self::load();
        $out = $ffi->new('char *');
        $result = $call(FFI::addr($out));
        if ($result !== 0) {
            throw self::lastError($result);
        }
        try {
            $text = FFI::string($out);
        } finally {
            $ffi->tuma_string_free($out);
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** A byte buffer holding $bytes for a `const uint8_t *` parameter (NULL when empty). */
    public static function bytes(string $bytes): ?CData
    {
        $len = strlen($bytes);
        if ($len === 0) {
            return null;
        }
        $buf = self::load()->new("uint8_t[$len]");
        FFI::memcpy($buf, $bytes, $len);
        return $buf;
    }

    /** The exception for a failed call, built from this thread's last error. */
    public static function lastError(int $result): Exception
    {
        $ffi = self::load();
        $out = $ffi->new('char *');
        $detail = [];
        if ($ffi->tuma_last_error_json(FFI::addr($out)) === 0 && !FFI::isNull($out)) {
            try {
                $detail = json_decode(FFI::string($out), true) ?: [];
            } finally {
                $ffi->tuma_string_free($out);
            }
        }
        $message = $detail['message'] ?? (string) $ffi->tuma_result_message($result);
        return Exception::fromDetail($result, $message, $detail);
    }

    /** @return list<string> names from a libtuma list function */
    public static function names(string $function): array
    {
        return self::json(fn (CData $out) => self::load()->$function($out));
    }
}
