/*
 * tuma: a native PHP extension over libtuma, using only the public include/tuma.h.
 *
 * It offers the PHP API of the FFI wrapper in bindings/php (Tuma\Client, provider objects,
 * Tuma\Callbacks, Tuma\Utils, Tuma\Exception and its subclasses), so code moves between
 * the two with no change. Like that wrapper it only translates: arrays are encoded with
 * PHP's own ext/json (the flags the wrapper gives json_encode), handed to libtuma, and the
 * JSON it returns is decoded the way json_decode(..., true) does; a failure becomes the
 * exception class of its kind, built from libtuma's last-error JSON.
 *
 * Memory: a tuma_client* belongs to exactly one Tuma\Client object and is freed by its
 * free_obj handler; every char* libtuma returns is freed with tuma_string_free() right
 * after it is decoded. See docs/php-extension.md.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"
#include "ext/json/php_json.h"
#include "ext/spl/spl_exceptions.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "zend_interfaces.h"
#include "zend_attributes.h" /* tuma_arginfo.h: #[\SensitiveParameter] */
#include "ext/hash/php_hash.h"
#include "ext/hash/php_hash_sha.h"

#include <tuma.h>

#include "php_tuma.h"
#include "tuma_arginfo.h"

#if TUMA_VERSION_MAJOR != 0 || TUMA_VERSION_MINOR != 1
#error "this extension is written for libtuma 0.1 (include/tuma.h)"
#endif

/* Depth limit of the JSON documents, the default of json_encode/json_decode. */
#define TUMA_JSON_DEPTH PHP_JSON_PARSER_DEFAULT_DEPTH
/* The flags the FFI wrapper gives json_encode (JSON_THROW_ON_ERROR aside). */
#define TUMA_JSON_ENCODE_FLAGS \
	(PHP_JSON_UNESCAPED_UNICODE | PHP_JSON_UNESCAPED_SLASHES | PHP_JSON_PRESERVE_ZERO_FRACTION)

static zend_class_entry *tuma_ce_client;
static zend_class_entry *tuma_ce_provider;
static zend_class_entry *tuma_ce_statum;
static zend_class_entry *tuma_ce_daraja;
static zend_class_entry *tuma_ce_umspay;
static zend_class_entry *tuma_ce_inbox;
static zend_class_entry *tuma_ce_journal;
static zend_class_entry *tuma_ce_callbacks;
static zend_class_entry *tuma_ce_utils;
static zend_class_entry *tuma_ce_exception;
static zend_class_entry *tuma_ce_invalid_input;
static zend_class_entry *tuma_ce_config;
static zend_class_entry *tuma_ce_authentication;
static zend_class_entry *tuma_ce_authorization;
static zend_class_entry *tuma_ce_api;
static zend_class_entry *tuma_ce_rate_limited;
static zend_class_entry *tuma_ce_network;
static zend_class_entry *tuma_ce_timeout;
static zend_class_entry *tuma_ce_decode;
static zend_class_entry *tuma_ce_invalid_callback;
static zend_class_entry *tuma_ce_store;
static zend_class_entry *tuma_ce_busy;

/* Error kind (libtuma's "kind") -> exception class. Built in MINIT, freed in MSHUTDOWN. */
static HashTable tuma_kind_classes;

/* Names of the exception's properties (interned in MINIT, released by the engine). */
static zend_string *tuma_str_kind, *tuma_str_provider, *tuma_str_status, *tuma_str_provider_code,
	*tuma_str_request_id, *tuma_str_field, *tuma_str_retry_after_ms, *tuma_str_outcome_unknown,
	*tuma_str_fate, *tuma_str_recovery, *tuma_str_client;

/*
 * Shared state across requests. libtuma's registry shares a Daraja token (and a UMS Pay
 * limiter) between the clients made with the same credentials only while one of them is
 * alive. In PHP the normal pattern is one client per request, so without help every
 * request would fetch a new token. The extension therefore keeps one "anchor" handle per
 * distinct configuration (keyed by a SHA-256 of it, at most TUMA_MAX_ANCHORS) for the
 * life of the worker: the table is set up in MINIT and every anchor is released in
 * MSHUTDOWN. Anchors are never used for calls; each Tuma\Client owns its own handle.
 */
#define TUMA_MAX_ANCHORS 32
static HashTable tuma_anchors;
#ifdef ZTS
static MUTEX_T tuma_anchors_lock;
#define TUMA_ANCHORS_LOCK() tsrm_mutex_lock(tuma_anchors_lock)
#define TUMA_ANCHORS_UNLOCK() tsrm_mutex_unlock(tuma_anchors_lock)
#else
#define TUMA_ANCHORS_LOCK()
#define TUMA_ANCHORS_UNLOCK()
#endif

static void tuma_anchor_dtor(zval *zv)
{
	tuma_client_free((tuma_client *)Z_PTR_P(zv));
}

/*
 * Keeps the shared state of a configuration alive for the worker: `source` is the
 * configuration JSON (from_env: NULL, the TUMA_* environment is the key). Called after a
 * client was made successfully from the same source, so making the anchor cannot fail in
 * a way that matters; if it does, nothing is kept.
 */
