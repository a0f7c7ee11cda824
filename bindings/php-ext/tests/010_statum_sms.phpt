--TEST--
Statum: sendSms
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$before = requests_to('/statum/api/v2/sms');
$sms = $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712 345 678', 'message' => 'Hello from the extension']);
check($sms['status_code'] === 200, 'SMS accepted');
check(is_string($sms['request_id']) && strlen($sms['request_id']) === 32, 'a 32-character request id');
check($sms['description'] === 'Operation successful.', 'description');
check(requests_to('/statum/api/v2/sms') === $before + 1, 'one request reached the sandbox');
?>
--EXPECT--
ok - SMS accepted
ok - a 32-character request id
ok - description
ok - one request reached the sandbox
