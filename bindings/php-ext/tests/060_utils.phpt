--TEST--
Utils: every local helper
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
check(Tuma\Utils::phoneNormalize(['phone' => '0712 345 678'])['phone'] === '254712345678', 'phoneNormalize');
check(Tuma\Utils::run('phone.normalize', ['phone' => '+254 712 345678'])['phone'] === '254712345678', 'run() by name');
$pw = Tuma\Utils::darajaStkPassword(['shortcode' => '174379', 'passkey' => PASSKEY, 'timestamp' => '20160216165627']);
check($pw['password'] === base64_encode('174379' . PASSKEY . '20160216165627') && $pw['timestamp'] === '20160216165627', 'darajaStkPassword');
$ts = Tuma\Utils::darajaTimestamp()['timestamp'];
check((bool) preg_match('/^20\d{12}$/', $ts), 'darajaTimestamp');
check(Tuma\Utils::darajaC2BAccept(['third_party_trans_id' => 'T1'])['ResultCode'] === '0', 'darajaC2BAccept', Tuma\Utils::darajaC2BAccept([]));
check(Tuma\Utils::darajaC2BReject(['reason' => 'invalid_amount'])['ResultCode'] === 'C2B00013', 'darajaC2BReject');
check(Tuma\Utils::darajaC2BConfirmationAck()['ResultCode'] === 0, 'darajaC2BConfirmationAck');
$e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Utils::darajaC2BReject(['reason' => 'because']));
check($e?->field === 'reason', 'a reason that is not a code');
$e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Utils::run('nope', []));
check($e !== null && $e->getCode() === 103, 'an unknown utility');
?>
--EXPECT--
ok - phoneNormalize
ok - run() by name
ok - darajaStkPassword
ok - darajaTimestamp
ok - darajaC2BAccept
ok - darajaC2BReject
ok - darajaC2BConfirmationAck
ok - a reason that is not a code
ok - an unknown utility
