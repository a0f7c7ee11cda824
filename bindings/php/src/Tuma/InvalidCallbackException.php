<?php

declare(strict_types=1);

namespace Tuma;

/** A callback body is not what the provider sends. */
final class InvalidCallbackException extends Exception
{
}
