<?php

declare(strict_types=1);

namespace Tuma;

/** The provider asked to slow down ($retryAfterMs). */
final class RateLimitedException extends Exception
{
}