static void tuma_keep_shared_state(const char *json)
{
	PHP_SHA256_CTX ctx;
	unsigned char digest[32];
	tuma_client *anchor = NULL;

	PHP_SHA256Init(&ctx);
	if (json) {
		PHP_SHA256Update(&ctx, (const unsigned char *)"config", sizeof("config"));
		PHP_SHA256Update(&ctx, (const unsigned char *)json, strlen(json));
	} else {
		extern char **environ;
		PHP_SHA256Update(&ctx, (const unsigned char *)"env", sizeof("env"));
		for (char **e = environ; e && *e; e++) {
			if (strncmp(*e, "TUMA_", 5) == 0) {
				PHP_SHA256Update(&ctx, (const unsigned char *)*e, strlen(*e) + 1);
			}
		}
	}
	PHP_SHA256Final(digest, &ctx);

	TUMA_ANCHORS_LOCK();
	if (!zend_hash_str_exists(&tuma_anchors, (const char *)digest, sizeof(digest))
		&& zend_hash_num_elements(&tuma_anchors) < TUMA_MAX_ANCHORS) {
		tuma_result result = json ? tuma_client_new(json, &anchor) : tuma_client_from_env(&anchor);
		if (result == TUMA_RESULT_OK) {
			zend_hash_str_add_new_ptr(&tuma_anchors, (const char *)digest, sizeof(digest), anchor);
		} else {
			tuma_last_error_clear();
		}
	}
	TUMA_ANCHORS_UNLOCK();
}

/* ---------------------------------------------------------------- Tuma\Client objects */

typedef struct {
	tuma_client *handle; /* owned; NULL until the constructor succeeds */
	zend_object std;
} tuma_client_object;

static zend_object_handlers tuma_client_handlers;

static inline tuma_client_object *tuma_client_from_obj(zend_object *obj)
{
	return (tuma_client_object *)((char *)obj - XtOffsetOf(tuma_client_object, std));
}

static zend_object *tuma_client_create(zend_class_entry *ce)
{
	tuma_client_object *intern = zend_object_alloc(sizeof(tuma_client_object), ce);
	intern->handle = NULL;
	zend_object_std_init(&intern->std, ce);
	object_properties_init(&intern->std, ce);
	intern->std.handlers = &tuma_client_handlers;
	return &intern->std;
}

static void tuma_client_free_obj(zend_object *obj)
{
	tuma_client_object *intern = tuma_client_from_obj(obj);
	if (intern->handle) {
		tuma_client_free(intern->handle);
		intern->handle = NULL;
	}
	zend_object_std_dtor(obj);
}

/* ---------------------------------------------------------------- exceptions */

/* Everything a Tuma\Exception carries, in the order of its constructor. */
typedef struct {
	zend_string *message;
	zend_string *kind;
	zend_long result;
	zend_string *provider;     /* NULL: null */
	bool has_status;
	zend_long status;
	zend_string *provider_code; /* NULL: null */
	zend_string *request_id;    /* NULL: null */
	zend_string *field;         /* NULL: null */
	bool has_retry_after_ms;
	zend_long retry_after_ms;
	bool outcome_unknown;
	zend_string *fate;          /* NULL: "unknown" when outcome_unknown, else "not_sent" */
	zval *recovery;             /* an array, or NULL: null */
} tuma_error_detail;

static void tuma_set_str_or_null(zend_object *obj, zend_string *name, zend_string *value)
{
	zval zv;
	if (value) {
		ZVAL_STR(&zv, value);
	} else {
		ZVAL_NULL(&zv);
	}
	zend_update_property_ex(tuma_ce_exception, obj, name, &zv);
}

static void tuma_set_long_or_null(zend_object *obj, zend_string *name, bool has, zend_long value)
{
	zval zv;
	if (has) {
		ZVAL_LONG(&zv, value);
	} else {
		ZVAL_NULL(&zv);
	}
	zend_update_property_ex(tuma_ce_exception, obj, name, &zv);
}

/* Initialises a Tuma\Exception (or subclass) object, as its constructor does. */
static void tuma_exception_fill(zend_object *obj, const tuma_error_detail *d)
{
	zval zv;
	ZVAL_STR(&zv, d->message);
	zend_update_property_ex(zend_ce_exception, obj, ZSTR_KNOWN(ZEND_STR_MESSAGE), &zv);
	ZVAL_LONG(&zv, d->result);
	zend_update_property_ex(zend_ce_exception, obj, ZSTR_KNOWN(ZEND_STR_CODE), &zv);
	ZVAL_STR(&zv, d->kind);
	zend_update_property_ex(tuma_ce_exception, obj, tuma_str_kind, &zv);
	tuma_set_str_or_null(obj, tuma_str_provider, d->provider);
	tuma_set_long_or_null(obj, tuma_str_status, d->has_status, d->status);
	tuma_set_str_or_null(obj, tuma_str_provider_code, d->provider_code);
	tuma_set_str_or_null(obj, tuma_str_request_id, d->request_id);
	tuma_set_str_or_null(obj, tuma_str_field, d->field);
	tuma_set_long_or_null(obj, tuma_str_retry_after_ms, d->has_retry_after_ms, d->retry_after_ms);
	ZVAL_BOOL(&zv, d->outcome_unknown);
	zend_update_property_ex(tuma_ce_exception, obj, tuma_str_outcome_unknown, &zv);
	/* As the FFI wrapper's constructor: $fate ?? ($outcomeUnknown ? 'unknown' : 'not_sent'). */
	zend_string *fate = d->fate ? zend_string_copy(d->fate) : d->outcome_unknown
		? zend_string_init("unknown", sizeof("unknown") - 1, 0)
		: zend_string_init("not_sent", sizeof("not_sent") - 1, 0);
	ZVAL_STR(&zv, fate);
	zend_update_property_ex(tuma_ce_exception, obj, tuma_str_fate, &zv);
	zend_string_release(fate);
	if (d->recovery) {
		zend_update_property_ex(tuma_ce_exception, obj, tuma_str_recovery, d->recovery);
	} else {
		ZVAL_NULL(&zv);
		zend_update_property_ex(tuma_ce_exception, obj, tuma_str_recovery, &zv);
	}
}

