<?php

// A shop's M-Pesa callback endpoint, as plain PHP with the tuma extension loaded:
//   php -d extension=tuma.so -S 0.0.0.0:8080 receiver.php
// Daraja POSTs the STK push result here (the push's callback_url). The receiver claims the
// callback, verifies it, ships the order and completes the claim; when anything fails it
// releases the claim so that Daraja's next delivery is processed. A delivery another worker
// is processing gets 503 (Daraja delivers it again later); one already processed gets 200
// "duplicate". Configuration comes from the TUMA_* environment.
// SHOP_ORDERS names the file where shipped orders are appended (one JSON line each).

declare(strict_types=1);

header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    echo json_encode(['ResultCode' => 1, 'ResultDesc' => 'POST only']);
    return;
}

function answer(int $status, string $desc): void
{
    http_response_code($status);
    echo json_encode(['ResultCode' => $status === 200 ? 0 : 1, 'ResultDesc' => $desc]);
}

$body = (string) file_get_contents('php://input');
$tuma = Tuma\Client::fromEnv(); // one client per request: the extension shares its state across requests

try {
    $in = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
} catch (Tuma\InvalidCallbackException $e) {
    answer(400, 'invalid'); // not a Daraja callback: log it, ship nothing
    return;
} catch (Tuma\StoreException $e) {
    answer(503, 'retry'); // cannot tell whether it is new: let Daraja deliver it again
    return;
}
if ($in['status'] === 'in_progress') {
    answer(503, 'in progress'); // another worker holds it: Daraja delivers it again later
    return;
}
if ($in['status'] === 'done') {
    answer(200, 'duplicate'); // already processed
    return;
}

// Claimed: process it, then complete the claim; release it on any failure.
try {
    $payment = $in['callback'];
    if ($payment['outcome'] === 'success') {
        // Verify before shipping: tuma checks the callback against the payment journal (the
        // push's amount and phone) and asks Daraja. The journal lives in the store: with a
        // Redis store (TUMA_STORE_URL) it holds every worker's pushes and a callback for a
        // push nobody made is refused. With the memory store a push made by another process
        // is not in it: Daraja's answer alone decides, so compare the amount with your order.
        if ($tuma->daraja()->confirmStkPayment(['callback' => $body]) !== null) {
            // Ship the order (here: append it to the order book).
            file_put_contents((string) getenv('SHOP_ORDERS'), json_encode([
                'checkout_request_id' => $payment['checkout_request_id'],
                'receipt' => $payment['mpesa_receipt_number'],
                'amount' => $payment['amount'],
                'phone' => $payment['phone_number'],
                'raw' => base64_encode($body), // kept for the test, which posts it again
            ]) . "\n", FILE_APPEND | LOCK_EX);
        }
    }
    $tuma->callbacks()->complete(['claim' => $in['claim']]);
} catch (Throwable $e) {
    // Released, not completed: a forgery that came first must not hide the genuine callback.
    $tuma->callbacks()->release(['claim' => $in['claim']]);
    answer($e instanceof Tuma\InvalidCallbackException ? 400 : 503, 'not processed');
    return;
}
answer(200, 'accepted');
