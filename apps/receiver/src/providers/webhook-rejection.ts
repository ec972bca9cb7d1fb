import { AppError } from '@switchyard/errors';

/** Why a delivery was refused; also the `reason` label of the rejection metric. */
export type RejectionReason =
  | 'unknown_provider'
  | 'unknown_connection'
  | 'missing_signature'
  | 'invalid_signature'
  | 'stale_timestamp'
  | 'invalid_credentials'
  | 'malformed_body'
  | 'wrong_content_type'
  | 'payload_too_large'
  /** Arrays/objects (or XML elements) nested deeper than MAX_BODY_DEPTH. */
  | 'nesting_too_deep'
  | 'untrusted_certificate'
  | 'wrong_account'
  /** WhatsApp's subscription handshake sent a `hub.verify_token` we do not know. */
  | 'invalid_verify_token';

const statusOf: Record<RejectionReason, number> = {
  unknown_provider: 404,
  unknown_connection: 404,
  missing_signature: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  invalid_credentials: 401,
  malformed_body: 400,
  wrong_content_type: 415,
  payload_too_large: 413,
  nesting_too_deep: 400,
  untrusted_certificate: 401,
  wrong_account: 403,
  invalid_verify_token: 403,
};

/** A delivery we refuse. Its message says what was wrong and never contains a secret. */
export class WebhookRejection extends AppError {
  readonly status: number;

  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message, { code: reason, kind: 'permanent' });
    this.status = statusOf[reason];
  }
}
