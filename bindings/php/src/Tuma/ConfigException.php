<?php

declare(strict_types=1);

namespace Tuma;

/** The client configuration is incomplete or wrong. */
final class ConfigException extends Exception
{
}
