/*
 * libtuma C tests: every operation, callback kind and utility, every error path and error
 * kind, the fate and recovery of failed payments, callback claims, forged callbacks,
 * threads sharing one client (1,000 calls at once on one handle), a client used on both sides of fork(), and freeing every
 * handle. Run against the sandbox:
 *   TUMA_SANDBOX_URL=http://127.0.0.1:PORT ./test_tuma
 * (tests/c/run.sh starts target/debug/tuma-sandbox and sets it; with TUMA_TEST_REDIS_URL,
 * set by tests/c/with_redis.sh, the fork test also shares a Redis store). Exits non-zero
 * on the first failed check. Built with -Wall -Wextra -Wpedantic -Werror, run under
 * valgrind and AddressSanitizer.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tuma.h"

static int checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      dump_last_error();                                                       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

/* Checks a call's result code, printing the last error when it differs. */
#define CHECK_RESULT(call, expected) CHECK((call) == (expected))

static void dump_last_error(void) {
  char *err = NULL;
  if (tuma_last_error_json(&err) == TUMA_RESULT_OK && err != NULL) {
    fprintf(stderr, "  last error: %s\n", err);
    tuma_string_free(err);
  }
}

/* The last error on this thread as an owned string (NULL when there is none). */
static char *last_error(void) {
  char *err = NULL;
  CHECK(tuma_last_error_json(&err) == TUMA_RESULT_OK);
  return err;
}

/* Checks that the last error contains every given fragment, then frees it. */
static void expect_error(const char *kind, const char *fragment) {
  char *err = last_error();
  char want_kind[128];
  CHECK(err != NULL);
  snprintf(want_kind, sizeof want_kind, "\"kind\":\"%s\"", kind);
  if (strstr(err, want_kind) == NULL || (fragment && strstr(err, fragment) == NULL)) {
    fprintf(stderr, "expected kind %s and %s in %s\n", kind, fragment ? fragment : "-", err);
  }
  CHECK(strstr(err, want_kind) != NULL);
  CHECK(fragment == NULL || strstr(err, fragment) != NULL);
  tuma_string_free(err);
}

static void expect_contains(char *json, const char *fragment) {
  CHECK(json != NULL);
  if (strstr(json, fragment) == NULL) {
    fprintf(stderr, "expected %s in %s\n", fragment, json);
  }
  CHECK(strstr(json, fragment) != NULL);
}

/* Whether the JSON array of strings `list` holds `"name"`. */
static int list_has(const char *list, const char *name) {
  char quoted[160];
  snprintf(quoted, sizeof quoted, "\"%s\"", name);
  return strstr(list, quoted) != NULL;
}

/* Calls `visit` for every string of a flat JSON array of plain strings. */
static void each_name(const char *list, void (*visit)(const char *name)) {
  const char *p = list;
  while ((p = strchr(p, '"')) != NULL) {
    const char *end = strchr(p + 1, '"');
    char name[160];
    size_t n;
    CHECK(end != NULL);
    n = (size_t)(end - p - 1);
    CHECK(n < sizeof name);
    memcpy(name, p + 1, n);
    name[n] = '\0';
    visit(name);
    p = end + 1;
  }
}

static char sentinel_byte;
#define SENTINEL (&sentinel_byte)

static const char *sandbox_url;
static char config_json[8192];
static char bad_config_json[1024];

typedef tuma_result (*op_fn)(const tuma_client *, const char *, char **);
typedef tuma_result (*callback_fn)(const uint8_t *, size_t, char **);
typedef tuma_result (*utility_fn)(const char *, char **);

/* One success case per operation: a request (which may hold one %s, the value an earlier
 * case captured) and a fragment its result must hold. */
struct op_case {
  const char *name;
  op_fn fn;
  const char *request;
  const char *expect;
  const char *capture; /* key of a string in the result that later cases use, or NULL */
};

static const struct op_case OP_CASES[] = {
    {"statum.send_sms", tuma_statum_send_sms,
     "{\"sender_id\":\"TUMA\",\"phone\":\"0712345678\",\"message\":\"Hello from C\"}",
     "\"status_code\":200", NULL},
    {"statum.airtime", tuma_statum_airtime, "{\"phone\":\"0712345678\",\"amount\":50}",
     "\"status_code\":200", NULL},
    {"statum.account_details", tuma_statum_account_details, "{}", "\"organization\"", NULL},
    {"callbacks.receive", tuma_callbacks_receive,
     "{\"kind\":\"statum.result\",\"body\":\"{\\\"request_id\\\":\\\"C-RECEIVE-1\\\",\\\"result_code\\\":\\\"200\\\",\\\"result_desc\\\":\\\"ok\\\"}\"}",
     "\"status\":\"claimed\"", "claim"},
    /* the claim just made: processed; giving it back afterwards finds nothing to release */
    {"callbacks.complete", tuma_callbacks_complete, "{\"claim\":\"%s\"}",
     "{\"completed\":true,\"lease_held\":true}", NULL},
    {"callbacks.release", tuma_callbacks_release, "{\"claim\":\"%s\"}", "{\"released\":false}", NULL},
    {"callbacks.first_time", tuma_callbacks_first_time, "{\"id\":\"c-test-first-time\"}",
     "\"first_time\":true", NULL},
    {"daraja.stk_push", tuma_daraja_stk_push,
     "{\"phone\":\"0712345678\",\"amount\":1,\"account_reference\":\"INV001\",\"transaction_desc\":\"Pay\"}",
     "\"checkout_request_id\"", "checkout_request_id"},
    {"daraja.stk_query", tuma_daraja_stk_query, "{\"checkout_request_id\":\"%s\"}", "\"result_code\"", NULL},
    /* paid: the query's answer; still pending: null. Either way a JSON document. */
    {"daraja.confirm_stk_payment", tuma_daraja_confirm_stk_payment, "{\"checkout_request_id\":\"%s\"}", "", NULL},
    {"daraja.c2b_register_urls", tuma_daraja_c2b_register_urls,
     "{\"confirmation_url\":\"https://example.com/c2b/confirm\",\"validation_url\":\"https://example.com/c2b/validate\","
     "\"shortcode\":\"600981\"}",
     "\"response_description\"", NULL},
    {"daraja.c2b_simulate", tuma_daraja_c2b_simulate,
     "{\"phone\":\"254708374149\",\"amount\":10,\"bill_ref_number\":\"ACC1\",\"shortcode\":\"600981\"}",
     "\"response_description\"", NULL},
    {"daraja.b2c", tuma_daraja_b2c,
     "{\"phone\":\"254708374149\",\"amount\":10,\"remarks\":\"Salary\",\"shortcode\":\"600981\"}",
     "\"conversation_id\"", NULL},
    {"daraja.b2b", tuma_daraja_b2b,
     "{\"party_b\":\"600000\",\"amount\":10,\"remarks\":\"Stock\",\"account_reference\":\"ACC1\",\"shortcode\":\"600981\"}",
     "\"conversation_id\"", NULL},
    {"daraja.transaction_status", tuma_daraja_transaction_status,
     "{\"transaction_id\":\"OEI2AK4Q16\",\"shortcode\":\"600981\"}", "\"conversation_id\"", NULL},
    {"daraja.account_balance", tuma_daraja_account_balance, "{\"shortcode\":\"600981\"}",
     "\"conversation_id\"", NULL},
    {"daraja.reversal", tuma_daraja_reversal,
     "{\"transaction_id\":\"OEI2AK4Q16\",\"amount\":10,\"remarks\":\"Refund\",\"shortcode\":\"600981\"}",
     "\"conversation_id\"", NULL},
    {"daraja.dynamic_qr", tuma_daraja_dynamic_qr,
     "{\"merchant_name\":\"Tuma Shop\",\"ref_no\":\"INV1\",\"amount\":100,\"trx_code\":\"BG\",\"cpi\":\"174379\"}",
     "\"qr_code\"", NULL},
    {"umspay.stk_push", tuma_umspay_stk_push,
     "{\"amount\":10,\"phone\":\"0712345678\",\"reference\":\"ORDER1\"}", "\"transaction_request_id\"",
     "transaction_request_id"},
    {"umspay.transaction_status", tuma_umspay_transaction_status,
     "{\"transaction_request_id\":\"%s\"}", "\"status\"", NULL},
    {"umspay.wait_for_status", tuma_umspay_wait_for_status,
     "{\"transaction_request_id\":\"%s\",\"timeout_ms\":10000}", "\"status\":\"completed\"", NULL},
    {"umspay.confirm_payment", tuma_umspay_confirm_payment, "{\"transaction_request_id\":\"%s\"}",
     "\"receipt\"", NULL},
    /* Daraja's other portal APIs */
    {"daraja.b2c_topup", tuma_daraja_b2c_topup,
     "{\"party_b\":\"600981\",\"amount\":100,\"account_reference\":\"CTOPUP1\",\"remarks\":\"Float top-up\"}",
     "\"response_code\":\"0\"", NULL},
    {"daraja.b2pochi", tuma_daraja_b2pochi,
     "{\"phone\":\"0708 374 149\",\"amount\":150,\"remarks\":\"Pochi payout\",\"shortcode\":\"600981\","
     "\"originator_conversation_id\":\"c-pochi-1\"}",
     "\"originator_conversation_id\":\"c-pochi-1\"", NULL},
    {"daraja.remit_tax", tuma_daraja_remit_tax,
     "{\"amount\":2500,\"account_reference\":\"2030PRN0001\",\"remarks\":\"VAT June\"}",
     "\"conversation_id\":\"AG_", NULL},
    {"daraja.b2b_express_checkout", tuma_daraja_b2b_express_checkout,
     "{\"primary_short_code\":\"600100\",\"amount\":71,\"payment_ref\":\"PO-77\","
     "\"callback_url\":\"https://example.com/express\",\"partner_name\":\"Tuma Supplies\",\"request_ref_id\":\"c-express-1\"}",
     "\"request_ref_id\":\"c-express-1\"", NULL},
    {"daraja.pull_register", tuma_daraja_pull_register,
     "{\"nominated_number\":\"0708374149\",\"callback_url\":\"https://example.com/pull\"}",
     "\"response_ref_id\"", NULL},
    {"daraja.pull_transactions", tuma_daraja_pull_transactions, "{\"max_pages\":5}", "\"transactions\":[", NULL},
    {"daraja.ratiba_create", tuma_daraja_ratiba_create,
     "{\"standing_order_name\":\"C Rent\",\"phone\":\"0708374149\",\"amount\":500,\"frequency\":\"monthly\","
     "\"start_date\":\"20300101\",\"end_date\":\"20301231\",\"account_reference\":\"RENT-4\","
     "\"callback_url\":\"https://example.com/ratiba\"}",
     "\"response_code\":\"200\"", NULL},
    {"daraja.bill_optin", tuma_daraja_bill_optin,
     "{\"email\":\"billing@shop.example\",\"official_contact\":\"0708374149\",\"send_reminders\":true,"
     "\"callback_url\":\"https://example.com/bill\"}",
     "\"app_key\":\"AG_", NULL},
    {"daraja.bill_change_optin", tuma_daraja_bill_change_optin,
     "{\"email\":\"billing@shop.example\",\"official_contact\":\"0708374149\",\"send_reminders\":false,"
     "\"callback_url\":\"https://example.com/bill\"}",
     "\"rescode\":\"200\"", NULL},
    {"daraja.bill_invoice", tuma_daraja_bill_invoice,
     "{\"external_reference\":\"C-INV-1\",\"billed_full_name\":\"Jane Wanjiru\",\"billed_phone_number\":\"0708374149\","
     "\"billed_period\":\"August 2030\",\"invoice_name\":\"School fees\",\"due_date\":\"2030-08-31\","
     "\"account_reference\":\"ACC-C-INV-1\",\"amount\":800,"
     "\"invoice_items\":[{\"item_name\":\"Tuition\",\"amount\":700},{\"item_name\":\"Meals\",\"amount\":100}]}",
     "\"status_message\":\"Invoice sent successfully\"", NULL},
    {"daraja.bill_invoices", tuma_daraja_bill_invoices,
     "{\"invoices\":[{\"external_reference\":\"C-INV-2\",\"billed_full_name\":\"Jane Wanjiru\","
     "\"billed_phone_number\":\"0708374149\",\"billed_period\":\"August 2030\",\"invoice_name\":\"Fees\","
     "\"due_date\":\"2030-08-31\",\"account_reference\":\"ACC-2\",\"amount\":50},"
     "{\"external_reference\":\"C-INV-3\",\"billed_full_name\":\"Jane Wanjiru\","
     "\"billed_phone_number\":\"0708374149\",\"billed_period\":\"August 2030\",\"invoice_name\":\"Fees\","
     "\"due_date\":\"2030-08-31\",\"account_reference\":\"ACC-3\",\"amount\":60}]}",
     "\"all_accepted\":true", NULL},
    {"daraja.bill_cancel_invoice", tuma_daraja_bill_cancel_invoice, "{\"external_reference\":\"C-INV-2\"}",
     "\"rescode\":\"200\"", NULL},
    {"daraja.bill_cancel_invoices", tuma_daraja_bill_cancel_invoices,
     "{\"invoices\":[{\"external_reference\":\"C-INV-3\"}]}", "\"errors\":[]", NULL},
    /* %s: the receipt of C-INV-1, paid through the sandbox's control API first (see
     * prepare_case) */
    {"daraja.bill_reconciliation", tuma_daraja_bill_reconciliation,
     "{\"payment_date\":\"2030-08-01\",\"paid_amount\":800,\"account_reference\":\"ACC-C-INV-1\","
     "\"transaction_id\":\"%s\",\"phone_number\":\"0708374149\",\"full_name\":\"Jane Wanjiru\","
     "\"invoice_name\":\"School fees\",\"external_reference\":\"C-INV-1\"}",
     "\"rescode\":\"200\"", NULL},
    /* queries only: the payments above whose callbacks nobody received */
    {"journal.reconcile", tuma_journal_reconcile,
     "{\"older_than_ms\":0,\"c2b\":false,\"max_queries_per_second\":50}", "\"examined\":", NULL},
};

