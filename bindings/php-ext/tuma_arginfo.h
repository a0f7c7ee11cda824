/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 39b8767d07f2e5af24301e186c54b5fbc4505868 */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Tuma_Client___construct, 0, 0, 1)
	ZEND_ARG_TYPE_INFO(0, config, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_fromEnv, 0, 0, Tuma\\Client, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_statum, 0, 0, Tuma\\Statum, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_daraja, 0, 0, Tuma\\Daraja, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_umspay, 0, 0, Tuma\\\125msPay, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_callbacks, 0, 0, Tuma\\Inbox, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Client_journal, 0, 0, Tuma\\Journal, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Client_call, 0, 1, IS_ARRAY, 1)
	ZEND_ARG_TYPE_INFO(0, operation, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, request, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Client_operations, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Client_version, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Tuma_Provider___construct, 0, 0, 1)
	ZEND_ARG_OBJ_INFO(0, client, Tuma\\Client, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Statum_sendSms, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, request, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Statum_airtime arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Statum_accountDetails arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_stkPush arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_stkQuery arginfo_class_Tuma_Statum_sendSms

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Daraja_confirmStkPayment, 0, 0, IS_ARRAY, 1)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, request, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Daraja_c2bRegisterUrls arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_c2bSimulate arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_b2c arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_b2b arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_transactionStatus arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_accountBalance arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_reversal arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_dynamicQr arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_b2cTopup arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_b2pochi arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_remitTax arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_b2bExpressCheckout arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_pullRegister arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_pullTransactions arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_ratibaCreate arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billOptin arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billChangeOptin arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billInvoice arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billInvoices arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billCancelInvoice arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billCancelInvoices arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Daraja_billReconciliation arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_UmsPay_stkPush arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_UmsPay_transactionStatus arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_UmsPay_waitForStatus arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_UmsPay_confirmPayment arginfo_class_Tuma_Daraja_confirmStkPayment

#define arginfo_class_Tuma_Journal_reconcile arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Inbox_receive arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Inbox_complete arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Inbox_release arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Inbox_firstTime arginfo_class_Tuma_Statum_sendSms

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Callbacks_parse, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, kind, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Callbacks_kinds arginfo_class_Tuma_Client_operations

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Callbacks_statumResult, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Callbacks_statumAirtimeResult arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaStkCallback arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaResult arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaC2BValidation arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaC2BConfirmation arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaQueueTimeout arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_umspayWebhook arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaB2bExpressCallback arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaRatibaCallback arginfo_class_Tuma_Callbacks_statumResult

#define arginfo_class_Tuma_Callbacks_darajaBillPayment arginfo_class_Tuma_Callbacks_statumResult

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Tuma_Utils_run, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, request, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Utils_names arginfo_class_Tuma_Client_operations

#define arginfo_class_Tuma_Utils_phoneNormalize arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaStkPassword arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaTimestamp arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaSecurityCredential arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaC2BAccept arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaC2BReject arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaC2BConfirmationAck arginfo_class_Tuma_Statum_sendSms