/* A string member of $detail, or NULL (borrowed). */
static zend_string *tuma_detail_str(HashTable *detail, const char *key)
{
	zval *v = detail ? zend_hash_str_find_deref(detail, key, strlen(key)) : NULL;
	return (v && Z_TYPE_P(v) == IS_STRING) ? Z_STR_P(v) : NULL;
}

/* Member of $detail cast as the FFI wrapper casts it: isset($d[k]) ? (T) $d[k] : null. */
static zval *tuma_detail_isset(HashTable *detail, const char *key)
{
	zval *v = detail ? zend_hash_str_find_deref(detail, key, strlen(key)) : NULL;
	return (v && Z_TYPE_P(v) != IS_NULL) ? v : NULL;
}

/*
 * Exception::fromDetail(): the exception for libtuma's last-error JSON $detail, of the class
 * of its kind. Writes the new object into *out.
 */
static void tuma_exception_from_detail(zval *out, zend_long result, zend_string *message, HashTable *detail)
{
	tuma_error_detail d = {0};
	zend_string *kind = tuma_detail_str(detail, "kind");
	zend_class_entry *ce = NULL;
	zval *v;

	d.message = message;
	d.result = result;
	d.kind = kind ? zend_string_copy(kind) : zend_string_init("internal", sizeof("internal") - 1, 0);
	ce = zend_hash_find_ptr(&tuma_kind_classes, d.kind);
	if (!ce) {
		ce = tuma_ce_exception;
	}
	d.provider = tuma_detail_str(detail, "provider");
	if ((v = tuma_detail_isset(detail, "status"))) {
		d.has_status = 1;
		d.status = zval_get_long(v);
	}
	if ((v = tuma_detail_isset(detail, "code"))) {
		d.provider_code = zval_get_string(v);
	}
	d.request_id = tuma_detail_str(detail, "request_id");
	d.field = tuma_detail_str(detail, "field");
	if ((v = tuma_detail_isset(detail, "retry_after_ms"))) {
		d.has_retry_after_ms = 1;
		d.retry_after_ms = zval_get_long(v);
	}
	v = detail ? zend_hash_str_find_deref(detail, "outcome_unknown", sizeof("outcome_unknown") - 1) : NULL;
	d.outcome_unknown = v ? zend_is_true(v) : 0;
	if ((v = tuma_detail_isset(detail, "fate"))) {
		d.fate = zval_get_string(v);
	}
	v = detail ? zend_hash_str_find_deref(detail, "recovery", sizeof("recovery") - 1) : NULL;
	d.recovery = (v && Z_TYPE_P(v) == IS_ARRAY) ? v : NULL;

	object_init_ex(out, ce);
	tuma_exception_fill(Z_OBJ_P(out), &d);

	zend_string_release(d.kind);
	if (d.provider_code) {
		zend_string_release(d.provider_code);
	}
	if (d.fate) {
		zend_string_release(d.fate);
	}
}

/* Throws the exception for a failed libtuma call, from this thread's last error. */
static void tuma_throw_last_error(tuma_result result)
{
	char *json = NULL;
	zval detail, ex;
	zend_string *message;

	ZVAL_NULL(&detail);
	if (tuma_last_error_json(&json) == TUMA_RESULT_OK && json) {
		php_json_decode_ex(&detail, json, strlen(json), PHP_JSON_OBJECT_AS_ARRAY, TUMA_JSON_DEPTH);
		tuma_string_free(json);
	}
	HashTable *ht = Z_TYPE(detail) == IS_ARRAY ? Z_ARRVAL(detail) : NULL;
	zend_string *text = tuma_detail_str(ht, "message");
	message = text ? zend_string_copy(text) : zend_string_init(tuma_result_message(result), strlen(tuma_result_message(result)), 0);

	tuma_exception_from_detail(&ex, (zend_long)result, message, ht);
	zend_throw_exception_object(&ex);

	zend_string_release(message);
	zval_ptr_dtor(&detail);
}

/* Throws InvalidInputException (result 103) naming $field, before anything is sent. */
static void tuma_throw_invalid_input(const char *field, zend_string *message)
{
	tuma_error_detail d = {0};
	zval ex;
	d.message = message;
	d.kind = zend_string_init("invalid_input", sizeof("invalid_input") - 1, 0);
	d.result = TUMA_RESULT_INVALID_INPUT;
	d.field = zend_string_init(field, strlen(field), 0);
	object_init_ex(&ex, tuma_ce_invalid_input);
	tuma_exception_fill(Z_OBJ(ex), &d);
	zend_throw_exception_object(&ex);
	zend_string_release(d.kind);
	zend_string_release(d.field);
}

/* ---------------------------------------------------------------- JSON in and out */

