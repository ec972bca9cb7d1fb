import { redriveItemState, redriveProgress } from './redrive-progress';

describe('redriveItemState', () => {
  it.each([
    [{ outcome: null, eventStatus: 'dead', effectStatus: null }, 'running'],
    [{ outcome: null, eventStatus: null, effectStatus: 'failed' }, 'running'],
    [{ outcome: 'skipped', eventStatus: 'processed', effectStatus: null }, 'skipped'],
    [{ outcome: 'refused', eventStatus: 'dead', effectStatus: null }, 'failed'],
    [{ outcome: 'retried', eventStatus: 'queued', effectStatus: null }, 'running'],
    [{ outcome: 'retried', eventStatus: 'failed', effectStatus: null }, 'running'],
    [{ outcome: 'retried', eventStatus: 'processed', effectStatus: null }, 'done'],
    [{ outcome: 'retried', eventStatus: 'ignored', effectStatus: null }, 'done'],
    [{ outcome: 'retried', eventStatus: 'dead', effectStatus: null }, 'failed'],
    [{ outcome: 'retried', eventStatus: 'unmapped', effectStatus: null }, 'skipped'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'pending' }, 'running'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'sending' }, 'running'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'done' }, 'done'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'skipped' }, 'skipped'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'failed' }, 'failed'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: 'parked' }, 'failed'],
    [{ outcome: 'retried', eventStatus: null, effectStatus: null }, 'skipped'],
  ] as const)('%j → %s', (item, state) => {
    expect(redriveItemState(item)).toBe(state);
  });
});

describe('redriveProgress', () => {
  it('adds up the tallies by state', () => {
    expect(
      redriveProgress([
        { outcome: 'retried', eventStatus: 'processed', effectStatus: null, count: 3 },
        { outcome: 'retried', eventStatus: null, effectStatus: 'done', count: 2 },
        { outcome: 'retried', eventStatus: 'queued', effectStatus: null, count: 4 },
        { outcome: 'skipped', eventStatus: null, effectStatus: 'done', count: 1 },
        { outcome: 'refused', eventStatus: 'dead', effectStatus: null, count: 1 },
        { outcome: null, eventStatus: 'dead', effectStatus: null, count: 5 },
      ]),
    ).toEqual({ done: 5, skipped: 1, failed: 1, running: 9 });
  });
});
