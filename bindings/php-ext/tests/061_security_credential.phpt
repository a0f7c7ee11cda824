--TEST--
Utils: darajaSecurityCredential (decrypted with the sandbox's key)
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$cred = Tuma\Utils::darajaSecurityCredential(['password' => 'Safaricom999!*!', 'certificate_pem' => certificate()]);
$raw = base64_decode($cred['security_credential'], true);
check(is_string($raw) && strlen($raw) >= 128, 'an RSA block');
$key = repo_root() . '/crates/sandbox/testdata/daraja-test-key.pem';
if (function_exists('openssl_private_decrypt')) {
    check(openssl_private_decrypt($raw, $plain, (string) file_get_contents($key)) && $plain === 'Safaricom999!*!', 'decrypts to the password');
} else {
    $in = tempnam(sys_get_temp_dir(), 'cred');
    file_put_contents($in, $raw);
    $plain = shell_exec('openssl pkeyutl -decrypt -inkey ' . escapeshellarg($key) . ' -in ' . escapeshellarg($in) . ' 2>/dev/null');
    unlink($in);
    check($plain === 'Safaricom999!*!', 'decrypts to the password');
}
$sandboxCred = Tuma\Utils::darajaSecurityCredential(['password' => 'x', 'environment' => 'sandbox']);
check(strlen($sandboxCred['security_credential']) === 344, "with Safaricom's sandbox certificate");
?>
--EXPECT--
ok - an RSA block
ok - decrypts to the password
ok - with Safaricom's sandbox certificate
