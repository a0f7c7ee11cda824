<?php

declare(strict_types=1);

namespace Tuma;

/**
 * Too many calls in flight on the client's worker pool: the call was refused before it
 * started, nothing was sent ($fate `not_sent`). libtuma's calls run on the calling thread,
 * so PHP does not meet it today; it is the class of the core's `busy` kind.
 */
final class BusyException extends Exception
{
}
