<?php

declare(strict_types=1);

// Autoloader for use without Composer: require this file, then use Tuma\Client.
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Tuma\\')) {
        $file = __DIR__ . '/' . str_replace('\\', '/', $class) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
