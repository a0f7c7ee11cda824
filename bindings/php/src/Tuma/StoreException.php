<?php

declare(strict_types=1);

namespace Tuma;

/**
 * The shared state store (Redis) failed or did not answer in time. For callback
 * de-duplication this means "unknown": do not ship goods on a guess.
 */
final class StoreException extends Exception
{
}
