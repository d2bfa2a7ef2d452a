import { AccessDeniedError } from '../../shared/errors.js';
import type { WebError, WebErrorCode } from '../web-contract.js';

/** A refusal the page shows as it is: HTTP status, the contract's error code, a message. */
export class WebRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: WebErrorCode,
    message: string,
    readonly extra: Omit<WebError['error'], 'code' | 'message'> = {},
  ) {
    super(message);
  }

  body(): WebError {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/**
 * Maps what the access code throws to the page's error codes: refusals (role, training,
 * purpose) are 403, a missing hit 404, a second verdict 409, other messages for the person 400.
 * Anything else is a fault: undefined, and the server answers 500 without the details.
 */
export function toRefusal(err: unknown): WebRefusal | undefined {
  if (err instanceof WebRefusal) return err;
  if (err instanceof AccessDeniedError) {
    const code: WebErrorCode = /purpose is required/.test(err.message) ? 'purpose_required' : 'forbidden';
    return new WebRefusal(403, code, err.message);
  }
  const e = err as Error & { code?: string };
  if (e instanceof Error && e.constructor === Error && !e.code) {
    if (/^no hit /.test(e.message)) return new WebRefusal(404, 'not_found', e.message);
    if (/was already/.test(e.message)) return new WebRefusal(409, 'conflict', e.message);
    return new WebRefusal(400, 'invalid', e.message);
  }
  return undefined;
}
