import type { Job } from '@switchyard/queues';
import { toDeadLetterEntry } from './dead-letter';
import { matches } from './list-dead-letters';

function job(data: unknown, id = 'payments.evt.1.dead'): Job {
  return { id, data, timestamp: Date.parse('2026-01-01T00:00:00Z') } as unknown as Job;
}

const base = { queue: 'payments', jobName: 'payments.process-event.v1', jobId: 'payments.evt.1', data: { eventId: 'e1' }, attemptsMade: 8, failedAt: '2026-01-02T00:00:00.000Z' };

describe('toDeadLetterEntry', () => {
  it('reads the code of a permanent failure back from its message', () => {
    const entry = toDeadLetterEntry(job({ ...base, error: { message: 'CARD_DECLINED: the bank said no', kind: 'permanent' } }), 'payments.dead');
    expect(entry).toMatchObject({ id: 'payments.evt.1.dead', eventId: 'e1', effectId: null, error: { code: 'CARD_DECLINED', kind: 'permanent' }, failedAt: new Date(base.failedAt) });
  });

  it('prefers an explicit code, and has none when the message carries none', () => {
    expect(toDeadLetterEntry(job({ ...base, error: { message: 'HTTP_503: down', code: 'PROVIDER_DOWN', kind: 'retryable' } }), 'payments.dead')?.error.code).toBe('PROVIDER_DOWN');
    expect(toDeadLetterEntry(job({ ...base, error: { message: 'socket hang up', kind: 'retryable' } }), 'payments.dead')?.error.code).toBeNull();
  });

  it('is null for a DLQ job this fleet did not write', () => {
    expect(toDeadLetterEntry(job({ jobId: 'x', failedReason: 'gave up' }), 'payments.dead')).toBeNull();
  });
});

describe('matches', () => {
  const entry = toDeadLetterEntry(job({ ...base, error: { message: 'CARD_DECLINED: no', kind: 'permanent' } }), 'payments.dead');
  if (!entry) throw new Error('fixture');
  it.each([
    [{}, true],
    [{ queue: 'payments' as const, errorKind: 'permanent' as const, errorCode: 'CARD_DECLINED' }, true],
    [{ queue: 'crm' as const }, false],
    [{ errorCode: 'OTHER' }, false],
    // null picks the dead letters without a code; this one has one.
    [{ errorCode: null }, false],
    [{ since: new Date('2026-01-02T00:00:00.000Z') }, true],
    [{ until: new Date('2026-01-02T00:00:00.000Z') }, false],
  ])('%j → %s', (filter, expected) => {
    expect(matches(entry, filter)).toBe(expected);
  });
});