struct callback_case {
  const char *kind;
  callback_fn fn;
  const char *body;
  const char *expect;
};

static const struct callback_case CALLBACK_CASES[] = {
    {"statum.result", tuma_parse_statum_result,
     "{\"request_id\":\"ABC123\",\"result_code\":\"200\",\"result_desc\":\"Delivered\"}",
     "\"request_id\":\"ABC123\""},
    {"statum.airtime_result", tuma_parse_statum_airtime_result,
     "{\"request_id\":\"AIR1\",\"charge\":\"1.5\",\"account_balance\":\"98.5\","
     "\"result_code\":\"200\",\"result_desc\":\"Success\"}",
     "\"account_balance\":98.5"},
    {"daraja.stk_callback", tuma_parse_daraja_stk_callback,
     "{\"Body\":{\"stkCallback\":{\"MerchantRequestID\":\"29115-34620561-1\","
     "\"CheckoutRequestID\":\"ws_CO_191220191020363925\",\"ResultCode\":0,"
     "\"ResultDesc\":\"The service request is processed successfully.\",\"CallbackMetadata\":{\"Item\":["
     "{\"Name\":\"Amount\",\"Value\":1.00},{\"Name\":\"MpesaReceiptNumber\",\"Value\":\"NLJ7RT61SV\"},"
     "{\"Name\":\"TransactionDate\",\"Value\":20191219102115},{\"Name\":\"PhoneNumber\",\"Value\":254708374149}]}}}}",
     "NLJ7RT61SV"},
    {"daraja.result", tuma_parse_daraja_result,
     "{\"Result\":{\"ResultType\":0,\"ResultCode\":0,\"ResultDesc\":\"The service request is processed successfully.\","
     "\"OriginatorConversationID\":\"10571-7910404-1\",\"ConversationID\":\"AG_20191219_00004e48cf7e3533f581\","
     "\"TransactionID\":\"NLJ41HAY6Q\",\"ResultParameters\":{\"ResultParameter\":[{\"Key\":\"TransactionAmount\",\"Value\":10}]},"
     "\"ReferenceData\":{\"ReferenceItem\":{\"Key\":\"QueueTimeoutURL\",\"Value\":\"https://example.com/timeout\"}}}}",
     "NLJ41HAY6Q"},
    {"daraja.c2b_validation", tuma_parse_daraja_c2b_validation,
     "{\"TransactionType\":\"Pay Bill\",\"TransID\":\"RKTQDM7W6S\",\"TransTime\":\"20191122063845\",\"TransAmount\":\"10\","
     "\"BusinessShortCode\":\"600638\",\"BillRefNumber\":\"invoice008\",\"InvoiceNumber\":\"\",\"OrgAccountBalance\":\"\","
     "\"ThirdPartyTransID\":\"\",\"MSISDN\":\"25470****149\",\"FirstName\":\"John\",\"MiddleName\":\"\",\"LastName\":\"Doe\"}",
     "RKTQDM7W6S"},
    {"daraja.c2b_confirmation", tuma_parse_daraja_c2b_confirmation,
     "{\"TransactionType\":\"Pay Bill\",\"TransID\":\"RKTQDM7W6T\",\"TransTime\":\"20191122063845\",\"TransAmount\":\"10.00\","
     "\"BusinessShortCode\":\"600638\",\"BillRefNumber\":\"invoice008\",\"InvoiceNumber\":\"\",\"OrgAccountBalance\":\"49197.00\","
     "\"ThirdPartyTransID\":\"\",\"MSISDN\":\"25470****149\",\"FirstName\":\"John\",\"MiddleName\":\"\",\"LastName\":\"Doe\"}",
     "RKTQDM7W6T"},
    {"daraja.queue_timeout", tuma_parse_daraja_queue_timeout,
     "{\"Result\":{\"OriginatorConversationID\":\"10571-7910404-1\",\"ConversationID\":\"AG_20191219_000041b09c8b1e7e7d27\"}}",
     "AG_20191219_000041b09c8b1e7e7d27"},
    {"umspay.webhook", tuma_parse_umspay_webhook,
     "{\"ResponseCode\":0,\"ResponseDescription\":\"The service request is processed successfully.\","
     "\"MerchantRequestID\":\"29115-34620561-1\",\"CheckoutRequestID\":\"ws_CO_191220191020363925\","
     "\"TransactionID\":\"UMSPID0912202313221297248\",\"TransactionAmount\":1,\"TransactionReceipt\":\"NLJ7RT61SV\","
     "\"TransactionDate\":\"20231209132212\",\"TransactionReference\":\"INV-1\",\"Msisdn\":\"254712345678\"}",
     "UMSPID0912202313221297248"},
    {"daraja.b2b_express_callback", tuma_parse_daraja_b2b_express_callback,
     "{\"resultCode\":\"0\",\"resultDesc\":\"The service request is processed successfully.\",\"amount\":\"71.0\","
     "\"requestId\":\"404e1aec-19e0-4ce3-973d-bd92e94c8021\",\"resultType\":\"0\","
     "\"conversationID\":\"AG_20230426_2010434680d9f5a73766\",\"transactionId\":\"RDQ01NFT1Q\",\"status\":\"SUCCESS\"}",
     "\"transaction_id\":\"RDQ01NFT1Q\""},
    {"daraja.ratiba_callback", tuma_parse_daraja_ratiba_callback,
     "{\"ResponseHeader\":{\"responseRefID\":\"4dd9b5d9-d738-42ba-9326-2cc99e966000\",\"requestRefID\":\"c-sto-1\","
     "\"responseCode\":\"0\",\"responseDescription\":\"The service request is processed successfully\"},"
     "\"responseBody\":{\"ResponseData\":[{\"Name\":\"TransactionID\",\"value\":\"SC8F2IQMH5\"},"
     "{\"Name\":\"responseCode\",\"value\":\"0\"},{\"Name\":\"Status\",\"value\":\"OKAY\"},"
     "{\"Name\":\"Msisdn\",\"value\":\"254******149\"}]}}",
     "\"transaction_id\":\"SC8F2IQMH5\""},
    {"daraja.bill_payment", tuma_parse_daraja_bill_payment,
     "{\"transactionId\":\"TQ4K7XG2MB\",\"paidAmount\":\"800\",\"msisdn\":\"254708374149\","
     "\"dateCreated\":\"2024-06-23\",\"accountReference\":\"ACC-1\",\"shortCode\":\"174379\"}",
     "\"paid_amount\":800.0"},
};

