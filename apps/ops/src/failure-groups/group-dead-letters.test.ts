import type { DeadLetterWithSubject } from '../dead-letters/matching-dead-letters';
import { groupDeadLetters } from './group-dead-letters';

let n = 0;
function dead(provider: string | null, code: string | null, failedAt: string, queue = 'crm'): DeadLetterWithSubject {
  n += 1;
  return {
    id: `job${n}.dead`,
    deadLetterQueue: `${queue}.dead`,
    queue,
    jobName: `${queue}.perform-effect.v1`,
    jobId: `job${n}`,
    data: {},
    attemptsMade: 1,
    error: { message: 'x', code, kind: code ? 'permanent' : 'retryable' },
    errors: [],
    failedAt: new Date(failedAt),
    eventId: null,
    effectId: `eff${n}`,
    subject: provider ? { provider, entityType: 'payment', entityKey: `p${n}` } : null,
  };
}

describe('groupDeadLetters', () => {
  it('groups by provider and code, largest first, with first/last seen and the newest as example', () => {
    const a1 = dead('hubspot', 'PROPERTY_MISSING', '2026-01-01T10:00:00Z');
    const a2 = dead('hubspot', 'PROPERTY_MISSING', '2026-01-03T10:00:00Z', 'payments');
    const a3 = dead('hubspot', 'PROPERTY_MISSING', '2026-01-02T10:00:00Z');
    const b = dead('whatsapp', 'PROPERTY_MISSING', '2026-01-04T10:00:00Z');
    const c = dead('hubspot', null, '2026-01-05T10:00:00Z');
    const d = dead(null, null, '2026-01-05T11:00:00Z');
    const groups = groupDeadLetters([d, c, b, a2, a3, a1]);
    expect(groups.map((g) => [g.provider, g.errorCode, g.count])).toEqual([
      ['hubspot', 'PROPERTY_MISSING', 3],
      [null, null, 1],
      ['hubspot', null, 1],
      ['whatsapp', 'PROPERTY_MISSING', 1],
    ]);
    expect(groups[0]).toMatchObject({ firstSeen: a1.failedAt, lastSeen: a2.failedAt, example: a2, queues: ['payments', 'crm'], errorKinds: ['permanent'] });
  });

  it('is empty for no dead letters', () => {
    expect(groupDeadLetters([])).toEqual([]);
  });
});
