<?php

declare(strict_types=1);

namespace Tuma;

/** The operations of one provider, reached through a {@see Client}. */
abstract class Provider
{
    /** @internal use Client::statum() and friends */
    public function __construct(protected readonly Client $client)
    {
    }
}
