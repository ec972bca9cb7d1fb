import type { RequestHandler, Response } from 'express';
import { send } from '../apis/auth';
import { providerError, type ErrorResponse } from '../apis/error-bodies';
import type { ApiProvider } from '../apis/types';
import type { Clock } from '../support/clock';
import type { Rng } from '../support/rng';
import type { FaultStore } from './fault-store';
import { throttleResponse } from './throttles';

export interface FaultContext {
  store: FaultStore;
  clock: Clock;
  rng: Rng;
  /** Responses held open by `hang` faults, ended on reset/close so the server can stop. */
  hung: Set<Response>;
}

function retryAfter(seconds: number, format: 'seconds' | 'http-date', now: number): string {
  return format === 'http-date' ? new Date(now + seconds * 1000).toUTCString() : String(seconds);
}

/** Applies the fault rules matching a request before the emulated API sees it. */
export function faultMiddleware(ctx: FaultContext): RequestHandler {
  return (req, res, next) => {
    const provider = res.locals.provider as ApiProvider | undefined;
    const decision = ctx.store.decide(provider, req.method, req.path);
    const terminal = decision.terminal;
    const notes = [...decision.notes];
    if (terminal) notes.push(`${terminal.rule.type}${terminal.status ? `:${terminal.status}` : terminal.rule.throttle ? `:${terminal.rule.throttle}` : ''} (${terminal.rule.id})`);
    if (notes.length > 0) {
      res.locals.fault = notes.join(', ');
      const recorded = res.locals.recorded as { fault?: string } | undefined;
      if (recorded) recorded.fault = res.locals.fault as string;
    }

    const act = () => {
      if (!terminal) return next();
      const rule = terminal.rule;
      const answer = (response: ErrorResponse) => send(res, response);
      const withRetryAfter = (response: ErrorResponse): ErrorResponse => ({
        ...response,
        headers: { ...response.headers, 'retry-after': retryAfter(rule.retryAfter ?? 1, rule.retryAfterFormat, ctx.clock.now()) },
      });
      const p = provider ?? 'stripe';
      switch (rule.type) {
        case 'error':
          return answer(rule.retryAfter !== undefined ? withRetryAfter(providerError(p, terminal.status ?? 503, ctx.rng)) : providerError(p, terminal.status ?? 503, ctx.rng));
        case 'rate_limit':
          return answer(withRetryAfter(providerError(p, 429, ctx.rng)));
        case 'throttle': {
          const response = throttleResponse(rule.throttle ?? 'hubspot_ten_secondly', ctx.rng);
          const status = typeof rule.status === 'number' ? rule.status : response.status;
          return answer(withRetryAfter({ ...response, status }));
        }
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          if (rule.afterMs !== undefined) {
            ctx.clock.setTimeout(next, rule.afterMs);
            return;
          }
          ctx.hung.add(res);
          res.on('close', () => ctx.hung.delete(res));
          return;
        case 'latency':
          return next();
      }
    };
    if (decision.latencyMs > 0) ctx.clock.setTimeout(act, decision.latencyMs);
    else act();
  };
}
