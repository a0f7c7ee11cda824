<?php

// A shop's M-Pesa callback endpoint, as plain PHP with the tuma extension loaded:
//   php -d extension=tuma.so -S 0.0.0.0:8080 receiver.php
// Daraja POSTs the STK push result here (the push's callback_url). The receiver parses it,
// ships the order only the first time a callback arrives, and answers a redelivery of the
// same callback with "duplicate". Configuration comes from the TUMA_* environment.
// SHOP_ORDERS names the file where shipped orders are appended (one JSON line each).

declare(strict_types=1);

header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    echo json_encode(['ResultCode' => 1, 'ResultDesc' => 'POST only']);
    return;
}

$body = (string) file_get_contents('php://input');
$tuma = Tuma\Client::fromEnv(); // one client per request: the extension shares its state across requests

try {
    $received = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
} catch (Tuma\InvalidCallbackException $e) {
    http_response_code(400); // not a Daraja callback: log it, ship nothing
    echo json_encode(['ResultCode' => 1, 'ResultDesc' => 'invalid']);
    return;
} catch (Tuma\StoreException $e) {
    http_response_code(503); // cannot tell whether it is new: let Daraja deliver it again
    echo json_encode(['ResultCode' => 1, 'ResultDesc' => 'retry']);
    return;
}

if (!$received['first_time']) {
    echo json_encode(['ResultCode' => 0, 'ResultDesc' => 'duplicate']);
    return;
}

$payment = $received['callback'];
if ($payment['outcome'] === 'success') {
    // Ship the order (here: append it to the order book).
    file_put_contents((string) getenv('SHOP_ORDERS'), json_encode([
        'checkout_request_id' => $payment['checkout_request_id'],
        'receipt' => $payment['mpesa_receipt_number'],
        'amount' => $payment['amount'],
        'phone' => $payment['phone_number'],
        'raw' => base64_encode($body), // kept for the test, which posts it again
    ]) . "\n", FILE_APPEND | LOCK_EX);
}
echo json_encode(['ResultCode' => 0, 'ResultDesc' => 'accepted']);
