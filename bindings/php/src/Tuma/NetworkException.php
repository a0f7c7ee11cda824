<?php

declare(strict_types=1);

namespace Tuma;

/** A connection-level failure ($outcomeUnknown tells whether it may have been processed). */
final class NetworkException extends Exception
{
}
