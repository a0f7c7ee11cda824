<?php

declare(strict_types=1);

namespace Tuma;

/** The call ran out of time ($outcomeUnknown tells whether it may have been processed). */
final class TimeoutException extends Exception
{
}
