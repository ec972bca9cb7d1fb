import keySlot from 'cluster-key-slot';
import { queuePrefix } from '../src/queue-prefix';
import { queueNames, registry } from '../src/registry';

/** Keys BullMQ writes for a queue (its lists, sets, hashes, a job, its lock and logs, events). */
const bullKeys = (prefix: string, queue: string) => ['wait', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'stalled', 'meta', 'events', 'id', 'marker', 'de:x', 'payments.evt.1', 'payments.evt.1:lock', 'payments.evt.1:logs'].map((k) => `${prefix}:${queue}:${k}`);

describe('queuePrefix', () => {
  it.each([
    ['switchyard', 'payments', 'switchyard:{payments}'],
    ['switchyard', 'payments.dead', 'switchyard:{payments}'],
    ['acme:prod', 'crm.dead', 'acme:prod:{crm}'],
    ['', 'whatsapp', '{whatsapp}'],
    // A base with a hash tag of its own: the layout before per-queue tags, kept as it was.
    ['{switchyard}', 'payments', '{switchyard}'],
    ['{switchyard}', 'payments.dead', '{switchyard}'],
  ])('(%j, %j) → %j', (base, queue, expected) => {
    expect(queuePrefix(base, queue)).toBe(expected);
  });

  it('refuses a queue name holding a brace', () => {
    expect(() => queuePrefix('switchyard', 'pay{ments}')).toThrow('queue name "pay{ments}" may not contain { or }');
  });

  // Redis hashes the whole key when the first `{` has no `}` after it or `{}` is empty: keys would scatter.
  it.each(['sy{}', 'sy{', 'sy}x'])('refuses the base %j: braces but no hash tag', (base) => {
    expect(() => queuePrefix(base, 'crm')).toThrow(`key prefix "${base}" holds a brace but no hash tag`);
  });

  describe.each(queueNames.map((q) => [q]))('on Redis Cluster, queue %s', (queue) => {
    const def = registry[queue];
    const slots = (name: string) => new Set(bullKeys(queuePrefix('switchyard', name), name).map((k) => keySlot(k)));

    it('keeps every key of the queue in one slot, the slot of every key of its dead-letter queue', () => {
      const own = slots(def.name);
      expect(own.size).toBe(1);
      expect(slots(def.deadLetterQueue)).toEqual(own);
    });

    it('is in a slot of its own: no other queue shares its tag', () => {
      const others = queueNames.filter((q) => q !== queue).flatMap((q) => [...slots(registry[q].name)]);
      expect(others).not.toContain([...slots(def.name)][0]);
    });
  });

  it('with a tagged base, every queue shares that one slot (the old layout)', () => {
    const all = new Set(queueNames.flatMap((q) => [registry[q].name, registry[q].deadLetterQueue]).flatMap((n) => bullKeys(queuePrefix('{switchyard}', n), n).map((k) => keySlot(k))));
    expect(all.size).toBe(1);
  });
});
