//! Account balance: the Working and Utility balances on `ResultURL`.

use serde_json::json;

use super::results::{
    account, bo_completed, failure, finish, params, reference_item, Answer, Outcome, BAD_INITIATOR,
    DONE,
};
use super::{conversation_id, receipt, request_id, time, Body, Daraja, Result};
use crate::http::Response;
use crate::Shared;

/// `POST /mpesa/accountbalance/v1/query`.
pub(super) fn balance(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    b.one_of("CommandID", &["AccountBalance"])?;
    b.digits("PartyA", 5, 7)?;
    b.code_of("IdentifierType", &["4"])?;
    b.string_len("Remarks", 1, 100)?;
    b.url("QueueTimeOutURL")?;
    let result_url = b.url("ResultURL")?;

    let originator = request_id();
    let conversation = conversation_id();
    let outcome = if !d.initiator_ok(&name, &credential) {
        failure("2001", BAD_INITIATOR, Some(bo_completed()))
    } else {
        let st = d.state.lock().unwrap();
        let balance = [
            account("Working Account", st.working_cents),
            account("Float Account", 0),
            account("Utility Account", st.utility_cents),
            account("Charges Paid Account", 0),
            account("Organization Settlement Account", 0),
        ]
        .join("&");
        Outcome {
            code: "0",
            desc: DONE,
            transaction_id: receipt(),
            parameters: Some(params(&[
                ("AccountBalance", json!(balance)),
                ("BOCompletedTime", json!(time::eat_now().compact_number())),
            ])),
            reference: reference_item(),
        }
    };
    let answer = Answer {
        kind: "balance",
        result_url: &result_url,
        originator: &originator,
        conversation: &conversation,
        strings: true,
    };
    Ok(finish(d, shared, None, answer, outcome))
}
