<?php

declare(strict_types=1);

namespace Tuma;

/** The provider refused the credentials. */
final class AuthenticationException extends Exception
{
}
