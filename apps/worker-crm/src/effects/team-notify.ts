import type { OutboundClients } from '@switchyard/outbound';
import type { Performer } from '@switchyard/worker-runtime';

/**
 * Posts to a team channel. Incoming webhooks cannot deduplicate, so this is an intent effect:
 * a post whose outcome a crash made unknown is parked for a person, never posted twice.
 */
export function teamNotifyPerformer(clients: OutboundClients): Performer<'team.notify'> {
  return {
    mode: 'intent',
    async perform(effect) {
      const r = effect.request;
      const body = r.format === 'slack' ? { text: r.text } : { text: r.text, event: r.event, data: r.data, effectId: effect.id };
      await clients.notifier().post(r.url, body);
      return { providerRef: null, response: { posted: true } };
    },
  };
}
