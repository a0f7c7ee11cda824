/* Generated from crates/ffi for PHP FFI::cdef (no preprocessor lines): do not edit (run `make header`). */

enum tuma_result
 {
  TUMA_RESULT_OK = 0,
  TUMA_RESULT_NULL_PARAMETER = 100,
  TUMA_RESULT_INVALID_UTF8 = 101,
  TUMA_RESULT_MALFORMED_JSON = 102,
  TUMA_RESULT_INVALID_INPUT = 103,
  TUMA_RESULT_CONFIG = 104,
  TUMA_RESULT_AUTHENTICATION = 200,
  TUMA_RESULT_API = 201,
  TUMA_RESULT_RATE_LIMITED = 202,
  TUMA_RESULT_DECODE = 203,
  TUMA_RESULT_INVALID_CALLBACK = 204,
  TUMA_RESULT_AUTHORIZATION = 205,
  TUMA_RESULT_NETWORK = 300,
  TUMA_RESULT_TIMEOUT = 301,
  TUMA_RESULT_STORE = 302,
  TUMA_RESULT_BUSY = 303,
  TUMA_RESULT_PANIC = 900,
  TUMA_RESULT_INTERNAL = 901,
};
typedef uint32_t tuma_result;

typedef struct tuma_client tuma_client;

const char *tuma_version(void);

const char *tuma_result_message(uint32_t result);

tuma_result tuma_client_new(const char *config_json, tuma_client **client_out);

tuma_result tuma_client_from_env(tuma_client **client_out);

void tuma_client_free(tuma_client *client);

tuma_result tuma_client_call(const tuma_client *client, const char *operation, const char *request_json, char **result_json_out);

tuma_result tuma_parse_callback(const char *kind, const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_utility(const char *name, const char *request_json, char **result_json_out);

tuma_result tuma_operations(char **names_json_out);

tuma_result tuma_callback_kinds(char **names_json_out);

tuma_result tuma_utilities(char **names_json_out);

tuma_result tuma_error_kinds(char **kinds_json_out);

tuma_result tuma_last_error_json(char **error_json_out);

void tuma_last_error_clear(void);

void tuma_string_free(char *string);

tuma_result tuma_statum_send_sms(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_statum_airtime(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_statum_account_details(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_callbacks_receive(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_callbacks_complete(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_callbacks_release(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_callbacks_first_time(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_stk_push(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_stk_query(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_confirm_stk_payment(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_c2b_register_urls(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_c2b_simulate(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_b2c(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_b2b(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_transaction_status(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_account_balance(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_reversal(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_dynamic_qr(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_umspay_stk_push(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_umspay_transaction_status(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_umspay_wait_for_status(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_umspay_confirm_payment(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_b2c_topup(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_b2pochi(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_remit_tax(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_b2b_express_checkout(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_pull_register(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_pull_transactions(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_ratiba_create(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_optin(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_change_optin(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_invoice(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_invoices(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_cancel_invoice(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_cancel_invoices(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_reconciliation(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_journal_reconcile(const tuma_client *client, const char *request_json, char **result_json_out);

tuma_result tuma_parse_statum_result(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_statum_airtime_result(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_stk_callback(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_result(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_c2b_validation(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_c2b_confirmation(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_queue_timeout(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_umspay_webhook(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_b2b_express_callback(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_ratiba_callback(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_parse_daraja_bill_payment(const uint8_t *body, size_t body_len, char **result_json_out);

tuma_result tuma_phone_normalize(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_stk_password(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_timestamp(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_security_credential(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_c2b_accept(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_c2b_reject(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_c2b_confirmation_ack(const char *request_json, char **result_json_out);

tuma_result tuma_daraja_bill_payment_ack(const char *request_json, char **result_json_out);
