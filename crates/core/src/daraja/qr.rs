//! Dynamic QR: a PNG the customer scans with the M-Pesa app.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{text, Daraja};
use crate::error::{ApiError, Error, Provider, Result};
use crate::http::Safety;
use crate::validate;

/// What the QR code pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QrTrxCode {
    /// Buy goods: `cpi` is a till.
    BG,
    /// Withdraw cash at an agent: `cpi` is the agent till.
    WA,
    /// Paybill: `cpi` is the paybill.
    PB,
    /// Send money: `cpi` is a phone number.
    SM,
    /// Send to business: `cpi` is the business number in MSISDN form.
    SB,
}

impl QrTrxCode {
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim().to_ascii_uppercase().as_str() {
            "BG" => Ok(QrTrxCode::BG),
            "WA" => Ok(QrTrxCode::WA),
            "PB" => Ok(QrTrxCode::PB),
            "SM" => Ok(QrTrxCode::SM),
            "SB" => Ok(QrTrxCode::SB),
            _ => Err(Error::invalid(field, "must be BG, WA, PB, SM or SB")),
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            QrTrxCode::BG => "BG",
            QrTrxCode::WA => "WA",
            QrTrxCode::PB => "PB",
            QrTrxCode::SM => "SM",
            QrTrxCode::SB => "SB",
        }
    }
}

crate::request::choice!(required QrTrxCode, ["BG", "WA", "PB", "SM", "SB"]);

crate::request::request! {
    /// A Dynamic QR request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DynamicQrRequest {
        /// The name shown to the payer.
        pub merchant_name: String,
        /// Your reference of the payment.
        pub ref_no: String,
        /// Whole shillings, 1 to 250 000.
        pub amount: u64,
        /// What the code pays.
        pub trx_code: QrTrxCode,
        /// Credit party identifier: till, paybill, agent till or phone (see [`QrTrxCode`]).
        pub cpi: String,
        /// Image side in pixels, 100 to 1000 (default 300).
        #[serde(default)]
        pub size: Option<u32>,
    }
}

/// A generated QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicQr {
    /// `ResponseCode` as sent.
    pub response_code: String,
    /// Daraja's id of the request.
    pub request_id: String,
    /// Human-readable description.
    pub response_description: String,
    /// The PNG image, base64 (as Daraja sent it).
    pub qr_code: String,
    /// The PNG image bytes (decoded from `qr_code`; not part of the JSON form).
    #[serde(skip)]
    pub png: Vec<u8>,
}

impl Daraja<'_> {
    /// Generates a Dynamic QR code; returns the PNG (base64 and decoded bytes).
    pub fn dynamic_qr(&self, request: &DynamicQrRequest) -> Result<DynamicQr> {
        self.config()?;
        let name = validate::text("merchant_name", &request.merchant_name, 1, 100)?;
        let ref_no = validate::text("ref_no", &request.ref_no, 1, 100)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::STK_MIN,
            crate::limits::MPESA_MAX,
        )?;
        let cpi = match request.trx_code {
            QrTrxCode::SM | QrTrxCode::SB => crate::phone::parse_for("cpi", &request.cpi)?
                .as_str()
                .to_string(),
            _ => super::shortcode_arg("cpi", Some(&request.cpi), "")?,
        };
        let size = request.size.unwrap_or(300);
        if !(100..=1000).contains(&size) {
            return Err(Error::invalid("size", "must be 100 to 1000 pixels"));
        }
        let body = json!({
            "MerchantName": name,
            "RefNo": ref_no,
            "Amount": amount,
            "TrxCode": request.trx_code.as_str(),
            "CPI": cpi,
            "Size": size.to_string(),
        });
        let v = self.post(
            "mpesa/qrcode/v1/generate",
            &body,
            Safety::Safe,
            "daraja.dynamic_qr",
        )?;
        let response_code = text(&v, "ResponseCode").unwrap_or_default();
        let description = text(&v, "ResponseDescription").unwrap_or_default();
        // The portal's sample puts an `AG_…` id in ResponseCode: only a numeric code says
        // anything, and then only all zeros is success.
        let refused_code = !response_code.is_empty()
            && response_code.bytes().all(|b| b.is_ascii_digit())
            && !response_code.bytes().all(|b| b == b'0');
        let qr = text(&v, "QRCode").filter(|q| !q.is_empty() && !refused_code);
        let Some(qr_code) = qr else {
            return Err(Error::Api(ApiError {
                provider: Provider::Daraja,
                status: 200,
                code: Some(response_code),
                message: if description.is_empty() {
                    "no QR code in the answer".into()
                } else {
                    description
                },
                request_id: text(&v, "RequestID"),
                fate: crate::error::Fate::Unknown,
                recovery: None,
            }));
        };
        let png = STANDARD.decode(qr_code.trim().as_bytes()).map_err(|_| {
            Error::decode(Provider::Daraja, 200, "`QRCode` is not base64", &qr_code)
        })?;
        Ok(DynamicQr {
            response_code,
            request_id: text(&v, "RequestID").unwrap_or_default(),
            response_description: description,
            qr_code,
            png,
        })
    }
}
