import { AppError } from '@switchyard/errors';

export type FormRejectionReason = 'unknown_form' | 'payload_too_large' | 'wrong_content_type' | 'malformed_body' | 'nesting_too_deep' | 'invalid_form' | 'missing_secret' | 'invalid_secret' | 'invalid_signature' | 'rate_limited' | 'invalid_idempotency_key';

const statusOf: Record<FormRejectionReason, number> = {
  unknown_form: 404,
  payload_too_large: 413,
  wrong_content_type: 415,
  malformed_body: 400,
  nesting_too_deep: 400,
  invalid_form: 400,
  invalid_idempotency_key: 400,
  missing_secret: 401,
  invalid_secret: 401,
  invalid_signature: 401,
  rate_limited: 429,
};

export interface FieldProblem {
  field: string;
  problem: string;
}

/** A form submission we refuse. Answered as `{error, message}` (plus `fields` for invalid fields); never contains a secret. */
export class FormRejection extends AppError {
  readonly status: number;

  constructor(
    readonly reason: FormRejectionReason,
    message: string,
    readonly extra: { fields?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message, { code: reason, kind: 'permanent' });
    this.status = statusOf[reason];
  }
}