/* json_last_error_msg()'s texts (ext/json keeps its table private). */
static const char *tuma_json_error_message(php_json_error_code code)
{
	switch (code) {
		case PHP_JSON_ERROR_DEPTH: return "Maximum stack depth exceeded";
		case PHP_JSON_ERROR_STATE_MISMATCH: return "State mismatch (invalid or malformed JSON)";
		case PHP_JSON_ERROR_CTRL_CHAR: return "Control character error, possibly incorrectly encoded";
		case PHP_JSON_ERROR_SYNTAX: return "Syntax error";
		case PHP_JSON_ERROR_UTF8: return "Malformed UTF-8 characters, possibly incorrectly encoded";
		case PHP_JSON_ERROR_RECURSION: return "Recursion detected";
		case PHP_JSON_ERROR_INF_OR_NAN: return "Inf and NaN cannot be JSON encoded";
		case PHP_JSON_ERROR_UNSUPPORTED_TYPE: return "Type is not supported";
		case PHP_JSON_ERROR_INVALID_PROPERTY_NAME: return "The decoded property name is invalid";
		case PHP_JSON_ERROR_UTF16: return "Single unpaired UTF-16 surrogate in unicode escape";
		case PHP_JSON_ERROR_NON_BACKED_ENUM: return "Non-backed enums have no default serialization";
		default: return "Unknown error";
	}
}

/*
 * Encodes a request array as the JSON object libtuma takes ([] is "{}"), exactly as the FFI
 * wrapper's json_encode call does. Returns NULL with an exception thrown on failure.
 * json_last_error() is left as it was.
 */
static zend_string *tuma_encode(zval *request)
{
	smart_str buf = {0};
	php_json_error_code saved, error;
	zend_result status;

	if (!request || zend_hash_num_elements(Z_ARRVAL_P(request)) == 0) {
		return zend_string_init("{}", 2, 0);
	}
	saved = JSON_G(error_code);
	JSON_G(error_code) = PHP_JSON_ERROR_NONE;
	status = php_json_encode_ex(&buf, request, TUMA_JSON_ENCODE_FLAGS, TUMA_JSON_DEPTH);
	error = JSON_G(error_code);
	JSON_G(error_code) = saved;
	if (EG(exception)) { /* thrown by a JsonSerializable in the request */
		smart_str_free(&buf);
		return NULL;
	}
	if (status == FAILURE || error != PHP_JSON_ERROR_NONE) {
		smart_str_free(&buf);
		zend_string *message = zend_strpprintf(0, "request cannot be encoded as JSON: %s", tuma_json_error_message(error));
		tuma_throw_invalid_input("request", message);
		zend_string_release(message);
		return NULL;
	}
	smart_str_0(&buf);
	return buf.s;
}

/*
 * Finishes a libtuma call whose result went to *out: decodes it into return_value (as
 * json_decode($json, true, 512, JSON_THROW_ON_ERROR)) and frees it, or throws the error.
 */
static void tuma_finish(tuma_result result, char *out, zval *return_value)
{
	if (result != TUMA_RESULT_OK) {
		tuma_throw_last_error(result);
		return;
	}
	if (!out) { /* not reachable with a correct libtuma: OK always writes the result */
		zend_throw_error(NULL, "libtuma returned no result");
		return;
	}
	php_json_decode_ex(return_value, out, strlen(out), PHP_JSON_OBJECT_AS_ARRAY | PHP_JSON_THROW_ON_ERROR, TUMA_JSON_DEPTH);
	tuma_string_free(out);
}

/* A name passed to libtuma as a C string: one with a NUL byte is refused, naming $field. */
static bool tuma_check_name(zend_string *name, const char *field)
{
	if (memchr(ZSTR_VAL(name), '\0', ZSTR_LEN(name))) {
		zend_string *message = zend_strpprintf(0, "%s must not contain NUL bytes", field);
		tuma_throw_invalid_input(field, message);
		zend_string_release(message);
		return 0;
	}
	return 1;
}

/* Runs operation `op` on a client with a request array (NULL: {}). */
static void tuma_run_operation(tuma_client *handle, const char *op, zval *request, zval *return_value)
{
	char *out = NULL;
	zend_string *json = tuma_encode(request);
	if (!json) {
		return;
	}
	tuma_result result = tuma_client_call(handle, op, ZSTR_VAL(json), &out);
	zend_string_release(json);
	tuma_finish(result, out, return_value);
}

/* Runs a list function (tuma_operations, tuma_callback_kinds, tuma_utilities). */
static void tuma_run_list(tuma_result (*list)(char **), zval *return_value)
{
	char *out = NULL;
	tuma_result result = list(&out);
	tuma_finish(result, out, return_value);
}

/*
 * Parses the `array $request` parameter, required or optional (ZPP must not be told that a
 * required parameter is optional: its assertions make that undefined behaviour).
 */
#define TUMA_PARSE_REQUEST(request, required) \
	if (required) { \
		ZEND_PARSE_PARAMETERS_START(1, 1) \
			Z_PARAM_ARRAY(request) \
		ZEND_PARSE_PARAMETERS_END(); \
	} else { \
		ZEND_PARSE_PARAMETERS_START(0, 1) \
			Z_PARAM_OPTIONAL \
			Z_PARAM_ARRAY(request) \
		ZEND_PARSE_PARAMETERS_END(); \
	}

/* ---------------------------------------------------------------- Tuma\Client */

/* The live libtuma handle of a Tuma\Client, or NULL with an Error thrown. */
static tuma_client *tuma_client_handle(zend_object *obj)
{
	tuma_client *handle = tuma_client_from_obj(obj)->handle;
	if (!handle) {
		zend_throw_error(NULL, "Tuma\\Client is not initialised: its constructor did not run or failed");
	}
	return handle;
}

