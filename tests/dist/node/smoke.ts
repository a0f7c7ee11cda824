// Type-checked (never run) by `tsc --strict --noEmit` in a project where the packed
// tarballs were installed: the published declarations resolve and describe the API.
import { Client, InvalidInputError, TumaError } from 'tuma'
import type { ClientOptions, SendSmsRequest, StkPushRequest } from 'tuma'

const options: ClientOptions = {
  statum: { consumerKey: 'key', consumerSecret: 'secret' },
  daraja: { consumerKey: 'key', consumerSecret: 'secret', environment: 'sandbox', shortcode: '174379', passkey: 'passkey' },
  http: { maxRetries: 0 }
}

export async function send (client: Client = new Client(options)): Promise<string> {
  const sms: SendSmsRequest = { senderId: 'TUMA', phone: '0712345678', message: 'Karibu' }
  const sent = await client.statum.sendSms(sms)
  const push: StkPushRequest = { phone: '0712345678', amount: 10, accountReference: 'ORDER-1' }
  try {
    const r = await client.daraja.stkPush(push)
    return `${sent.requestId} ${r.checkoutRequestId}`
  } catch (e) {
    if (e instanceof InvalidInputError) return `fix ${e.field ?? '?'}`
    if (e instanceof TumaError && e.outcomeUnknown) return 'unknown'
    throw e
  }
}
