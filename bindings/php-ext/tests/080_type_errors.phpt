--TEST--
wrong argument types raise TypeError (strict_types), before anything is sent
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$before = stats()['requests'];
$cases = [
    'Client::__construct' => fn () => new Tuma\Client('statum'),
    'Client::call op' => fn () => $tuma->call(['statum.send_sms']),
    'Client::call request' => fn () => $tuma->call('statum.account_details', 'x'),
    'Statum::sendSms' => fn () => $tuma->statum()->sendSms('hello'),
    'Statum::airtime' => fn () => $tuma->statum()->airtime(null),
    'Daraja::stkPush' => fn () => $tuma->daraja()->stkPush(42),
    'UmsPay::stkPush' => fn () => $tuma->umspay()->stkPush(new stdClass()),
    'Inbox::receive' => fn () => $tuma->callbacks()->receive('body'),
    'Callbacks::statumResult' => fn () => Tuma\Callbacks::statumResult(['body']),
    'Callbacks::parse' => fn () => Tuma\Callbacks::parse('statum.result', null),
    'Utils::phoneNormalize' => fn () => Tuma\Utils::phoneNormalize('0712345678'),
    'Utils::run' => fn () => Tuma\Utils::run(1.5, []),
    'Provider::__construct' => fn () => new Tuma\Statum(new stdClass()),
    'Exception::__construct' => fn () => new Tuma\Exception('m', 'api', 'two hundred'),
];
foreach ($cases as $what => $fn) {
    $e = throws(TypeError::class, $fn);
    check($e !== null && !($e instanceof ArgumentCountError), "TypeError: $what", $e?->getMessage());
}
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->statum()->sendSms());
check($e !== null && $e->field === 'sender_id', 'a missing request names its first field');
$e = throws(ArgumentCountError::class, fn () => $tuma->statum()->accountDetails([], []));
check($e !== null, 'too many arguments');
check(stats()['requests'] === $before, 'nothing reached the sandbox');
$m = new ReflectionMethod(Tuma\Statum::class, 'sendSms');
check((string) $m->getParameters()[0]->getType() === 'array' && (string) $m->getReturnType() === 'array', 'signatures are visible to reflection');
?>
--EXPECT--
ok - TypeError: Client::__construct
ok - TypeError: Client::call op
ok - TypeError: Client::call request
ok - TypeError: Statum::sendSms
ok - TypeError: Statum::airtime
ok - TypeError: Daraja::stkPush
ok - TypeError: UmsPay::stkPush
ok - TypeError: Inbox::receive
ok - TypeError: Callbacks::statumResult
ok - TypeError: Callbacks::parse
ok - TypeError: Utils::phoneNormalize
ok - TypeError: Utils::run
ok - TypeError: Provider::__construct
ok - TypeError: Exception::__construct
ok - a missing request names its first field
ok - too many arguments
ok - nothing reached the sandbox
ok - signatures are visible to reflection