ZEND_METHOD(Tuma_Client, __construct)
{
	zval *config;
	tuma_client *handle = NULL;
	tuma_client_object *intern = tuma_client_from_obj(Z_OBJ_P(ZEND_THIS));

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY(config)
	ZEND_PARSE_PARAMETERS_END();

	if (intern->handle) {
		zend_throw_error(NULL, "Tuma\\Client is already initialised");
		RETURN_THROWS();
	}
	zend_string *json = tuma_encode(config);
	if (!json) {
		RETURN_THROWS();
	}
	tuma_result result = tuma_client_new(ZSTR_VAL(json), &handle);
	if (result != TUMA_RESULT_OK) {
		zend_string_release(json);
		tuma_throw_last_error(result);
		RETURN_THROWS();
	}
	intern->handle = handle;
	tuma_keep_shared_state(ZSTR_VAL(json));
	zend_string_release(json);
}

ZEND_METHOD(Tuma_Client, fromEnv)
{
	tuma_client *handle = NULL;
	ZEND_PARSE_PARAMETERS_NONE();

	tuma_result result = tuma_client_from_env(&handle);
	if (result != TUMA_RESULT_OK) {
		tuma_throw_last_error(result);
		RETURN_THROWS();
	}
	object_init_ex(return_value, tuma_ce_client);
	tuma_client_from_obj(Z_OBJ_P(return_value))->handle = handle;
	tuma_keep_shared_state(NULL);
}

/* A provider object (Statum, Daraja...) holding this client in its readonly $client. */
static void tuma_new_provider(zend_class_entry *ce, zend_object *client, zval *return_value)
{
	object_init_ex(return_value, ce);
	zval *slot = OBJ_PROP_NUM(Z_OBJ_P(return_value), 0); /* Provider::$client, its only property */
	ZVAL_OBJ_COPY(slot, client);
	Z_PROP_FLAG_P(slot) &= ~IS_PROP_UNINIT;
}

#define TUMA_PROVIDER_GETTER(method, ce) \
	ZEND_METHOD(Tuma_Client, method) \
	{ \
		ZEND_PARSE_PARAMETERS_NONE(); \
		if (!tuma_client_handle(Z_OBJ_P(ZEND_THIS))) { \
			RETURN_THROWS(); \
		} \
		tuma_new_provider(ce, Z_OBJ_P(ZEND_THIS), return_value); \
	}

TUMA_PROVIDER_GETTER(statum, tuma_ce_statum)
TUMA_PROVIDER_GETTER(daraja, tuma_ce_daraja)
TUMA_PROVIDER_GETTER(umspay, tuma_ce_umspay)
TUMA_PROVIDER_GETTER(callbacks, tuma_ce_inbox)
TUMA_PROVIDER_GETTER(journal, tuma_ce_journal)

ZEND_METHOD(Tuma_Client, call)
{
	zend_string *operation;
	zval *request = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(operation)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY(request)
	ZEND_PARSE_PARAMETERS_END();

	tuma_client *handle = tuma_client_handle(Z_OBJ_P(ZEND_THIS));
	if (!handle || !tuma_check_name(operation, "operation")) {
		RETURN_THROWS();
	}
	tuma_run_operation(handle, ZSTR_VAL(operation), request, return_value);
}

ZEND_METHOD(Tuma_Client, operations)
{
	ZEND_PARSE_PARAMETERS_NONE();
	tuma_run_list(tuma_operations, return_value);
}

ZEND_METHOD(Tuma_Client, version)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STRING(tuma_version());
}

/* ---------------------------------------------------------------- providers */

ZEND_METHOD(Tuma_Provider, __construct)
{
	zval *client;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJECT_OF_CLASS(client, tuma_ce_client)
	ZEND_PARSE_PARAMETERS_END();
	/* Readonly: a second call throws "Cannot modify readonly property". */
	zend_update_property_ex(tuma_ce_provider, Z_OBJ_P(ZEND_THIS), tuma_str_client, client);
}

/* One provider method: `array $request` (required or `= []`) to operation `op`. */
static zend_always_inline void tuma_provider_call(INTERNAL_FUNCTION_PARAMETERS, const char *op, bool required)
{
	zval *request = NULL;

	TUMA_PARSE_REQUEST(request, required)

	zval *client = OBJ_PROP_NUM(Z_OBJ_P(ZEND_THIS), 0);
	if (Z_TYPE_P(client) != IS_OBJECT) {
		zend_throw_error(NULL, "Typed property %s::$client must not be accessed before initialization",
			ZSTR_VAL(Z_OBJCE_P(ZEND_THIS)->name));
		RETURN_THROWS();
	}
	tuma_client *handle = tuma_client_handle(Z_OBJ_P(client));
	if (!handle) {
		RETURN_THROWS();
	}
	tuma_run_operation(handle, op, request, return_value);
}

#define TUMA_OPERATION(cls, method, op, required) \
	ZEND_METHOD(cls, method) \
	{ \
		tuma_provider_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, op, required); \
	}

/* BEGIN GENERATED by tuma-gen (make gen): operations */
TUMA_OPERATION(Tuma_Statum, sendSms, "statum.send_sms", 0)
TUMA_OPERATION(Tuma_Statum, airtime, "statum.airtime", 0)
TUMA_OPERATION(Tuma_Statum, accountDetails, "statum.account_details", 0)

TUMA_OPERATION(Tuma_Inbox, receive, "callbacks.receive", 0)
TUMA_OPERATION(Tuma_Inbox, complete, "callbacks.complete", 0)
TUMA_OPERATION(Tuma_Inbox, release, "callbacks.release", 0)
TUMA_OPERATION(Tuma_Inbox, firstTime, "callbacks.first_time", 0)

