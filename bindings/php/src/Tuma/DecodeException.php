<?php

declare(strict_types=1);

namespace Tuma;

/** The provider's answer could not be understood; the outcome is unknown. */
final class DecodeException extends Exception
{
}