struct utility_case {
  const char *name;
  utility_fn fn;
  const char *request;
  const char *expect;
};

static const struct utility_case UTILITY_CASES[] = {
    {"phone.normalize", tuma_phone_normalize, "{\"phone\":\"0712 345 678\"}",
     "\"phone\":\"254712345678\""},
    {"daraja.stk_password", tuma_daraja_stk_password,
     "{\"shortcode\":\"174379\",\"passkey\":\"bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919\","
     "\"timestamp\":\"20160216165627\"}",
     /* Safaricom's published example password for these inputs */
     "\"password\":\"MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3\""},
    {"daraja.timestamp", tuma_daraja_timestamp, "{}", "\"timestamp\":\"20"},
    {"daraja.security_credential", tuma_daraja_security_credential,
     "{\"password\":\"Safaricom999!*!\",\"environment\":\"sandbox\"}", "\"security_credential\""},
    {"daraja.c2b_accept", tuma_daraja_c2b_accept, "{\"third_party_trans_id\":\"T1\"}", "\"ResultCode\""},
    {"daraja.c2b_reject", tuma_daraja_c2b_reject, "{\"reason\":\"invalid_account_number\"}", "C2B00012"},
    {"daraja.c2b_confirmation_ack", tuma_daraja_c2b_confirmation_ack, "{}", "\"ResultCode\""},
    {"daraja.bill_payment_ack", tuma_daraja_bill_payment_ack, "{}", "{\"rescode\":\"200\",\"resmsg\":\"Success\"}"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The sandbox's Daraja certificate (PEM), escaped for a JSON string. */
static char certificate_json[4096];

static void read_certificate(void) {
  const char *path = getenv("TUMA_DARAJA_TEST_CERT");
  FILE *f;
  size_t n = 0;
  int ch;
  if (path == NULL) path = "crates/sandbox/testdata/daraja-test-cert.pem";
  f = fopen(path, "r");
  if (f == NULL) fprintf(stderr, "cannot open %s (set TUMA_DARAJA_TEST_CERT)\n", path);
  CHECK(f != NULL);
  while ((ch = fgetc(f)) != EOF) {
    CHECK(n + 3 < sizeof certificate_json);
    if (ch == '\n') {
      certificate_json[n++] = '\\';
      certificate_json[n++] = 'n';
    } else if (ch != '\r') {
      certificate_json[n++] = (char)ch;
    }
  }
  certificate_json[n] = '\0';
  fclose(f);
}

static tuma_client *new_client(const char *config) {
  tuma_client *client = NULL;
  CHECK_RESULT(tuma_client_new(config, &client), TUMA_RESULT_OK);
  CHECK(client != NULL);
  return client;
}

/* The test configuration with a "store" section (a JSON object). */
static tuma_client *new_client_with_store(const char *store) {
  static char config[sizeof config_json + 256];
  size_t len = strlen(config_json);
  CHECK(len > 0 && config_json[len - 1] == '}' && len + strlen(store) + 16 < sizeof config);
  snprintf(config, sizeof config, "%.*s,\"store\":%s}", (int)(len - 1), config_json, store);
  return new_client(config);
}

/* ---- coverage: every name libtuma lists has a case here ---------------------------- */

static void require_op_case(const char *name) {
  size_t i;
  for (i = 0; i < COUNT(OP_CASES); i++) {
    if (strcmp(OP_CASES[i].name, name) == 0) return;
  }
  fprintf(stderr, "tests/c/test_tuma.c has no case for operation %s: add one\n", name);
  CHECK(!"every operation has a C test case");
}

static void require_callback_case(const char *name) {
  size_t i;
  for (i = 0; i < COUNT(CALLBACK_CASES); i++) {
    if (strcmp(CALLBACK_CASES[i].kind, name) == 0) return;
  }
  fprintf(stderr, "tests/c/test_tuma.c has no case for callback kind %s: add one\n", name);
  CHECK(!"every callback kind has a C test case");
}

static void require_utility_case(const char *name) {
  size_t i;
  for (i = 0; i < COUNT(UTILITY_CASES); i++) {
    if (strcmp(UTILITY_CASES[i].name, name) == 0) return;
  }
  fprintf(stderr, "tests/c/test_tuma.c has no case for utility %s: add one\n", name);
  CHECK(!"every utility has a C test case");
}

static void test_lists_are_covered(void) {
  char *ops = NULL, *kinds = NULL, *utils = NULL;
  size_t i;
  CHECK_RESULT(tuma_operations(&ops), TUMA_RESULT_OK);
  CHECK_RESULT(tuma_callback_kinds(&kinds), TUMA_RESULT_OK);
  CHECK_RESULT(tuma_utilities(&utils), TUMA_RESULT_OK);
  CHECK(ops[0] == '[' && kinds[0] == '[' && utils[0] == '[');
  each_name(ops, require_op_case);
  each_name(kinds, require_callback_case);
  each_name(utils, require_utility_case);
  /* and no case names something libtuma does not know */
  for (i = 0; i < COUNT(OP_CASES); i++) CHECK(list_has(ops, OP_CASES[i].name));
  for (i = 0; i < COUNT(CALLBACK_CASES); i++) CHECK(list_has(kinds, CALLBACK_CASES[i].kind));
  for (i = 0; i < COUNT(UTILITY_CASES); i++) CHECK(list_has(utils, UTILITY_CASES[i].name));
  tuma_string_free(ops);
  tuma_string_free(kinds);
  tuma_string_free(utils);
  CHECK_RESULT(tuma_operations(NULL), TUMA_RESULT_NULL_PARAMETER);
}

/* ---- success paths ------------------------------------------------------------------- */

static void test_version(void) {
  CHECK(strcmp(tuma_version(), TUMA_VERSION) == 0);
  CHECK(TUMA_VERSION_MAJOR >= 0 && TUMA_VERSION_MINOR >= 0 && TUMA_VERSION_PATCH >= 0);
}

/* Every code of the header's enum. */
static const tuma_result RESULT_CODES[] = {
    TUMA_RESULT_OK,           TUMA_RESULT_NULL_PARAMETER, TUMA_RESULT_INVALID_UTF8,
    TUMA_RESULT_MALFORMED_JSON, TUMA_RESULT_INVALID_INPUT, TUMA_RESULT_CONFIG,
    TUMA_RESULT_AUTHENTICATION, TUMA_RESULT_API,          TUMA_RESULT_RATE_LIMITED,
    TUMA_RESULT_DECODE,       TUMA_RESULT_INVALID_CALLBACK, TUMA_RESULT_AUTHORIZATION,
    TUMA_RESULT_NETWORK,      TUMA_RESULT_TIMEOUT,        TUMA_RESULT_STORE,
    TUMA_RESULT_BUSY,         TUMA_RESULT_PANIC,          TUMA_RESULT_INTERNAL,
};

static void test_result_messages(void) {
  unsigned code;
  size_t i, known = 0, wrong = 0;
  /* Every code has its own message, and the numbers libtuma knows are exactly the codes
   * of the header: scanning the whole range catches a code missing from either side. */
  for (code = 0; code < 1000; code++) {
    const char *message = tuma_result_message(code);
    int listed = 0;
    for (i = 0; i < COUNT(RESULT_CODES); i++) listed |= (unsigned)RESULT_CODES[i] == code;
    if (message == NULL || message[0] == '\0' || listed != (strcmp(message, "unknown result code") != 0)) {
      fprintf(stderr, "result code %u: message \"%s\"\n", code, message ? message : "(null)");
      wrong++;
    }
    known += (size_t)(listed && message != NULL && strcmp(message, "unknown result code") != 0);
  }
  CHECK(wrong == 0);
  CHECK(known == COUNT(RESULT_CODES));
  for (i = 0; i < COUNT(RESULT_CODES); i++) {
    CHECK(strcmp(tuma_result_message(RESULT_CODES[i]), "unknown result code") != 0);
  }
  for (i = 0; i < COUNT(RESULT_CODES); i++) {
    size_t j;
    for (j = i + 1; j < COUNT(RESULT_CODES); j++) {
      CHECK(strcmp(tuma_result_message(RESULT_CODES[i]), tuma_result_message(RESULT_CODES[j])) != 0);
    }
  }
  CHECK(strstr(tuma_result_message(TUMA_RESULT_STORE), "store") != NULL);
  CHECK(strcmp(tuma_result_message(TUMA_RESULT_OK), "success") == 0);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_NULL_PARAMETER), "NULL") != NULL);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_AUTHENTICATION), "credentials") != NULL);
  CHECK(strcmp(tuma_result_message(12345), "unknown result code") == 0);
  /* stable numbers */
  CHECK(TUMA_RESULT_OK == 0 && TUMA_RESULT_NULL_PARAMETER == 100 && TUMA_RESULT_INVALID_UTF8 == 101);
  CHECK(TUMA_RESULT_MALFORMED_JSON == 102 && TUMA_RESULT_INVALID_INPUT == 103 && TUMA_RESULT_CONFIG == 104);
  CHECK(TUMA_RESULT_AUTHENTICATION == 200 && TUMA_RESULT_API == 201 && TUMA_RESULT_RATE_LIMITED == 202);
  CHECK(TUMA_RESULT_DECODE == 203 && TUMA_RESULT_INVALID_CALLBACK == 204 && TUMA_RESULT_AUTHORIZATION == 205);
  CHECK(TUMA_RESULT_NETWORK == 300 && TUMA_RESULT_TIMEOUT == 301 && TUMA_RESULT_STORE == 302);
  CHECK(TUMA_RESULT_BUSY == 303);
  CHECK(TUMA_RESULT_PANIC == 900 && TUMA_RESULT_INTERNAL == 901);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_AUTHORIZATION), "403") != NULL);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_BUSY), "not started") != NULL);
}

/* The string value of "key" in a JSON text, copied into out (empty when absent). */
static void json_string_value(const char *json, const char *key, char *out, size_t size) {
  char pattern[128];
  const char *start, *end;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  start = strstr(json, pattern);
  if (start == NULL) return;
  start += strlen(pattern);
  end = strchr(start, '"');
  if (end == NULL || (size_t)(end - start) >= size) return;
  memcpy(out, start, (size_t)(end - start));
  out[end - start] = '\0';
}