TUMA_OPERATION(Tuma_Daraja, stkPush, "daraja.stk_push", 0)
TUMA_OPERATION(Tuma_Daraja, stkQuery, "daraja.stk_query", 0)
TUMA_OPERATION(Tuma_Daraja, confirmStkPayment, "daraja.confirm_stk_payment", 0)
TUMA_OPERATION(Tuma_Daraja, c2bRegisterUrls, "daraja.c2b_register_urls", 0)
TUMA_OPERATION(Tuma_Daraja, c2bSimulate, "daraja.c2b_simulate", 0)
TUMA_OPERATION(Tuma_Daraja, b2c, "daraja.b2c", 0)
TUMA_OPERATION(Tuma_Daraja, b2b, "daraja.b2b", 0)
TUMA_OPERATION(Tuma_Daraja, transactionStatus, "daraja.transaction_status", 0)
TUMA_OPERATION(Tuma_Daraja, accountBalance, "daraja.account_balance", 0)
TUMA_OPERATION(Tuma_Daraja, reversal, "daraja.reversal", 0)
TUMA_OPERATION(Tuma_Daraja, dynamicQr, "daraja.dynamic_qr", 0)

TUMA_OPERATION(Tuma_UmsPay, stkPush, "umspay.stk_push", 0)
TUMA_OPERATION(Tuma_UmsPay, transactionStatus, "umspay.transaction_status", 0)
TUMA_OPERATION(Tuma_UmsPay, waitForStatus, "umspay.wait_for_status", 0)
TUMA_OPERATION(Tuma_UmsPay, confirmPayment, "umspay.confirm_payment", 0)

TUMA_OPERATION(Tuma_Daraja, b2cTopup, "daraja.b2c_topup", 0)
TUMA_OPERATION(Tuma_Daraja, b2pochi, "daraja.b2pochi", 0)
TUMA_OPERATION(Tuma_Daraja, remitTax, "daraja.remit_tax", 0)
TUMA_OPERATION(Tuma_Daraja, b2bExpressCheckout, "daraja.b2b_express_checkout", 0)
TUMA_OPERATION(Tuma_Daraja, pullRegister, "daraja.pull_register", 0)
TUMA_OPERATION(Tuma_Daraja, pullTransactions, "daraja.pull_transactions", 0)
TUMA_OPERATION(Tuma_Daraja, ratibaCreate, "daraja.ratiba_create", 0)
TUMA_OPERATION(Tuma_Daraja, billOptin, "daraja.bill_optin", 0)
TUMA_OPERATION(Tuma_Daraja, billChangeOptin, "daraja.bill_change_optin", 0)
TUMA_OPERATION(Tuma_Daraja, billInvoice, "daraja.bill_invoice", 0)
TUMA_OPERATION(Tuma_Daraja, billInvoices, "daraja.bill_invoices", 0)
TUMA_OPERATION(Tuma_Daraja, billCancelInvoice, "daraja.bill_cancel_invoice", 0)
TUMA_OPERATION(Tuma_Daraja, billCancelInvoices, "daraja.bill_cancel_invoices", 0)
TUMA_OPERATION(Tuma_Daraja, billReconciliation, "daraja.bill_reconciliation", 0)

TUMA_OPERATION(Tuma_Journal, reconcile, "journal.reconcile", 0)
/* END GENERATED: operations */

/* ---------------------------------------------------------------- Tuma\Callbacks */

static void tuma_parse(const char *kind, zend_string *body, zval *return_value)
{
	char *out = NULL;
	tuma_result result = tuma_parse_callback(kind, (const uint8_t *)ZSTR_VAL(body), ZSTR_LEN(body), &out);
	tuma_finish(result, out, return_value);
}

ZEND_METHOD(Tuma_Callbacks, parse)
{
	zend_string *kind, *body;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(kind)
		Z_PARAM_STR(body)
	ZEND_PARSE_PARAMETERS_END();
	if (!tuma_check_name(kind, "kind")) {
		RETURN_THROWS();
	}
	tuma_parse(ZSTR_VAL(kind), body, return_value);
}

ZEND_METHOD(Tuma_Callbacks, kinds)
{
	ZEND_PARSE_PARAMETERS_NONE();
	tuma_run_list(tuma_callback_kinds, return_value);
}

#define TUMA_CALLBACK(method, kind) \
	ZEND_METHOD(Tuma_Callbacks, method) \
	{ \
		zend_string *body; \
		ZEND_PARSE_PARAMETERS_START(1, 1) \
			Z_PARAM_STR(body) \
		ZEND_PARSE_PARAMETERS_END(); \
		tuma_parse(kind, body, return_value); \
	}

/* BEGIN GENERATED by tuma-gen (make gen): callback kinds */
TUMA_CALLBACK(statumResult, "statum.result")
TUMA_CALLBACK(statumAirtimeResult, "statum.airtime_result")
TUMA_CALLBACK(darajaStkCallback, "daraja.stk_callback")
TUMA_CALLBACK(darajaResult, "daraja.result")
TUMA_CALLBACK(darajaC2BValidation, "daraja.c2b_validation")
TUMA_CALLBACK(darajaC2BConfirmation, "daraja.c2b_confirmation")
TUMA_CALLBACK(darajaQueueTimeout, "daraja.queue_timeout")
TUMA_CALLBACK(umspayWebhook, "umspay.webhook")
TUMA_CALLBACK(darajaB2bExpressCallback, "daraja.b2b_express_callback")
TUMA_CALLBACK(darajaRatibaCallback, "daraja.ratiba_callback")
TUMA_CALLBACK(darajaBillPayment, "daraja.bill_payment")
/* END GENERATED: callback kinds */

