<?php

declare(strict_types=1);

namespace Tuma;

/**
 * The provider refused access with valid credentials (HTTP 403): the account is not
 * allowed this operation or this resource ($status; $fate `refused` when the provider
 * documents it, else `unknown`).
 */
final class AuthorizationException extends Exception
{
}
