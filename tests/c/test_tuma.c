/*
 * libtuma C tests: every operation, callback kind and utility, every error path, threads
 * sharing one client, and freeing every handle. Run against the sandbox:
 *   TUMA_SANDBOX_URL=http://127.0.0.1:PORT ./test_tuma
 * (tests/c/run.sh starts target/debug/tuma-sandbox and sets it). Exits non-zero on the
 * first failed check. Built with -Wall -Wextra -Wpedantic -Werror, run under valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
     "\"first_time\":true", NULL},
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

static void test_result_messages(void) {
  CHECK(strcmp(tuma_result_message(TUMA_RESULT_OK), "success") == 0);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_NULL_PARAMETER), "NULL") != NULL);
  CHECK(strstr(tuma_result_message(TUMA_RESULT_AUTHENTICATION), "credentials") != NULL);
  CHECK(strcmp(tuma_result_message(12345), "unknown result code") == 0);
  /* stable numbers */
  CHECK(TUMA_RESULT_OK == 0 && TUMA_RESULT_NULL_PARAMETER == 100 && TUMA_RESULT_INVALID_UTF8 == 101);
  CHECK(TUMA_RESULT_MALFORMED_JSON == 102 && TUMA_RESULT_INVALID_INPUT == 103 && TUMA_RESULT_CONFIG == 104);
  CHECK(TUMA_RESULT_AUTHENTICATION == 200 && TUMA_RESULT_API == 201 && TUMA_RESULT_RATE_LIMITED == 202);
  CHECK(TUMA_RESULT_DECODE == 203 && TUMA_RESULT_INVALID_CALLBACK == 204);
  CHECK(TUMA_RESULT_NETWORK == 300 && TUMA_RESULT_TIMEOUT == 301);
  CHECK(TUMA_RESULT_PANIC == 900 && TUMA_RESULT_INTERNAL == 901);
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

static void test_every_operation(tuma_client *client) {
  size_t i;
  char captured[256] = "";
  for (i = 0; i < COUNT(OP_CASES); i++) {
    const struct op_case *c = &OP_CASES[i];
    char *named = NULL, *generic = NULL;
    char request[1024];
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
  test_network_error();
  test_last_error_lifecycle(client);
  tuma_client_free(client);

  test_threads_share_one_client();

  printf("test_tuma: %d checks passed\n", checks);
  return 0;
}