/* Every error kind libtuma lists (tuma_error_kinds: the core's, then its own) has a code
 * of the header's enum, its own code, and a real message. */
static void test_error_kinds(void) {
  char *kinds = NULL;
  const char *p;
  unsigned seen[64];
  size_t n = 0, core = 0, i, j;
  int authorization = 0, busy = 0;
  CHECK_RESULT(tuma_error_kinds(&kinds), TUMA_RESULT_OK);
  CHECK(kinds[0] == '[');
  for (p = strstr(kinds, "\"kind\":\""); p != NULL; p = strstr(p + 1, "\"kind\":\"")) {
    char kind[64], origin[16];
    const char *next = strstr(p + 1, "\"kind\":\""), *result = strstr(p, "\"result\":");
    const char *end = strchr(p, '}');
    unsigned code;
    int listed = 0;
    CHECK(end != NULL && result != NULL && result < end && (next == NULL || end < next));
    {
      char object[512];
      size_t len = (size_t)(end - p);
      CHECK(len < sizeof object);
      memcpy(object, p, len);
      object[len] = '\0';
      json_string_value(object, "kind", kind, sizeof kind);
      json_string_value(object, "origin", origin, sizeof origin);
    }
    code = (unsigned)strtoul(result + strlen("\"result\":"), NULL, 10);
    for (i = 0; i < COUNT(RESULT_CODES); i++) listed |= (unsigned)RESULT_CODES[i] == code;
    if (!listed) fprintf(stderr, "kind %s has code %u, which is not in the header's enum\n", kind, code);
    CHECK(listed);
    CHECK(code != TUMA_RESULT_OK && code != TUMA_RESULT_INTERNAL);
    CHECK(strcmp(tuma_result_message(code), "unknown result code") != 0);
    for (j = 0; j < n; j++) CHECK(seen[j] != code); /* each kind its own code */
    CHECK(n < COUNT(seen));
    seen[n++] = code;
    CHECK(strcmp(origin, "core") == 0 || strcmp(origin, "libtuma") == 0);
    /* the core's kinds come first */
    if (strcmp(origin, "core") == 0) CHECK(core++ == n - 1);
    authorization |= strcmp(kind, "authorization") == 0 && code == TUMA_RESULT_AUTHORIZATION;
    busy |= strcmp(kind, "busy") == 0 && code == TUMA_RESULT_BUSY;
  }
  CHECK(authorization && busy);
  CHECK(core >= 12 && n == core + 4); /* libtuma's own: null_parameter, invalid_utf8, malformed_json, panic */
  CHECK(list_has(kinds, "null_parameter") && list_has(kinds, "panic"));
  tuma_string_free(kinds);
  CHECK_RESULT(tuma_error_kinds(NULL), TUMA_RESULT_NULL_PARAMETER);
}

static const char *sandbox_control(const char *method, const char *path, const char *body);

/* What a case needs done first, outside libtuma: a Bill Manager payment to reconcile
 * (a customer pays C-INV-1 through the sandbox's control API; its receipt is the %s). */
static void prepare_case(const char *name, char *captured, size_t size) {
  if (strcmp(name, "daraja.bill_reconciliation") == 0) {
    const char *paid =
        sandbox_control("POST", "/_sandbox/daraja/billmanager/pay", "{\"externalReference\":\"C-INV-1\"}");
    expect_contains((char *)paid, "\"ok\":true");
    json_string_value(paid, "transactionId", captured, size);
    CHECK(captured[0] != '\0');
  }
}

static void test_every_operation(tuma_client *client) {
  size_t i;
  char captured[256] = "";
  for (i = 0; i < COUNT(OP_CASES); i++) {
    const struct op_case *c = &OP_CASES[i];
    char *named = NULL, *generic = NULL;
    char request[1024];
    prepare_case(c->name, captured, sizeof captured);
    CHECK(strlen(c->request) + strlen(captured) < sizeof request);
    snprintf(request, sizeof request, c->request, captured);
    if (getenv("TUMA_TEST_VERBOSE")) fprintf(stderr, "%s %s\n", c->name, request);
    CHECK_RESULT(c->fn(client, request, &named), TUMA_RESULT_OK);
    if (getenv("TUMA_TEST_VERBOSE")) fprintf(stderr, "  -> %s\n", named);
    expect_contains(named, c->expect);
    CHECK(last_error() == NULL); /* a success leaves no error behind */
    if (c->capture != NULL) {
      json_string_value(named, c->capture, captured, sizeof captured);
      CHECK(captured[0] != '\0');
    }
    /* the generic entry point reaches the same operation (queries only: a second
     * money-moving request is a second payment) */
    if (strstr(c->name, "status") || strstr(c->name, "query") || strstr(c->name, "details") ||
        strstr(c->name, "balance") || strstr(c->name, "qr") || strstr(c->name, "confirm")) {
      CHECK_RESULT(tuma_client_call(client, c->name, request, &generic), TUMA_RESULT_OK);
      expect_contains(generic, c->expect);
      tuma_string_free(generic);
    }
    tuma_string_free(named);
  }
}

static void test_every_callback(void) {
  size_t i;
  for (i = 0; i < COUNT(CALLBACK_CASES); i++) {
    const struct callback_case *c = &CALLBACK_CASES[i];
    char *named = NULL, *generic = NULL;
    size_t len = strlen(c->body);
    CHECK_RESULT(c->fn((const uint8_t *)c->body, len, &named), TUMA_RESULT_OK);
    expect_contains(named, c->expect);
    CHECK_RESULT(tuma_parse_callback(c->kind, (const uint8_t *)c->body, len, &generic),
                 TUMA_RESULT_OK);
    CHECK(strcmp(named, generic) == 0);
    tuma_string_free(named);
    tuma_string_free(generic);
    /* a body that is not what the provider sends */
    named = SENTINEL;
    CHECK_RESULT(c->fn((const uint8_t *)"not json", 8, &named), TUMA_RESULT_INVALID_CALLBACK);
    CHECK(named == SENTINEL);
    expect_error("invalid_callback", NULL);
  }
}

static void test_every_utility(void) {
  size_t i;
  for (i = 0; i < COUNT(UTILITY_CASES); i++) {
    char *named = NULL, *generic = NULL;
    CHECK_RESULT(UTILITY_CASES[i].fn(UTILITY_CASES[i].request, &named), TUMA_RESULT_OK);
    expect_contains(named, UTILITY_CASES[i].expect);
    CHECK_RESULT(tuma_utility(UTILITY_CASES[i].name, UTILITY_CASES[i].request, &generic),
                 TUMA_RESULT_OK);
    expect_contains(generic, UTILITY_CASES[i].expect);
    /* the same answer, except where it is random (RSA padding) or the clock */
    if (strcmp(UTILITY_CASES[i].name, "daraja.security_credential") != 0 &&
        strcmp(UTILITY_CASES[i].name, "daraja.timestamp") != 0)
      CHECK(strcmp(named, generic) == 0);
    tuma_string_free(named);
    tuma_string_free(generic);
  }
  /* invalid input names the field */
  {
    char *out = SENTINEL;
    CHECK_RESULT(tuma_phone_normalize("{\"phone\":\"12\"}", &out), TUMA_RESULT_INVALID_INPUT);
    CHECK(out == SENTINEL);
    expect_error("invalid_input", "\"field\":\"phone\"");
  }
}

static void test_client_from_env(void) {
  char statum_url[600];
  tuma_client *client = NULL;
  char *out = NULL;
  snprintf(statum_url, sizeof statum_url, "%s/statum/api/v2", sandbox_url);
  setenv("TUMA_STATUM_CONSUMER_KEY", "sandbox-statum-key", 1);
  setenv("TUMA_STATUM_CONSUMER_SECRET", "sandbox-statum-secret", 1);
  setenv("TUMA_STATUM_BASE_URL", statum_url, 1);
  CHECK_RESULT(tuma_client_from_env(&client), TUMA_RESULT_OK);
  CHECK_RESULT(tuma_statum_account_details(client, "{}", &out), TUMA_RESULT_OK);
  expect_contains(out, "\"organization\"");
  tuma_string_free(out);
  tuma_client_free(client);
  /* a key without its secret is a configuration error */
  unsetenv("TUMA_STATUM_CONSUMER_SECRET");
  client = (tuma_client *)SENTINEL;
  CHECK_RESULT(tuma_client_from_env(&client), TUMA_RESULT_CONFIG);
  CHECK(client == (tuma_client *)SENTINEL);
  expect_error("config", NULL);
  unsetenv("TUMA_STATUM_CONSUMER_KEY");
  unsetenv("TUMA_STATUM_BASE_URL");
  CHECK_RESULT(tuma_client_from_env(NULL), TUMA_RESULT_NULL_PARAMETER);
}

/* ---- error paths --------------------------------------------------------------------- */