#define arginfo_class_Tuma_Utils_darajaBillPaymentAck arginfo_class_Tuma_Statum_sendSms

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Tuma_Exception___construct, 0, 0, 2)
	ZEND_ARG_TYPE_INFO(0, message, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, kind, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, result, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, provider, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, status, IS_LONG, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, providerCode, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, requestId, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, field, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, retryAfterMs, IS_LONG, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, outcomeUnknown, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, fate, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, recovery, IS_ARRAY, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Tuma_Exception_fromDetail, 0, 3, Tuma\\Exception, 0)
	ZEND_ARG_TYPE_INFO(0, result, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, message, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, detail, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Tuma_Exception_kinds arginfo_class_Tuma_Client_operations


ZEND_METHOD(Tuma_Client, __construct);
ZEND_METHOD(Tuma_Client, fromEnv);
ZEND_METHOD(Tuma_Client, statum);
ZEND_METHOD(Tuma_Client, daraja);
ZEND_METHOD(Tuma_Client, umspay);
ZEND_METHOD(Tuma_Client, callbacks);
ZEND_METHOD(Tuma_Client, journal);
ZEND_METHOD(Tuma_Client, call);
ZEND_METHOD(Tuma_Client, operations);
ZEND_METHOD(Tuma_Client, version);
ZEND_METHOD(Tuma_Provider, __construct);
ZEND_METHOD(Tuma_Statum, sendSms);
ZEND_METHOD(Tuma_Statum, airtime);
ZEND_METHOD(Tuma_Statum, accountDetails);
ZEND_METHOD(Tuma_Daraja, stkPush);
ZEND_METHOD(Tuma_Daraja, stkQuery);
ZEND_METHOD(Tuma_Daraja, confirmStkPayment);
ZEND_METHOD(Tuma_Daraja, c2bRegisterUrls);
ZEND_METHOD(Tuma_Daraja, c2bSimulate);
ZEND_METHOD(Tuma_Daraja, b2c);
ZEND_METHOD(Tuma_Daraja, b2b);
ZEND_METHOD(Tuma_Daraja, transactionStatus);
ZEND_METHOD(Tuma_Daraja, accountBalance);
ZEND_METHOD(Tuma_Daraja, reversal);
ZEND_METHOD(Tuma_Daraja, dynamicQr);
ZEND_METHOD(Tuma_Daraja, b2cTopup);
ZEND_METHOD(Tuma_Daraja, b2pochi);
ZEND_METHOD(Tuma_Daraja, remitTax);
ZEND_METHOD(Tuma_Daraja, b2bExpressCheckout);
ZEND_METHOD(Tuma_Daraja, pullRegister);
ZEND_METHOD(Tuma_Daraja, pullTransactions);
ZEND_METHOD(Tuma_Daraja, ratibaCreate);
ZEND_METHOD(Tuma_Daraja, billOptin);
ZEND_METHOD(Tuma_Daraja, billChangeOptin);
ZEND_METHOD(Tuma_Daraja, billInvoice);
ZEND_METHOD(Tuma_Daraja, billInvoices);
ZEND_METHOD(Tuma_Daraja, billCancelInvoice);
ZEND_METHOD(Tuma_Daraja, billCancelInvoices);
ZEND_METHOD(Tuma_Daraja, billReconciliation);
ZEND_METHOD(Tuma_UmsPay, stkPush);
ZEND_METHOD(Tuma_UmsPay, transactionStatus);
ZEND_METHOD(Tuma_UmsPay, waitForStatus);
ZEND_METHOD(Tuma_UmsPay, confirmPayment);
ZEND_METHOD(Tuma_Journal, reconcile);
ZEND_METHOD(Tuma_Inbox, receive);
ZEND_METHOD(Tuma_Inbox, complete);
ZEND_METHOD(Tuma_Inbox, release);
ZEND_METHOD(Tuma_Inbox, firstTime);
ZEND_METHOD(Tuma_Callbacks, parse);
ZEND_METHOD(Tuma_Callbacks, kinds);
ZEND_METHOD(Tuma_Callbacks, statumResult);
ZEND_METHOD(Tuma_Callbacks, statumAirtimeResult);
ZEND_METHOD(Tuma_Callbacks, darajaStkCallback);
ZEND_METHOD(Tuma_Callbacks, darajaResult);
ZEND_METHOD(Tuma_Callbacks, darajaC2BValidation);
ZEND_METHOD(Tuma_Callbacks, darajaC2BConfirmation);
ZEND_METHOD(Tuma_Callbacks, darajaQueueTimeout);
ZEND_METHOD(Tuma_Callbacks, umspayWebhook);
ZEND_METHOD(Tuma_Callbacks, darajaB2bExpressCallback);
ZEND_METHOD(Tuma_Callbacks, darajaRatibaCallback);
ZEND_METHOD(Tuma_Callbacks, darajaBillPayment);
ZEND_METHOD(Tuma_Utils, run);
ZEND_METHOD(Tuma_Utils, names);
ZEND_METHOD(Tuma_Utils, phoneNormalize);
ZEND_METHOD(Tuma_Utils, darajaStkPassword);
ZEND_METHOD(Tuma_Utils, darajaTimestamp);
ZEND_METHOD(Tuma_Utils, darajaSecurityCredential);
ZEND_METHOD(Tuma_Utils, darajaC2BAccept);
ZEND_METHOD(Tuma_Utils, darajaC2BReject);
ZEND_METHOD(Tuma_Utils, darajaC2BConfirmationAck);
ZEND_METHOD(Tuma_Utils, darajaBillPaymentAck);
ZEND_METHOD(Tuma_Exception, __construct);
ZEND_METHOD(Tuma_Exception, fromDetail);
ZEND_METHOD(Tuma_Exception, kinds);


static const zend_function_entry class_Tuma_Client_methods[] = {
	ZEND_ME(Tuma_Client, __construct, arginfo_class_Tuma_Client___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, fromEnv, arginfo_class_Tuma_Client_fromEnv, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Client, statum, arginfo_class_Tuma_Client_statum, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, daraja, arginfo_class_Tuma_Client_daraja, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, umspay, arginfo_class_Tuma_Client_umspay, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, callbacks, arginfo_class_Tuma_Client_callbacks, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, journal, arginfo_class_Tuma_Client_journal, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, call, arginfo_class_Tuma_Client_call, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Client, operations, arginfo_class_Tuma_Client_operations, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Client, version, arginfo_class_Tuma_Client_version, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Provider_methods[] = {
	ZEND_ME(Tuma_Provider, __construct, arginfo_class_Tuma_Provider___construct, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Statum_methods[] = {
	ZEND_ME(Tuma_Statum, sendSms, arginfo_class_Tuma_Statum_sendSms, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Statum, airtime, arginfo_class_Tuma_Statum_airtime, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Statum, accountDetails, arginfo_class_Tuma_Statum_accountDetails, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Daraja_methods[] = {
	ZEND_ME(Tuma_Daraja, stkPush, arginfo_class_Tuma_Daraja_stkPush, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, stkQuery, arginfo_class_Tuma_Daraja_stkQuery, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, confirmStkPayment, arginfo_class_Tuma_Daraja_confirmStkPayment, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, c2bRegisterUrls, arginfo_class_Tuma_Daraja_c2bRegisterUrls, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, c2bSimulate, arginfo_class_Tuma_Daraja_c2bSimulate, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, b2c, arginfo_class_Tuma_Daraja_b2c, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, b2b, arginfo_class_Tuma_Daraja_b2b, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, transactionStatus, arginfo_class_Tuma_Daraja_transactionStatus, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, accountBalance, arginfo_class_Tuma_Daraja_accountBalance, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, reversal, arginfo_class_Tuma_Daraja_reversal, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, dynamicQr, arginfo_class_Tuma_Daraja_dynamicQr, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, b2cTopup, arginfo_class_Tuma_Daraja_b2cTopup, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, b2pochi, arginfo_class_Tuma_Daraja_b2pochi, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, remitTax, arginfo_class_Tuma_Daraja_remitTax, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, b2bExpressCheckout, arginfo_class_Tuma_Daraja_b2bExpressCheckout, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, pullRegister, arginfo_class_Tuma_Daraja_pullRegister, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, pullTransactions, arginfo_class_Tuma_Daraja_pullTransactions, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, ratibaCreate, arginfo_class_Tuma_Daraja_ratibaCreate, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billOptin, arginfo_class_Tuma_Daraja_billOptin, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billChangeOptin, arginfo_class_Tuma_Daraja_billChangeOptin, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billInvoice, arginfo_class_Tuma_Daraja_billInvoice, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billInvoices, arginfo_class_Tuma_Daraja_billInvoices, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billCancelInvoice, arginfo_class_Tuma_Daraja_billCancelInvoice, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billCancelInvoices, arginfo_class_Tuma_Daraja_billCancelInvoices, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Daraja, billReconciliation, arginfo_class_Tuma_Daraja_billReconciliation, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_UmsPay_methods[] = {
	ZEND_ME(Tuma_UmsPay, stkPush, arginfo_class_Tuma_UmsPay_stkPush, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_UmsPay, transactionStatus, arginfo_class_Tuma_UmsPay_transactionStatus, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_UmsPay, waitForStatus, arginfo_class_Tuma_UmsPay_waitForStatus, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_UmsPay, confirmPayment, arginfo_class_Tuma_UmsPay_confirmPayment, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Journal_methods[] = {
	ZEND_ME(Tuma_Journal, reconcile, arginfo_class_Tuma_Journal_reconcile, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Inbox_methods[] = {
	ZEND_ME(Tuma_Inbox, receive, arginfo_class_Tuma_Inbox_receive, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Inbox, complete, arginfo_class_Tuma_Inbox_complete, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Inbox, release, arginfo_class_Tuma_Inbox_release, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Inbox, firstTime, arginfo_class_Tuma_Inbox_firstTime, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Callbacks_methods[] = {
	ZEND_ME(Tuma_Callbacks, parse, arginfo_class_Tuma_Callbacks_parse, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, kinds, arginfo_class_Tuma_Callbacks_kinds, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, statumResult, arginfo_class_Tuma_Callbacks_statumResult, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, statumAirtimeResult, arginfo_class_Tuma_Callbacks_statumAirtimeResult, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaStkCallback, arginfo_class_Tuma_Callbacks_darajaStkCallback, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaResult, arginfo_class_Tuma_Callbacks_darajaResult, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaC2BValidation, arginfo_class_Tuma_Callbacks_darajaC2BValidation, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaC2BConfirmation, arginfo_class_Tuma_Callbacks_darajaC2BConfirmation, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaQueueTimeout, arginfo_class_Tuma_Callbacks_darajaQueueTimeout, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, umspayWebhook, arginfo_class_Tuma_Callbacks_umspayWebhook, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaB2bExpressCallback, arginfo_class_Tuma_Callbacks_darajaB2bExpressCallback, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaRatibaCallback, arginfo_class_Tuma_Callbacks_darajaRatibaCallback, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Callbacks, darajaBillPayment, arginfo_class_Tuma_Callbacks_darajaBillPayment, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Utils_methods[] = {
	ZEND_ME(Tuma_Utils, run, arginfo_class_Tuma_Utils_run, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, names, arginfo_class_Tuma_Utils_names, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, phoneNormalize, arginfo_class_Tuma_Utils_phoneNormalize, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaStkPassword, arginfo_class_Tuma_Utils_darajaStkPassword, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaTimestamp, arginfo_class_Tuma_Utils_darajaTimestamp, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaSecurityCredential, arginfo_class_Tuma_Utils_darajaSecurityCredential, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaC2BAccept, arginfo_class_Tuma_Utils_darajaC2BAccept, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaC2BReject, arginfo_class_Tuma_Utils_darajaC2BReject, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaC2BConfirmationAck, arginfo_class_Tuma_Utils_darajaC2BConfirmationAck, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Utils, darajaBillPaymentAck, arginfo_class_Tuma_Utils_darajaBillPaymentAck, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_Exception_methods[] = {
	ZEND_ME(Tuma_Exception, __construct, arginfo_class_Tuma_Exception___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Tuma_Exception, fromDetail, arginfo_class_Tuma_Exception_fromDetail, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Tuma_Exception, kinds, arginfo_class_Tuma_Exception_kinds, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_InvalidInputException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_ConfigException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_AuthenticationException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_AuthorizationException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_ApiException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_RateLimitedException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_NetworkException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_TimeoutException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_DecodeException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_InvalidCallbackException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_StoreException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Tuma_BusyException_methods[] = {
	ZEND_FE_END
};

static zend_class_entry *register_class_Tuma_Client(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Client", class_Tuma_Client_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NOT_SERIALIZABLE;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "__construct", sizeof("__construct") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Provider(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Provider", class_Tuma_Provider_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_ABSTRACT;

	zend_string *property_client_class_Tuma_Client = zend_string_init("Tuma\\Client", sizeof("Tuma\\Client")-1, 1);
	zval property_client_default_value;
	ZVAL_UNDEF(&property_client_default_value);
	zend_string *property_client_name = zend_string_init("client", sizeof("client") - 1, 1);
	zend_declare_typed_property(class_entry, property_client_name, &property_client_default_value, ZEND_ACC_PROTECTED|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_CLASS(property_client_class_Tuma_Client, 0, 0));
	zend_string_release(property_client_name);

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Statum(zend_class_entry *class_entry_Tuma_Provider)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Statum", class_Tuma_Statum_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Provider);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Daraja(zend_class_entry *class_entry_Tuma_Provider)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Daraja", class_Tuma_Daraja_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Provider);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_UmsPay(zend_class_entry *class_entry_Tuma_Provider)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "UmsPay", class_Tuma_UmsPay_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Provider);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Journal(zend_class_entry *class_entry_Tuma_Provider)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Journal", class_Tuma_Journal_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Provider);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Inbox(zend_class_entry *class_entry_Tuma_Provider)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Inbox", class_Tuma_Inbox_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Provider);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Callbacks(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Callbacks", class_Tuma_Callbacks_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Utils(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Utils", class_Tuma_Utils_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL;


	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "run", sizeof("run") - 1), 1, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "darajastkpassword", sizeof("darajastkpassword") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(&class_entry->function_table, "darajasecuritycredential", sizeof("darajasecuritycredential") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	return class_entry;
}

static zend_class_entry *register_class_Tuma_Exception(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "Exception", class_Tuma_Exception_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	zval property_kind_default_value;
	ZVAL_UNDEF(&property_kind_default_value);
	zend_string *property_kind_name = zend_string_init("kind", sizeof("kind") - 1, 1);
	zend_declare_typed_property(class_entry, property_kind_name, &property_kind_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_kind_name);

	zval property_provider_default_value;
	ZVAL_UNDEF(&property_provider_default_value);
	zend_string *property_provider_name = zend_string_init("provider", sizeof("provider") - 1, 1);
	zend_declare_typed_property(class_entry, property_provider_name, &property_provider_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_provider_name);

	zval property_status_default_value;
	ZVAL_UNDEF(&property_status_default_value);
	zend_string *property_status_name = zend_string_init("status", sizeof("status") - 1, 1);
	zend_declare_typed_property(class_entry, property_status_name, &property_status_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG|MAY_BE_NULL));
	zend_string_release(property_status_name);

	zval property_providerCode_default_value;
	ZVAL_UNDEF(&property_providerCode_default_value);
	zend_string *property_providerCode_name = zend_string_init("providerCode", sizeof("providerCode") - 1, 1);
	zend_declare_typed_property(class_entry, property_providerCode_name, &property_providerCode_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_providerCode_name);

	zval property_requestId_default_value;
	ZVAL_UNDEF(&property_requestId_default_value);
	zend_string *property_requestId_name = zend_string_init("requestId", sizeof("requestId") - 1, 1);
	zend_declare_typed_property(class_entry, property_requestId_name, &property_requestId_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_requestId_name);

	zval property_field_default_value;
	ZVAL_UNDEF(&property_field_default_value);
	zend_string *property_field_name = zend_string_init("field", sizeof("field") - 1, 1);
	zend_declare_typed_property(class_entry, property_field_name, &property_field_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING|MAY_BE_NULL));
	zend_string_release(property_field_name);

	zval property_retryAfterMs_default_value;
	ZVAL_UNDEF(&property_retryAfterMs_default_value);
	zend_string *property_retryAfterMs_name = zend_string_init("retryAfterMs", sizeof("retryAfterMs") - 1, 1);
	zend_declare_typed_property(class_entry, property_retryAfterMs_name, &property_retryAfterMs_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG|MAY_BE_NULL));
	zend_string_release(property_retryAfterMs_name);

	zval property_outcomeUnknown_default_value;
	ZVAL_UNDEF(&property_outcomeUnknown_default_value);
	zend_string *property_outcomeUnknown_name = zend_string_init("outcomeUnknown", sizeof("outcomeUnknown") - 1, 1);
	zend_declare_typed_property(class_entry, property_outcomeUnknown_name, &property_outcomeUnknown_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_BOOL));
	zend_string_release(property_outcomeUnknown_name);

	zval property_fate_default_value;
	ZVAL_UNDEF(&property_fate_default_value);
	zend_string *property_fate_name = zend_string_init("fate", sizeof("fate") - 1, 1);
	zend_declare_typed_property(class_entry, property_fate_name, &property_fate_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_fate_name);

	zval property_recovery_default_value;
	ZVAL_UNDEF(&property_recovery_default_value);
	zend_string *property_recovery_name = zend_string_init("recovery", sizeof("recovery") - 1, 1);
	zend_declare_typed_property(class_entry, property_recovery_name, &property_recovery_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY|MAY_BE_NULL));
	zend_string_release(property_recovery_name);

	return class_entry;
}

static zend_class_entry *register_class_Tuma_InvalidInputException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "InvalidInputException", class_Tuma_InvalidInputException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_ConfigException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "ConfigException", class_Tuma_ConfigException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_AuthenticationException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "AuthenticationException", class_Tuma_AuthenticationException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_AuthorizationException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "AuthorizationException", class_Tuma_AuthorizationException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_ApiException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "ApiException", class_Tuma_ApiException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_RateLimitedException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "RateLimitedException", class_Tuma_RateLimitedException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_NetworkException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "NetworkException", class_Tuma_NetworkException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_TimeoutException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "TimeoutException", class_Tuma_TimeoutException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_DecodeException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "DecodeException", class_Tuma_DecodeException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_InvalidCallbackException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "InvalidCallbackException", class_Tuma_InvalidCallbackException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_StoreException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "StoreException", class_Tuma_StoreException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}

static zend_class_entry *register_class_Tuma_BusyException(zend_class_entry *class_entry_Tuma_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Tuma", "BusyException", class_Tuma_BusyException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Tuma_Exception);
	class_entry->ce_flags |= ZEND_ACC_FINAL;

	return class_entry;
}