/* ---------------------------------------------------------------- Tuma\Utils */

static void tuma_run_utility(const char *name, zval *request, zval *return_value)
{
	char *out = NULL;
	zend_string *json = tuma_encode(request);
	if (!json) {
		return;
	}
	tuma_result result = tuma_utility(name, ZSTR_VAL(json), &out);
	zend_string_release(json);
	tuma_finish(result, out, return_value);
}

ZEND_METHOD(Tuma_Utils, run)
{
	zend_string *name;
	zval *request;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(name)
		Z_PARAM_ARRAY(request)
	ZEND_PARSE_PARAMETERS_END();
	if (!tuma_check_name(name, "name")) {
		RETURN_THROWS();
	}
	tuma_run_utility(ZSTR_VAL(name), request, return_value);
}

ZEND_METHOD(Tuma_Utils, names)
{
	ZEND_PARSE_PARAMETERS_NONE();
	tuma_run_list(tuma_utilities, return_value);
}

#define TUMA_UTILITY(method, name, required) \
	ZEND_METHOD(Tuma_Utils, method) \
	{ \
		zval *request = NULL; \
		TUMA_PARSE_REQUEST(request, required) \
		tuma_run_utility(name, request, return_value); \
	}

/* BEGIN GENERATED by tuma-gen (make gen): utilities */
TUMA_UTILITY(phoneNormalize, "phone.normalize", 0)
TUMA_UTILITY(darajaStkPassword, "daraja.stk_password", 0)
TUMA_UTILITY(darajaTimestamp, "daraja.timestamp", 0)
TUMA_UTILITY(darajaSecurityCredential, "daraja.security_credential", 0)
TUMA_UTILITY(darajaC2BAccept, "daraja.c2b_accept", 0)
TUMA_UTILITY(darajaC2BReject, "daraja.c2b_reject", 0)
TUMA_UTILITY(darajaC2BConfirmationAck, "daraja.c2b_confirmation_ack", 0)
TUMA_UTILITY(darajaBillPaymentAck, "daraja.bill_payment_ack", 0)
/* END GENERATED: utilities */

/* ---------------------------------------------------------------- Tuma\Exception */

ZEND_METHOD(Tuma_Exception, __construct)
{
	tuma_error_detail d = {0};
	bool status_null = 1, retry_null = 1;

	ZEND_PARSE_PARAMETERS_START(2, 12)
		Z_PARAM_STR(d.message)
		Z_PARAM_STR(d.kind)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(d.result)
		Z_PARAM_STR_OR_NULL(d.provider)
		Z_PARAM_LONG_OR_NULL(d.status, status_null)
		Z_PARAM_STR_OR_NULL(d.provider_code)
		Z_PARAM_STR_OR_NULL(d.request_id)
		Z_PARAM_STR_OR_NULL(d.field)
		Z_PARAM_LONG_OR_NULL(d.retry_after_ms, retry_null)
		Z_PARAM_BOOL(d.outcome_unknown)
		Z_PARAM_STR_OR_NULL(d.fate)
		Z_PARAM_ARRAY_OR_NULL(d.recovery)
	ZEND_PARSE_PARAMETERS_END();

	d.has_status = !status_null;
	d.has_retry_after_ms = !retry_null;
	tuma_exception_fill(Z_OBJ_P(ZEND_THIS), &d);
}

ZEND_METHOD(Tuma_Exception, kinds)
{
	ZEND_PARSE_PARAMETERS_NONE();
	tuma_run_list(tuma_error_kinds, return_value);
}

ZEND_METHOD(Tuma_Exception, fromDetail)
{
	zend_long result;
	zend_string *message;
	HashTable *detail;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_LONG(result)
		Z_PARAM_STR(message)
		Z_PARAM_ARRAY_HT(detail)
	ZEND_PARSE_PARAMETERS_END();

	tuma_exception_from_detail(return_value, result, message, detail);
}

/* ---------------------------------------------------------------- module */

static void tuma_map_kind(const char *kind, zend_class_entry *ce)
{
	zend_hash_str_add_new_ptr(&tuma_kind_classes, kind, strlen(kind), ce);
}

static zend_string *tuma_intern(const char *s)
{
	return zend_string_init_interned(s, strlen(s), 1);
}

