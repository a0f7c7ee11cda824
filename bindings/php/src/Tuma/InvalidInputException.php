<?php

declare(strict_types=1);

namespace Tuma;

/** Bad input, caught before any request; $field names it. */
final class InvalidInputException extends Exception
{
}
