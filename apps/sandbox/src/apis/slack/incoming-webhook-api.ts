import { Router } from 'express';
import type { ApiDeps, EmulatedApi } from '../types';

interface SlackPost {
  path: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

/**
 * Slack incoming webhooks (`POST /slack/services/{T}/{B}/{secret}`, JSON): 200 text `ok`, or 400
 * text `invalid_payload` when the message has neither `text` nor `blocks`. Any JSON-POST notifier can
 * be pointed here.
 */
export function createSlackApi(deps: ApiDeps): EmulatedApi {
  const posts: SlackPost[] = [];
  const router = Router();

  router.post('/slack/services/:team/:bot/:secret', (req, res) => {
    const payload = (req.body ?? {}) as Record<string, unknown>;
    const hasText = typeof payload.text === 'string' && payload.text.length > 0;
    const hasBlocks = Array.isArray(payload.blocks) && payload.blocks.length > 0;
    if (typeof req.body !== 'object' || req.body === null || (!hasText && !hasBlocks)) {
      return res.status(400).type('text/plain').send('invalid_payload');
    }
    posts.push({ path: `/slack/services/${req.params.team}/${req.params.bot}/[redacted]`, payload, receivedAt: new Date(deps.clock.now()).toISOString() });
    res.status(200).type('text/plain').send('ok');
  });

  return {
    provider: 'slack',
    owns: (path) => path.startsWith('/slack/'),
    router,
    snapshot: () => ({ posts }),
    reset: () => {
      posts.length = 0;
    },
  };
}