static void test_null_parameters(tuma_client *client) {
  char *out = SENTINEL;
  tuma_client *c = (tuma_client *)SENTINEL;
  const char *sms = OP_CASES[0].request;

  CHECK_RESULT(tuma_client_new(NULL, &c), TUMA_RESULT_NULL_PARAMETER);
  CHECK(c == (tuma_client *)SENTINEL);
  expect_error("null_parameter", "\"field\":\"config_json\"");
  CHECK_RESULT(tuma_client_new(config_json, NULL), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"client_out\"");

  CHECK_RESULT(tuma_client_call(NULL, "statum.send_sms", sms, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"client\"");
  CHECK_RESULT(tuma_client_call(client, NULL, sms, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"operation\"");
  CHECK_RESULT(tuma_client_call(client, "statum.send_sms", NULL, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"request_json\"");
  CHECK_RESULT(tuma_client_call(client, "statum.send_sms", sms, NULL), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"result_json_out\"");
  CHECK_RESULT(tuma_statum_send_sms(NULL, sms, &out), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_statum_send_sms(client, NULL, &out), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_statum_send_sms(client, sms, NULL), TUMA_RESULT_NULL_PARAMETER);

  CHECK_RESULT(tuma_parse_callback(NULL, (const uint8_t *)"{}", 2, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"kind\"");
  CHECK_RESULT(tuma_parse_callback("statum.result", NULL, 5, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"field\":\"body\"");
  CHECK_RESULT(tuma_parse_callback("statum.result", (const uint8_t *)"{}", 2, NULL),
               TUMA_RESULT_NULL_PARAMETER);
  /* NULL with length 0 is an empty body: not a valid callback, but not a NULL error */
  CHECK_RESULT(tuma_parse_statum_result(NULL, 0, &out), TUMA_RESULT_INVALID_CALLBACK);

  CHECK_RESULT(tuma_utility(NULL, "{}", &out), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_utility("phone.normalize", NULL, &out), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_phone_normalize("{\"phone\":\"0712345678\"}", NULL), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_last_error_json(NULL), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_callback_kinds(NULL), TUMA_RESULT_NULL_PARAMETER);
  CHECK_RESULT(tuma_utilities(NULL), TUMA_RESULT_NULL_PARAMETER);
  CHECK(out == SENTINEL); /* never written by a failing call */

  tuma_client_free(NULL);
  tuma_string_free(NULL);
}

static void test_invalid_utf8(tuma_client *client) {
  char *out = SENTINEL;
  tuma_client *c = (tuma_client *)SENTINEL;
  CHECK_RESULT(tuma_client_call(client, "statum.send_sms", "{\"phone\":\"\xff\xfe\"}", &out),
               TUMA_RESULT_INVALID_UTF8);
  expect_error("invalid_utf8", "\"field\":\"request_json\"");
  CHECK_RESULT(tuma_client_call(client, "statum.\xc3", "{}", &out), TUMA_RESULT_INVALID_UTF8);
  expect_error("invalid_utf8", "\"field\":\"operation\"");
  CHECK_RESULT(tuma_client_new("{\"statum\":\"\xff\"}", &c), TUMA_RESULT_INVALID_UTF8);
  CHECK(c == (tuma_client *)SENTINEL);
  /* a callback body that is not UTF-8 is an invalid callback, not a caller error */
  CHECK_RESULT(tuma_parse_statum_result((const uint8_t *)"\xff\xfe", 2, &out),
               TUMA_RESULT_INVALID_CALLBACK);
  CHECK(out == SENTINEL);
}

static void test_malformed_json(tuma_client *client) {
  char *out = SENTINEL;
  tuma_client *c = (tuma_client *)SENTINEL;
  CHECK_RESULT(tuma_statum_send_sms(client, "{\"sender_id\":", &out), TUMA_RESULT_MALFORMED_JSON);
  expect_error("malformed_json", "\"field\":\"request_json\"");
  CHECK_RESULT(tuma_statum_send_sms(client, "", &out), TUMA_RESULT_MALFORMED_JSON);
  CHECK_RESULT(tuma_phone_normalize("nope", &out), TUMA_RESULT_MALFORMED_JSON);
  CHECK_RESULT(tuma_client_new("{statum}", &c), TUMA_RESULT_MALFORMED_JSON);
  expect_error("malformed_json", "\"field\":\"config_json\"");
  CHECK(out == SENTINEL && c == (tuma_client *)SENTINEL);
}

static void test_invalid_input(tuma_client *client) {
  char *out = SENTINEL;
  /* wrong-typed field */
  CHECK_RESULT(tuma_statum_send_sms(client,
                                    "{\"sender_id\":\"TUMA\",\"phone\":712345678,\"message\":\"hi\"}",
                                    &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"phone\"");
  /* missing field */
  CHECK_RESULT(tuma_statum_send_sms(client, "{\"sender_id\":\"TUMA\",\"phone\":\"0712345678\"}", &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"message\"");
  /* a rule of the provider, checked before sending */
  CHECK_RESULT(tuma_statum_airtime(client, "{\"phone\":\"0712345678\",\"amount\":2.5}", &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"amount\"");
  CHECK_RESULT(tuma_statum_send_sms(client,
                                    "{\"sender_id\":\"TUMA\",\"phone\":\"12345\",\"message\":\"hi\"}",
                                    &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"phone\"");
  /* unknown field */
  CHECK_RESULT(tuma_statum_account_details(client, "{\"verbose\":true}", &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"verbose\"");
  /* not an object */
  CHECK_RESULT(tuma_statum_account_details(client, "[1,2]", &out), TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"request\"");
  /* unknown operation, callback kind and utility */
  CHECK_RESULT(tuma_client_call(client, "statum.teleport", "{}", &out), TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"operation\"");
  CHECK_RESULT(tuma_parse_callback("statum.nope", (const uint8_t *)"{}", 2, &out),
               TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "unknown callback kind");
  CHECK_RESULT(tuma_utility("phone.teleport", "{}", &out), TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "unknown utility");
  CHECK(out == SENTINEL);
}

static void test_config_errors(void) {
  tuma_client *c = (tuma_client *)SENTINEL;
  char *out = NULL;
  CHECK_RESULT(tuma_client_new("{\"statum\":{\"consumer_key\":\"k\"}}", &c), TUMA_RESULT_CONFIG);
  expect_error("config", NULL);
  CHECK_RESULT(tuma_client_new("{\"statum\":{\"consumer_key\":\"k\",\"consumer_secret\":\"s\","
                               "\"base_url\":\"http://example.com/\"}}",
                               &c),
               TUMA_RESULT_CONFIG);
  expect_error("config", "base_url");
  CHECK_RESULT(tuma_client_new("{\"smtp\":{}}", &c), TUMA_RESULT_CONFIG);
  CHECK(c == (tuma_client *)SENTINEL);
  /* the secret never appears in the error */
  CHECK_RESULT(tuma_client_new("{\"statum\":{\"consumer_key\":\"k\",\"consumer_secret\":\"TOPSECRET\","
                               "\"base_url\":\"ftp://x\"}}",
                               &c),
               TUMA_RESULT_CONFIG);
  {
    char *err = last_error();
    CHECK(err != NULL && strstr(err, "TOPSECRET") == NULL);
    tuma_string_free(err);
  }
  /* an empty configuration builds, but Statum calls then fail as a configuration error */
  c = new_client("{}");
  CHECK_RESULT(tuma_statum_account_details(c, "{}", &out), TUMA_RESULT_CONFIG);
  expect_error("config", "statum");
  tuma_client_free(c);
}

static void test_provider_errors(tuma_client *client) {
  char *out = SENTINEL;
  tuma_client *bad = new_client(bad_config_json);
  /* wrong credentials */
  CHECK_RESULT(tuma_statum_account_details(bad, "{}", &out), TUMA_RESULT_AUTHENTICATION);
  {
    char *err = last_error();
    expect_contains(err, "\"provider\":\"statum\"");
    expect_contains(err, "\"status\":401");
    CHECK(strstr(err, "wrong-secret") == NULL);
    tuma_string_free(err);
  }
  tuma_client_free(bad);
  /* the provider refuses the request: an unregistered sender id */
  CHECK_RESULT(tuma_statum_send_sms(client,
                                    "{\"sender_id\":\"NOTMINE\",\"phone\":\"0712345678\",\"message\":\"hi\"}",
                                    &out),
               TUMA_RESULT_API);
  {
    char *err = last_error();
    expect_contains(err, "\"kind\":\"api\"");
    expect_contains(err, "\"provider\":\"statum\"");
    expect_contains(err, "\"status\":422");
    tuma_string_free(err);
  }
  CHECK(out == SENTINEL);
}

static void test_network_error(void) {
  char *out = SENTINEL;
  /* nothing listens on port 1: refused before anything was sent */
  tuma_client *c = new_client("{\"statum\":{\"consumer_key\":\"k\",\"consumer_secret\":\"s\","
                              "\"base_url\":\"http://127.0.0.1:1/api/v2/\"},"
                              "\"http\":{\"max_retries\":0,\"connect_timeout_ms\":2000}}");
  CHECK_RESULT(tuma_statum_send_sms(c, OP_CASES[0].request, &out), TUMA_RESULT_NETWORK);
  expect_error("network", "\"outcome_unknown\":false");
  CHECK(out == SENTINEL);
  tuma_client_free(c);
}

static void test_last_error_lifecycle(tuma_client *client) {
  char *out = NULL;
  CHECK_RESULT(tuma_statum_send_sms(client, "{", &out), TUMA_RESULT_MALFORMED_JSON);
  tuma_last_error_clear();
  CHECK(last_error() == NULL);
  CHECK_RESULT(tuma_statum_send_sms(client, "{", &out), TUMA_RESULT_MALFORMED_JSON);
  /* the next successful call clears it */
  CHECK_RESULT(tuma_phone_normalize("{\"phone\":\"0712345678\"}", &out), TUMA_RESULT_OK);
  tuma_string_free(out);
  CHECK(last_error() == NULL);
}

/* ---- the sandbox's control API, and a receiver for the callbacks it posts ------------ */

/* Writes all of `data` to a socket. */
static void write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    CHECK(n > 0);
    data += n;
    len -= (size_t)n;
  }
}

/* Reads one HTTP/1.1 message (head and Content-Length body) into buf, NUL-terminated, and
 * returns where its body starts. Waits at most timeout_ms for each read. */
static char *read_message(int fd, char *buf, size_t size, int timeout_ms) {
  size_t have = 0, want = 0;
  char *body = NULL;
  for (;;) {
    struct pollfd p;
    ssize_t n;
    if (body != NULL && have >= (size_t)(body - buf) + want) break;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    CHECK(poll(&p, 1, timeout_ms) == 1);
    CHECK(have + 1 < size);
    n = read(fd, buf + have, size - have - 1);
    CHECK(n >= 0);
    if (n == 0) break;
    have += (size_t)n;
    buf[have] = '\0';
    if (body == NULL && (body = strstr(buf, "\r\n\r\n")) != NULL) {
      const char *line = buf;
      body += 4;
      while (line < body) {
        if (strncasecmp(line, "content-length:", 15) == 0) want = (size_t)strtoul(line + 15, NULL, 10);
        line = strstr(line, "\r\n") + 2;
      }
    }
  }
  buf[have] = '\0';
  CHECK(body != NULL);
  return body;
}

static char http_buffer[1 << 17];

/* One request to the sandbox's control API (e.g. GET /_sandbox/stats); returns the
 * answer's body (in a static buffer, valid until the next call). */
static const char *sandbox_control(const char *method, const char *path, const char *body) {
  char host[64], request[4096];
  int port = 0, fd, n;
  struct sockaddr_in addr;
  char *answer;
  CHECK(sscanf(sandbox_url, "http://%63[^:/]:%d", host, &port) == 2);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  CHECK(inet_pton(AF_INET, host, &addr.sin_addr) == 1);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
  n = snprintf(request, sizeof request,
               "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
               "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
               method, path, host, port, strlen(body), body);
  CHECK(n > 0 && (size_t)n < sizeof request);
  write_all(fd, request, (size_t)n);
  answer = read_message(fd, http_buffer, sizeof http_buffer, 10000);
  CHECK(strncmp(http_buffer, "HTTP/1.1 200", 12) == 0);
  close(fd);
  return answer;
}

/* Copies `in` into `out` as the inside of a JSON string. */
static void json_escape(const char *in, char *out, size_t size) {
  size_t n = 0;
  CHECK(size > 6 * strlen(in)); /* the longest escape, \u00XX, is 6 bytes */
  for (; *in; in++) {
    if (*in == '"' || *in == '\\') {
      out[n++] = '\\';
      out[n++] = *in;
    } else if ((unsigned char)*in < 0x20) {
      n += (size_t)snprintf(out + n, size - n, "\\u%04x", (unsigned)(unsigned char)*in);
    } else {
      out[n++] = *in;
    }
  }
  out[n] = '\0';
}

/* Makes the next `times` sandbox requests whose path holds `path` misbehave. */
static void sandbox_fault(const char *path, const char *fault, int times) {
  char escaped[1024], body[1400];
  json_escape(fault, escaped, sizeof escaped);
  snprintf(body, sizeof body, "{\"path_contains\":\"%s\",\"fault\":\"%s\",\"times\":%d}", path, escaped, times);
  expect_contains((char *)sandbox_control("POST", "/_sandbox/faults", body), "\"ok\":true");
}

/* Whether the sandbox's ledger of processed payments holds `identity`. */
static int in_ledger(const char *identity) {
  const char *stats = sandbox_control("GET", "/_sandbox/stats", "");
  const char *payments = strstr(stats, "\"payments\"");
  CHECK(payments != NULL);
  return strstr(payments, identity) != NULL;
}

/* A listening socket on 127.0.0.1 for one callback; `url` is its http:// address. */
static int callback_listener(char *url, size_t size) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(listen(fd, 4) == 0);
  CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
  snprintf(url, size, "http://127.0.0.1:%u", (unsigned)ntohs(addr.sin_port));
  return fd;
}

/* Accepts the next callback on `listener`, answers 200, and copies its body into `out`. */
static void next_callback(int listener, char *path_out, size_t path_size, char *out, size_t size) {
  static char buf[1 << 16];
  struct pollfd p;
  const char *body;
  int fd;
  p.fd = listener;
  p.events = POLLIN;
  p.revents = 0;
  CHECK(poll(&p, 1, 30000) == 1); /* the sandbox posts within a second; valgrind is slow */
  fd = accept(listener, NULL, NULL);
  CHECK(fd >= 0);
  body = read_message(fd, buf, sizeof buf, 10000);
  CHECK(sscanf(buf, "POST %255s", path_out) == 1 && path_size > 255);
  CHECK(strlen(body) < size);
  strcpy(out, body);
  {
    static const char reply[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    write_all(fd, reply, sizeof reply - 1);
  }
  close(fd);
}

/* HTTP 403 from Statum: valid credentials, not allowed: TUMA_RESULT_AUTHORIZATION. */
static void test_authorization_error(tuma_client *client) {
  char *out = SENTINEL;
  sandbox_fault("/statum/api/v2/account-details", "reply=403;body={\"status_code\":403,\"description\":\"Forbidden\"}", 1);
  CHECK_RESULT(tuma_statum_account_details(client, "{}", &out), TUMA_RESULT_AUTHORIZATION);
  CHECK(out == SENTINEL);
  {
    char *err = last_error();
    expect_contains(err, "\"kind\":\"authorization\"");
    expect_contains(err, "\"provider\":\"statum\"");
    expect_contains(err, "\"status\":403");
    CHECK(strstr(err, "sandbox-statum-secret") == NULL);
    tuma_string_free(err);
  }
  /* the fault was for one request: the next call goes through */
  CHECK_RESULT(tuma_statum_account_details(client, "{}", &out), TUMA_RESULT_OK);
  tuma_string_free(out);
}

/* ---- money truth: the fate and recovery of failed payments --------------------------- */

static const char DARAJA_INTERNAL[] =
    "reply=500;processed;body={\"requestId\":\"x\",\"errorCode\":\"500.001.1001\",\"errorMessage\":\"Internal server error\"}";
static const char DARAJA_INVALID_AMOUNT[] =
    "reply=400;body={\"requestId\":\"x\",\"errorCode\":\"400.002.02\",\"errorMessage\":\"Bad Request - Invalid Amount\"}";

static void test_money_fate(tuma_client *client) {
  char *out = SENTINEL, *err;
  /* Daraja processed the push but answered 500: the money may have moved. */
  CHECK(!in_ledger(":7:CFATE7:"));
  sandbox_fault("/stkpush/", DARAJA_INTERNAL, 1);
  CHECK_RESULT(tuma_daraja_stk_push(client, "{\"phone\":\"0708 374 149\",\"amount\":7,\"account_reference\":\"CFATE7\"}", &out),
               TUMA_RESULT_API);
  CHECK(out == SENTINEL);
  err = last_error();
  expect_contains(err, "\"kind\":\"api\"");
  expect_contains(err, "\"fate\":\"unknown\"");
  expect_contains(err, "\"outcome_unknown\":true");
  expect_contains(err, "\"code\":\"500.001.1001\"");
  expect_contains(err, "\"recovery\":{");
  expect_contains(err, "\"operation\":\"daraja.stk_push\"");
  expect_contains(err, "\"phone\":\"254708374149\"");
  expect_contains(err, "\"amount\":7");
  expect_contains(err, "\"account_reference\":\"CFATE7\"");
  expect_contains(err, "\"timestamp\":\"20");
  expect_contains(err, "\"advice\":\"do not push again");
  tuma_string_free(err);
  CHECK(in_ledger(":7:CFATE7:")); /* and the sandbox did process it */

  /* A documented refusal: Daraja did not process it. */
  sandbox_fault("/stkpush/", DARAJA_INVALID_AMOUNT, 1);
  CHECK_RESULT(tuma_daraja_stk_push(client, "{\"phone\":\"0708374149\",\"amount\":8,\"account_reference\":\"CREFUSE8\"}", &out),
               TUMA_RESULT_API);
  err = last_error();
  expect_contains(err, "\"fate\":\"refused\"");
  expect_contains(err, "\"outcome_unknown\":false");
  expect_contains(err, "\"code\":\"400.002.02\"");
  expect_contains(err, "\"recovery\":{");
  expect_contains(err, "\"account_reference\":\"CREFUSE8\"");
  tuma_string_free(err);
  CHECK(!in_ledger(":8:CREFUSE8:"));

  /* Invalid input: nothing was sent, and there is nothing to recover. */
  CHECK_RESULT(tuma_daraja_stk_push(client, "{\"phone\":\"12\",\"amount\":9,\"account_reference\":\"CBAD9\"}", &out),
               TUMA_RESULT_INVALID_INPUT);
  err = last_error();
  expect_contains(err, "\"fate\":\"not_sent\"");
  expect_contains(err, "\"outcome_unknown\":false");
  CHECK(strstr(err, "\"recovery\"") == NULL);
  tuma_string_free(err);
  /* libtuma's own checks say so too */
  CHECK_RESULT(tuma_daraja_stk_push(client, NULL, &out), TUMA_RESULT_NULL_PARAMETER);
  expect_error("null_parameter", "\"fate\":\"not_sent\"");
  CHECK(out == SENTINEL);
}

/* ---- callback claims ------------------------------------------------------------------ */

/* The JSON request `{"kind":"statum.result","body":"<a result for id>"}`. */
static void statum_result_request(const char *id, char *out, size_t size) {
  snprintf(out, size,
           "{\"kind\":\"statum.result\",\"body\":\"{\\\"request_id\\\":\\\"%s\\\",\\\"result_code\\\":\\\"200\\\","
           "\\\"result_desc\\\":\\\"Delivered\\\"}\"}",
           id);
}

/* Receives the callback; checks its status; copies its claim (empty when none). */
static void receive(tuma_client *client, const char *request, const char *status, char *claim, size_t size) {
  char *out = NULL, want[64];
  CHECK_RESULT(tuma_callbacks_receive(client, request, &out), TUMA_RESULT_OK);
  snprintf(want, sizeof want, "\"status\":\"%s\"", status);
  expect_contains(out, want);
  expect_contains(out, strcmp(status, "claimed") == 0 ? "\"first_time\":true" : "\"first_time\":false");
  if (strcmp(status, "claimed") != 0) expect_contains(out, "\"claim\":null");
  json_string_value(out, "claim", claim, size);
  CHECK((claim[0] != '\0') == (strcmp(status, "claimed") == 0));
  tuma_string_free(out);
}

static void claim_call(tuma_client *client, op_fn fn, const char *claim, const char *expect) {
  char request[512], *out = NULL;
  snprintf(request, sizeof request, "{\"claim\":\"%s\"}", claim);
  CHECK_RESULT(fn(client, request, &out), TUMA_RESULT_OK);
  expect_contains(out, expect);
  tuma_string_free(out);
}

static void test_callback_claims(tuma_client *client) {
  char request[512], claim[300], again[300];
  char *out = SENTINEL;
  statum_result_request("C-CLAIM-1", request, sizeof request);

  receive(client, request, "claimed", claim, sizeof claim);
  /* a redelivery while it is being processed: another worker holds it */
  receive(client, request, "in_progress", again, sizeof again);
  /* processing failed: given back, the redelivery is claimed (and processed) again */
  claim_call(client, tuma_callbacks_release, claim, "{\"released\":true}");
  claim_call(client, tuma_callbacks_release, claim, "{\"released\":false}");
  receive(client, request, "claimed", again, sizeof again);
  CHECK(strcmp(claim, again) != 0);
  /* processed: every later delivery is done */
  claim_call(client, tuma_callbacks_complete, again, "{\"completed\":true,\"lease_held\":true}");
  receive(client, request, "done", claim, sizeof claim);
  receive(client, request, "done", claim, sizeof claim);

  /* the lease: a worker that died holding a claim loses it once the lease is over */
  {
    char config[600];
    tuma_client *short_lease;
    struct timespec lease_over = {1, 200 * 1000 * 1000};
    snprintf(config, sizeof config, "{\"store\":{\"url\":\"memory\",\"callback_lease_ms\":1000}}");
    short_lease = new_client(config);
    statum_result_request("C-CLAIM-LEASE", request, sizeof request);
    receive(short_lease, request, "claimed", claim, sizeof claim);
    receive(short_lease, request, "in_progress", again, sizeof again);
    CHECK(nanosleep(&lease_over, NULL) == 0);
    receive(short_lease, request, "claimed", again, sizeof again);
    /* the dead worker comes back: its lease had lapsed */
    claim_call(short_lease, tuma_callbacks_complete, claim, "\"lease_held\":false");
    claim_call(short_lease, tuma_callbacks_release, again, "{\"released\":false}");
    receive(short_lease, request, "done", again, sizeof again);
    tuma_client_free(short_lease);
  }

  /* a claim libtuma did not hand out */
  CHECK_RESULT(tuma_callbacks_complete(client, "{\"claim\":\"forged\"}", &out), TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"claim\"");
  CHECK_RESULT(tuma_callbacks_release(client, "{}", &out), TUMA_RESULT_INVALID_INPUT);
  expect_error("invalid_input", "\"field\":\"claim\"");
  CHECK(out == SENTINEL);
}

/* ---- forged callbacks: the payment journal ---------------------------------------------- */

/* Replaces the number after `"Name":"Amount","Value":` in an STK callback body. */
static void set_stk_amount(const char *body, const char *amount, char *out, size_t size) {
  const char *name = strstr(body, "\"Amount\"");
  const char *value, *end;
  CHECK(name != NULL);
  value = strstr(name, "\"Value\":");
  CHECK(value != NULL);
  value += strlen("\"Value\":");
  end = value;
  while ((*end >= '0' && *end <= '9') || *end == '.') end++;
  CHECK(end > value);
  CHECK(strlen(body) + strlen(amount) < size);
  snprintf(out, size, "%.*s%s%s", (int)(value - body), body, amount, end);
}

static void confirm_with_callback(tuma_client *client, const char *body, tuma_result expected, char **out) {
  static char escaped[1 << 15], request[(1 << 15) + 64];
  json_escape(body, escaped, sizeof escaped);
  snprintf(request, sizeof request, "{\"callback\":\"%s\"}", escaped);
  CHECK_RESULT(tuma_daraja_confirm_stk_payment(client, request, out), expected);
}

static void test_forged_callbacks(tuma_client *client) {
  char url[64], path[300], request[512], id[128];
  static char body[1 << 15], forged[1 << 15];
  char *out = NULL;
  int listener = callback_listener(url, sizeof url);

  /* A genuine 1 KES payment, its callback posted by the sandbox to our listener... */
  snprintf(request, sizeof request,
           "{\"phone\":\"0708374149\",\"amount\":1,\"account_reference\":\"CHEAP1\",\"callback_url\":\"%s/stk\"}", url);
  CHECK_RESULT(tuma_daraja_stk_push(client, request, &out), TUMA_RESULT_OK);
  json_string_value(out, "checkout_request_id", id, sizeof id);
  CHECK(id[0] != '\0');
  tuma_string_free(out);
  next_callback(listener, path, sizeof path, body, sizeof body);
  close(listener);
  CHECK(strcmp(path, "/stk") == 0);
  expect_contains(body, id);
  expect_contains(body, "MpesaReceiptNumber");
  /* ...is confirmed by the journal and by Daraja */
  out = NULL;
  confirm_with_callback(client, body, TUMA_RESULT_OK, &out);
  expect_contains(out, id);
  expect_contains(out, "\"result_code\":\"0\"");
  tuma_string_free(out);

  /* The same callback claiming 5000 KES: refused, whatever Daraja says of the id. */
  set_stk_amount(body, "5000", forged, sizeof forged);
  CHECK(strcmp(forged, body) != 0);
  out = SENTINEL;
  confirm_with_callback(client, forged, TUMA_RESULT_INVALID_CALLBACK, &out);
  CHECK(out == SENTINEL);
  expect_error("invalid_callback", "amount");

  /* An id this process never pushed: with the memory store another process may have, so
   * Daraja's answer decides: it does not know the id, so a callback claiming success for it
   * is a forgery; with a journal that sees every push (Redis, or journal_required) it is
   * refused before Daraja is asked. */
  {
    char *at = strstr(body, id);
    tuma_client *strict;
    CHECK(at != NULL && strlen(id) > 10);
    snprintf(forged, sizeof forged, "%.*sws_CO_000000000000000forged%s", (int)(at - body), body, at + strlen(id));
    out = SENTINEL;
    confirm_with_callback(client, forged, TUMA_RESULT_INVALID_CALLBACK, &out);
    CHECK(out == SENTINEL);
    expect_error("invalid_callback", "does not know this CheckoutRequestID");
    /* asked by id alone (no callback claiming success), Daraja's refusal is the answer */
    CHECK_RESULT(tuma_daraja_confirm_stk_payment(client, "{\"checkout_request_id\":\"ws_CO_000000000000000forged\"}", &out),
                 TUMA_RESULT_API);
    expect_error("api", "\"code\":\"400.002.02\"");
    strict = new_client_with_store("{\"url\":\"memory\",\"journal_required\":true}");
    confirm_with_callback(strict, forged, TUMA_RESULT_INVALID_CALLBACK, &out);
    expect_error("invalid_callback", "not a payment this application pushed");
    out = NULL;
    confirm_with_callback(strict, body, TUMA_RESULT_OK, &out); /* the genuine one still is */
    expect_contains(out, id);
    tuma_string_free(out);
    tuma_client_free(strict);
  }

  /* UMS Pay: a completed webhook for a real push, with another amount. */
  {
    char ums[128], webhook[1024], escaped[1400], confirm[1500];
    CHECK_RESULT(tuma_umspay_stk_push(client, "{\"amount\":10,\"phone\":\"0712345678\",\"reference\":\"CUMS10\"}", &out),
                 TUMA_RESULT_OK);
    json_string_value(out, "transaction_request_id", ums, sizeof ums);
    CHECK(ums[0] != '\0');
    tuma_string_free(out);
    snprintf(webhook, sizeof webhook,
             "{\"event\":\"payment.completed\",\"ResponseCode\":0,\"TransactionID\":\"%s\",\"TransactionAmount\":9000,"
             "\"TransactionReceipt\":\"NLJ7RT61SV\",\"TransactionReference\":\"CUMS10\",\"Msisdn\":\"254712345678\"}",
             ums);
    json_escape(webhook, escaped, sizeof escaped);
    snprintf(confirm, sizeof confirm, "{\"webhook\":\"%s\"}", escaped);
    out = SENTINEL;
    CHECK_RESULT(tuma_umspay_confirm_payment(client, confirm, &out), TUMA_RESULT_INVALID_CALLBACK);
    CHECK(out == SENTINEL);
    expect_error("invalid_callback", "amount");
  }
}

/* ---- threads ------------------------------------------------------------------------- */

#define THREADS 8
#define CALLS_PER_THREAD 10

struct thread_arg {
  const tuma_client *client;
  int index;
  int ok;
};

static void *thread_main(void *p) {
  struct thread_arg *arg = p;
  int i;
  char *err = NULL;
  for (i = 0; i < CALLS_PER_THREAD; i++) {
    char *out = NULL;
    tuma_result r = (i % 2 == 0) ? tuma_statum_send_sms(arg->client, OP_CASES[0].request, &out)
                                 : tuma_client_call(arg->client, "statum.account_details", "{}", &out);
    if (r == TUMA_RESULT_OK && out != NULL && strstr(out, "request_id") != NULL) arg->ok++;
    tuma_string_free(out);
  }
  /* a failure on this thread is this thread's last error only */
  if (arg->index % 2 == 0) {
    char *out = NULL;
    if (tuma_statum_send_sms(arg->client, "{", &out) != TUMA_RESULT_MALFORMED_JSON) arg->ok = -1000;
    if (tuma_last_error_json(&err) != TUMA_RESULT_OK || err == NULL ||
        strstr(err, "malformed_json") == NULL)
      arg->ok = -1000;
  } else if (tuma_last_error_json(&err) != TUMA_RESULT_OK || err != NULL) {
    arg->ok = -1000;
  }
  tuma_string_free(err);
  return NULL;
}

static void test_threads_share_one_client(void) {
  pthread_t threads[THREADS];
  struct thread_arg args[THREADS];
  tuma_client *client = new_client(config_json);
  int i;
  for (i = 0; i < THREADS; i++) {
    args[i].client = client;
    args[i].index = i;
    args[i].ok = 0;
    CHECK(pthread_create(&threads[i], NULL, thread_main, &args[i]) == 0);
  }
  for (i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(args[i].ok == CALLS_PER_THREAD);
  }
  tuma_client_free(client);
}

/* ---- many threads on one handle ---------------------------------------------------------- */

/* The calls of this test run at once: TUMA_C_MANY_THREADS (1,000 unless set: the valgrind
 * runs set fewer), each on its own thread, all on one handle, each held 300 ms by the
 * sandbox. libtuma starts no thread of its own for them: a call runs on its caller's thread
 * with its own connection, so the caller's threads are the scale. */
#define MANY_LATENCY_MS 300

struct many_arg {
  const tuma_client *client;
  pthread_barrier_t *start;
  int ok;
};

static void *many_main(void *p) {
  struct many_arg *arg = p;
  char *out = NULL;
  pthread_barrier_wait(arg->start);
  tuma_result r = tuma_statum_account_details(arg->client, "{}", &out);
  arg->ok = r == TUMA_RESULT_OK && out != NULL && strstr(out, "\"organization\"") != NULL;
  if (!arg->ok) {
    char *err = NULL;
    tuma_last_error_json(&err);
    fprintf(stderr, "many threads: result %u, error %s\n", (unsigned)r, err ? err : "-");
    tuma_string_free(err);
  }
  tuma_string_free(out);
  return NULL;
}

/* Requests the sandbox has served whose path holds `part`. */
static long sandbox_path_count(const char *part) {
  const char *stats = sandbox_control("GET", "/_sandbox/stats", "");
  const char *paths = strstr(stats, "\"paths\"");
  const char *end = paths != NULL ? strchr(paths, '}') : NULL;
  long total = 0;
  CHECK(paths != NULL && end != NULL);
  for (const char *at = strstr(paths, part); at != NULL && at < end; at = strstr(at + 1, part)) {
    const char *colon = strchr(at, ':');
    CHECK(colon != NULL);
    total += strtol(colon + 1, NULL, 10);
  }
  return total;
}

static void test_many_threads_on_one_handle(void) {
  const char *env = getenv("TUMA_C_MANY_THREADS");
  long n = env != NULL ? strtol(env, NULL, 10) : 1000;
  struct rlimit files;
  /* One socket per call in flight: raise the soft limit of open files for them. */
  CHECK(getrlimit(RLIMIT_NOFILE, &files) == 0);
  if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < (rlim_t)n + 200) {
    files.rlim_cur = files.rlim_max == RLIM_INFINITY || files.rlim_max >= (rlim_t)n + 200
                         ? (rlim_t)n + 200 : files.rlim_max;
    CHECK(setrlimit(RLIMIT_NOFILE, &files) == 0);
    if (files.rlim_cur < (rlim_t)n + 200) n = (long)files.rlim_cur - 200;
  }
  CHECK(n > 0 && n <= 100000);
  pthread_t *threads = calloc((size_t)n, sizeof *threads);
  struct many_arg *args = calloc((size_t)n, sizeof *args);
  pthread_barrier_t start;
  pthread_attr_t attr;
  char fault[64];
  long i, ok = 0, before;
  CHECK(threads != NULL && args != NULL);
  tuma_client *client = new_client(config_json);
  snprintf(fault, sizeof fault, "latency=%d", MANY_LATENCY_MS);
  sandbox_fault("/statum/api/v2/account-details", fault, (int)n);
  before = sandbox_path_count("account-details");
  CHECK(pthread_barrier_init(&start, NULL, (unsigned)n) == 0);
  CHECK(pthread_attr_init(&attr) == 0);
  /* A debug libtuma's deepest call (a TLS handshake) needs about 232 KiB. */
  CHECK(pthread_attr_setstacksize(&attr, 1024 * 1024) == 0);
  for (i = 0; i < n; i++) {
    args[i].client = client;
    args[i].start = &start;
    CHECK(pthread_create(&threads[i], &attr, many_main, &args[i]) == 0);
  }
  for (i = 0; i < n; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    ok += args[i].ok;
  }
  CHECK(ok == n);
  /* Every call reached the sandbox once: none was retried or lost. */
  CHECK(sandbox_path_count("account-details") == before + n);
  pthread_attr_destroy(&attr);
  pthread_barrier_destroy(&start);
  tuma_client_free(client);
  free(args);
  free(threads);
}

/* ---- fork() ------------------------------------------------------------------------------ */

#define FORK_CALLS 12

/* FORK_CALLS calls on `client`, SMS and account details in turn; the number of answers
 * that were not what the sandbox sends (a failure, or an answer garbled by a socket that
 * another process also reads). Callable in a forked child: no CHECK, no exit. */
static int fork_round(const tuma_client *client, const char *who) {
  int i, bad = 0;
  for (i = 0; i < FORK_CALLS; i++) {
    char *out = NULL, request[256];
    tuma_result r;
    const char *want;
    if (i % 2 == 0) {
      snprintf(request, sizeof request,
               "{\"sender_id\":\"TUMA\",\"phone\":\"0712345678\",\"message\":\"fork %s %d\"}", who, i);
      r = tuma_statum_send_sms(client, request, &out);
      want = "\"request_id\"";
    } else {
      r = tuma_statum_account_details(client, "{}", &out);
      want = "\"organization\"";
    }
    if (r != TUMA_RESULT_OK || out == NULL || strstr(out, "\"status_code\":200") == NULL || strstr(out, want) == NULL) {
      char *err = NULL;
      tuma_last_error_json(&err);
      fprintf(stderr, "%s: call %d: result %u, answer %s, error %s\n", who, i, (unsigned)r, out ? out : "-",
              err ? err : "-");
      tuma_string_free(err);
      bad++;
    }
    tuma_string_free(out);
  }
  return bad;
}

/* With a Redis store: ids of this process are first seen once, whatever the other process
 * does on the inherited connection. The number of wrong answers. */
static int fork_store_round(const tuma_client *client, const char *who) {
  int i, bad = 0;
  for (i = 0; i < FORK_CALLS; i++) {
    char *out = NULL, request[256];
    /* each id twice: first_time true, then false */
    snprintf(request, sizeof request, "{\"id\":\"c-fork-%ld-%s-%d\"}", (long)getpid(), who, i / 2);
    if (tuma_callbacks_first_time(client, request, &out) != TUMA_RESULT_OK || out == NULL ||
        strstr(out, i % 2 == 0 ? "\"first_time\":true" : "\"first_time\":false") == NULL) {
      fprintf(stderr, "%s: store call %d: %s\n", who, i, out ? out : "(failed)");
      bad++;
    }
    tuma_string_free(out);
  }
  return bad;
}

/* A client used before fork() (a pooled keep-alive connection to the sandbox, a Daraja
 * token, with TUMA_TEST_REDIS_URL a Redis connection) is used by the child and the parent
 * at the same time through the same handle: the child makes its own connections (libtuma
 * checks the pid), so every answer on both sides is whole and right. */
static void test_fork(void) {
  const char *redis = getenv("TUMA_TEST_REDIS_URL");
  char store[300];
  tuma_client *client;
  pid_t child;
  int status = 0, bad;
  if (redis != NULL && strlen(redis) < 200) {
    snprintf(store, sizeof store, "{\"url\":\"%s\"}", redis);
    client = new_client_with_store(store);
  } else {
    fprintf(stderr, "test_fork: TUMA_TEST_REDIS_URL not set: HTTP connections only\n");
    redis = NULL;
    client = new_client(config_json);
  }
  CHECK(fork_round(client, "before") == 0);
  if (redis != NULL) CHECK(fork_store_round(client, "before") == 0);
  fflush(NULL);
  child = fork();
  CHECK(child >= 0);
  if (child == 0) {
    bad = fork_round(client, "child");
    if (redis != NULL) bad += fork_store_round(client, "child");
    /* the handle was copied with the process: the child frees its copy */
    tuma_client_free(client);
    _exit(bad == 0 ? 0 : 3);
  }
  bad = fork_round(client, "parent");
  if (redis != NULL) bad += fork_store_round(client, "parent");
  CHECK(waitpid(child, &status, 0) == child);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fprintf(stderr, "test_fork: child status %d\n", status);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(bad == 0);
  /* the child's exit closed nothing of the parent's: its pool still works */
  CHECK(fork_round(client, "after") == 0);
  if (redis != NULL) CHECK(fork_store_round(client, "after") == 0);
  tuma_client_free(client);
}

int main(void) {
  tuma_client *client;
  sandbox_url = getenv("TUMA_SANDBOX_URL");
  if (sandbox_url == NULL || strlen(sandbox_url) > 400) {
    fprintf(stderr, "set TUMA_SANDBOX_URL to the sandbox base URL (tests/c/run.sh does)\n");
    return 2;
  }
  read_certificate();
  snprintf(config_json, sizeof config_json,
           "{\"statum\":{\"consumer_key\":\"sandbox-statum-key\","
           "\"consumer_secret\":\"sandbox-statum-secret\",\"base_url\":\"%s/statum/api/v2\"},"
           "\"daraja\":{\"consumer_key\":\"sandbox-daraja-key\",\"consumer_secret\":\"sandbox-daraja-secret\","
           "\"environment\":\"sandbox\",\"base_url\":\"%s/daraja\",\"shortcode\":\"174379\","
           "\"passkey\":\"bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919\","
           "\"till_number\":\"174380\",\"initiator_name\":\"testapi\",\"initiator_password\":\"Safaricom999!*!\","
           "\"certificate_pem\":\"%s\",\"callback_url\":\"https://example.com/stk\","
           "\"result_url\":\"https://example.com/result\",\"timeout_url\":\"https://example.com/timeout\"},"
           "\"umspay\":{\"api_key\":\"sandbox-umspay-key\",\"email\":\"dev@tuma.test\","
           "\"account_id\":\"UMPAY-SANDBOX\",\"base_url\":\"%s/umspay/api/v1\"},"
           "\"http\":{\"user_agent_suffix\":\"c-tests\"}}",
           sandbox_url, sandbox_url, certificate_json, sandbox_url);
  snprintf(bad_config_json, sizeof bad_config_json,
           "{\"statum\":{\"consumer_key\":\"sandbox-statum-key\","
           "\"consumer_secret\":\"wrong-secret\",\"base_url\":\"%s/statum/api/v2\"}}",
           sandbox_url);

  test_version();
  test_result_messages();
  test_error_kinds();
  test_lists_are_covered();

  client = new_client(config_json);
  test_every_operation(client);
  test_every_callback();
  test_every_utility();
  test_client_from_env();
  test_null_parameters(client);
  test_invalid_utf8(client);
  test_malformed_json(client);
  test_invalid_input(client);
  test_config_errors();
  test_provider_errors(client);
  test_authorization_error(client);
  test_network_error();
  test_last_error_lifecycle(client);
  test_money_fate(client);
  test_callback_claims(client);
  test_forged_callbacks(client);
  tuma_client_free(client);

  test_threads_share_one_client();
  test_many_threads_on_one_handle();
  test_fork();

  printf("test_tuma: %d checks passed\n", checks);
  return 0;
}
