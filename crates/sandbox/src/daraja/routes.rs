//! Routing: which path is which API, and the checks every call goes through (path,
//! throttling, method, bearer token, JSON body) before its handler runs.

use serde_json::Value;

use super::body::{parse_json, payload_error};
use super::portal::{bill_manager, express, pull, ratiba};
use super::{b2b, b2c, balance, c2b, error, qr, reversal, status, stk, Body, Daraja};
use crate::http::{Request, Response};
use crate::Shared;

/// Bill Manager calls, under `/v1/billmanager-invoice/`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BillOp {
    OptIn,
    ChangeOptIn,
    SingleInvoice,
    BulkInvoices,
    CancelSingle,
    CancelBulk,
    Reconciliation,
}

#[derive(Clone, Copy)]
enum Op {
    StkPush,
    StkQuery,
    C2bRegister(u8),
    C2bSimulate(u8),
    B2c(u8),
    B2Pochi,
    B2b,
    Tax,
    Status,
    Balance,
    Reversal,
    Qr,
    Express,
    PullRegister,
    PullQuery,
    Ratiba,
    Bill(BillOp),
}

impl Op {
    fn from_path(path: &str) -> Option<Op> {
        Some(match path {
            "/mpesa/stkpush/v1/processrequest" => Op::StkPush,
            "/mpesa/stkpushquery/v1/query" => Op::StkQuery,
            "/mpesa/c2b/v1/registerurl" => Op::C2bRegister(1),
            "/mpesa/c2b/v2/registerurl" => Op::C2bRegister(2),
            "/mpesa/c2b/v1/simulate" => Op::C2bSimulate(1),
            "/mpesa/c2b/v2/simulate" => Op::C2bSimulate(2),
            "/mpesa/b2c/v1/paymentrequest" => Op::B2c(1),
            "/mpesa/b2c/v3/paymentrequest" => Op::B2c(3),
            "/mpesa/b2pochi/v1/paymentrequest" => Op::B2Pochi,
            "/mpesa/b2b/v1/paymentrequest" => Op::B2b,
            "/mpesa/b2b/v1/remittax" => Op::Tax,
            "/mpesa/transactionstatus/v1/query" => Op::Status,
            "/mpesa/accountbalance/v1/query" => Op::Balance,
            "/mpesa/reversal/v1/request" => Op::Reversal,
            "/mpesa/qrcode/v1/generate" => Op::Qr,
            "/v1/ussdpush/get-msisdn" => Op::Express,
            "/pulltransactions/v1/register" => Op::PullRegister,
            "/pulltransactions/v1/query" => Op::PullQuery,
            "/standingorder/v1/createStandingOrderExternal" => Op::Ratiba,
            "/v1/billmanager-invoice/optin" => Op::Bill(BillOp::OptIn),
            "/v1/billmanager-invoice/change-optin-details" => Op::Bill(BillOp::ChangeOptIn),
            "/v1/billmanager-invoice/single-invoicing" => Op::Bill(BillOp::SingleInvoice),
            "/v1/billmanager-invoice/bulk-invoicing" => Op::Bill(BillOp::BulkInvoices),
            "/v1/billmanager-invoice/cancel-single-invoice" => Op::Bill(BillOp::CancelSingle),
            "/v1/billmanager-invoice/cancel-bulk-invoices" => Op::Bill(BillOp::CancelBulk),
            "/v1/billmanager-invoice/reconciliation" => Op::Bill(BillOp::Reconciliation),
            _ => return None,
        })
    }

    /// Whether the method is allowed: POST everywhere; the Pull Transactions query also
    /// takes GET (the portal calls it a GET with a JSON body).
    fn allows(self, method: &str) -> bool {
        method == "POST" || (matches!(self, Op::PullQuery) && method == "GET")
    }

    /// Whether the body is a JSON list rather than an object.
    fn takes_list(self) -> bool {
        matches!(
            self,
            Op::Bill(BillOp::BulkInvoices) | Op::Bill(BillOp::CancelBulk)
        )
    }
}

impl Daraja {
    /// Answers one request; `path` is relative to `{sandbox}/daraja`.
    pub fn handle(&self, shared: &Shared, path: &str, req: &Request) -> Response {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        let op = Op::from_path(path);
        if op.is_none() && path != "/oauth/v1/generate" {
            return error(404, "404.001.01", "Resource not found");
        }
        if let Err(r) = self.throttle() {
            return r;
        }
        let Some(op) = op else {
            return self.oauth(req);
        };
        if !op.allows(&req.method) {
            return error(405, "405.001", "Method Not Allowed");
        }
        if let Err(r) = self.check_bearer(req) {
            return r;
        }
        let body = match parse_json(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        if op.takes_list() {
            let Value::Array(list) = body else {
                return payload_error();
            };
            let answer = match op {
                Op::Bill(BillOp::BulkInvoices) => bill_manager::bulk_invoices(self, &list),
                _ => bill_manager::cancel_bulk(self, &list),
            };
            return answer.unwrap_or_else(|r| r);
        }
        let Value::Object(map) = body else {
            return payload_error();
        };
        let b = Body(&map);
        let answer = match op {
            Op::StkPush => stk::push(self, shared, &b),
            Op::StkQuery => stk::query(self, &b),
            Op::C2bRegister(v) => c2b::register(self, &b, v),
            Op::C2bSimulate(v) => c2b::simulate(self, shared, &b, v),
            Op::B2c(v) => b2c::b2c(self, shared, &b, v),
            Op::B2Pochi => b2c::pochi(self, shared, &b),
            Op::B2b => b2b::b2b(self, shared, &b),
            Op::Tax => b2b::tax(self, shared, &b),
            Op::Status => status::status(self, shared, &b),
            Op::Balance => balance::balance(self, shared, &b),
            Op::Reversal => reversal::reversal(self, shared, &b),
            Op::Qr => qr::generate(&b),
            Op::Express => express::push(self, shared, &b),
            Op::PullRegister => pull::register(self, &b),
            Op::PullQuery => pull::query(self, &b),
            Op::Ratiba => ratiba::create(self, shared, &b),
            Op::Bill(op) => bill_manager::handle(self, op, &b),
        };
        answer.unwrap_or_else(|r| r)
    }
}
