<?php

declare(strict_types=1);

namespace Tuma;

/** The provider answered with an error ($providerCode, $requestId, $status). */
final class ApiException extends Exception
{
}