PHP_MINIT_FUNCTION(tuma)
{
	/* The header this was built with and the library it runs with must agree. */
	if (strcmp(tuma_version(), TUMA_VERSION) != 0) {
		php_error_docref(NULL, E_CORE_WARNING, "tuma: built for libtuma %s but running with %s",
			TUMA_VERSION, tuma_version());
		return FAILURE;
	}

	tuma_ce_client = register_class_Tuma_Client();
	tuma_ce_client->create_object = tuma_client_create;
	memcpy(&tuma_client_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	tuma_client_handlers.offset = XtOffsetOf(tuma_client_object, std);
	tuma_client_handlers.free_obj = tuma_client_free_obj;
	tuma_client_handlers.clone_obj = NULL; /* one owner per libtuma handle */

	tuma_ce_provider = register_class_Tuma_Provider();
	tuma_ce_statum = register_class_Tuma_Statum(tuma_ce_provider);
	tuma_ce_daraja = register_class_Tuma_Daraja(tuma_ce_provider);
	tuma_ce_umspay = register_class_Tuma_UmsPay(tuma_ce_provider);
	tuma_ce_inbox = register_class_Tuma_Inbox(tuma_ce_provider);
	tuma_ce_journal = register_class_Tuma_Journal(tuma_ce_provider);
	tuma_ce_callbacks = register_class_Tuma_Callbacks();
	tuma_ce_utils = register_class_Tuma_Utils();

	tuma_ce_exception = register_class_Tuma_Exception(spl_ce_RuntimeException);
	tuma_ce_invalid_input = register_class_Tuma_InvalidInputException(tuma_ce_exception);
	tuma_ce_config = register_class_Tuma_ConfigException(tuma_ce_exception);
	tuma_ce_authentication = register_class_Tuma_AuthenticationException(tuma_ce_exception);
	tuma_ce_authorization = register_class_Tuma_AuthorizationException(tuma_ce_exception);
	tuma_ce_api = register_class_Tuma_ApiException(tuma_ce_exception);
	tuma_ce_rate_limited = register_class_Tuma_RateLimitedException(tuma_ce_exception);
	tuma_ce_network = register_class_Tuma_NetworkException(tuma_ce_exception);
	tuma_ce_timeout = register_class_Tuma_TimeoutException(tuma_ce_exception);
	tuma_ce_decode = register_class_Tuma_DecodeException(tuma_ce_exception);
	tuma_ce_invalid_callback = register_class_Tuma_InvalidCallbackException(tuma_ce_exception);
	tuma_ce_store = register_class_Tuma_StoreException(tuma_ce_exception);
	tuma_ce_busy = register_class_Tuma_BusyException(tuma_ce_exception);

	zend_hash_init(&tuma_anchors, 8, NULL, tuma_anchor_dtor, 1);
#ifdef ZTS
	tuma_anchors_lock = tsrm_mutex_alloc();
#endif

	/* The same table as the FFI wrapper's Exception::CLASSES; a test (086_ex_kinds.phpt)
	 * iterates libtuma's tuma_error_kinds() and wants each core kind here, with its own class. */
	zend_hash_init(&tuma_kind_classes, 16, NULL, NULL, 1);
	tuma_map_kind("invalid_input", tuma_ce_invalid_input);
	tuma_map_kind("null_parameter", tuma_ce_invalid_input);
	tuma_map_kind("invalid_utf8", tuma_ce_invalid_input);
	tuma_map_kind("malformed_json", tuma_ce_invalid_input);
	tuma_map_kind("config", tuma_ce_config);
	tuma_map_kind("authentication", tuma_ce_authentication);
	tuma_map_kind("authorization", tuma_ce_authorization);
	tuma_map_kind("api", tuma_ce_api);
	tuma_map_kind("rate_limited", tuma_ce_rate_limited);
	tuma_map_kind("network", tuma_ce_network);
	tuma_map_kind("timeout", tuma_ce_timeout);
	tuma_map_kind("decode", tuma_ce_decode);
	tuma_map_kind("invalid_callback", tuma_ce_invalid_callback);
	tuma_map_kind("store", tuma_ce_store);
	tuma_map_kind("busy", tuma_ce_busy);

	tuma_str_kind = tuma_intern("kind");
	tuma_str_provider = tuma_intern("provider");
	tuma_str_status = tuma_intern("status");
	tuma_str_provider_code = tuma_intern("providerCode");
	tuma_str_request_id = tuma_intern("requestId");
	tuma_str_field = tuma_intern("field");
	tuma_str_retry_after_ms = tuma_intern("retryAfterMs");
	tuma_str_outcome_unknown = tuma_intern("outcomeUnknown");
	tuma_str_fate = tuma_intern("fate");
	tuma_str_recovery = tuma_intern("recovery");
	tuma_str_client = tuma_intern("client");
	return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(tuma)
{
	zend_hash_destroy(&tuma_kind_classes);
	/* Releases the anchors, and with them the shared tokens and limiters no live client
	 * holds. (libtuma's de-duplication memory is the library's own process-wide state.) */
	zend_hash_destroy(&tuma_anchors);
#ifdef ZTS
	tsrm_mutex_free(tuma_anchors_lock);
#endif
	tuma_last_error_clear();
	return SUCCESS;
}

PHP_RSHUTDOWN_FUNCTION(tuma)
{
	/* No error detail outlives the request that caused it. */
	tuma_last_error_clear();
	return SUCCESS;
}

PHP_MINFO_FUNCTION(tuma)
{
	php_info_print_table_start();
	php_info_print_table_header(2, "tuma support", "enabled");
	php_info_print_table_row(2, "extension version", PHP_TUMA_VERSION);
	php_info_print_table_row(2, "libtuma version", tuma_version());
	php_info_print_table_row(2, "libtuma linking", "static");
	char kept[32];
	TUMA_ANCHORS_LOCK();
	snprintf(kept, sizeof(kept), "%u of %d", zend_hash_num_elements(&tuma_anchors), TUMA_MAX_ANCHORS);
	TUMA_ANCHORS_UNLOCK();
	php_info_print_table_row(2, "configurations sharing state across requests", kept);
	php_info_print_table_end();
}

static const zend_module_dep tuma_deps[] = {
	ZEND_MOD_REQUIRED("json")
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_REQUIRED("hash")
	ZEND_MOD_END
};

zend_module_entry tuma_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	tuma_deps,
	"tuma",
	NULL,
	PHP_MINIT(tuma),
	PHP_MSHUTDOWN(tuma),
	NULL,
	PHP_RSHUTDOWN(tuma),
	PHP_MINFO(tuma),
	PHP_TUMA_VERSION,
	STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_TUMA
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(tuma)
#endif
