import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCliArgs } from '../apps/sandbox/src/cli/cli-args';
import { isWebhookProvider } from '../apps/sandbox/src/webhooks/build-webhook';
import { WEBHOOKS } from '../apps/sandbox/src/webhooks/registry';
import { entityTypes } from '../apps/ops/src/routes/entities';

const root = path.join(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The shell code blocks of a markdown file, each as its lines. */
function shellBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').split('\n').filter(Boolean));
}

const examples = [readme, readFileSync(path.join(root, 'apps/sandbox/README.md'), 'utf8')]
  .flatMap(shellBlocks)
  .flat()
  .filter((line) => line.startsWith('pnpm switchyard '))
  .map((line) => {
    const [command = '', comment = ''] = line.split(/\s+#\s+/);
    return { line, argv: command.trim().split(/\s+/).slice(2), comment };
  });

describe('the README examples a new user copies', () => {
  it('has pnpm switchyard examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it.each(examples.map((e) => [e.line, e]))('%s is a valid command', (_line, { argv }) => {
    const args = parseCliArgs(argv);
    expect(['trigger', 'scenario', 'events', 'ops']).toContain(args.command);
    if (args.command === 'trigger') {
      const [provider = '', event = ''] = args.positionals;
      expect(isWebhookProvider(provider)).toBe(true);
      const known: readonly string[] = isWebhookProvider(provider) ? WEBHOOKS[provider].events : [];
      // Standard Webhooks carry any type.
      if (!known.includes('<any type>')) expect([...known, 'sequence']).toContain(event);
    }
    if (args.command === 'ops') expect(['events', 'effects', 'dead-letters']).toContain(args.positionals[0]);
  });

  it('says how many copies --duplicate K sends: K + 1', () => {
    const withCount = examples.filter((e) => e.argv.includes('--duplicate') && /twice|\d+ copies/.test(e.comment));
    expect(withCount.length).toBeGreaterThan(0);
    for (const { argv, comment } of withCount) {
      const k = Number(argv[argv.indexOf('--duplicate') + 1]);
      const said = /twice/.test(comment) ? 2 : Number(/(\d+) copies/.exec(comment)?.[1]);
      expect(said).toBe(k + 1);
    }
  });

  it('sets OPS_TOKEN in every shell block that uses $OPS_TOKEN, before using it', () => {
    for (const lines of shellBlocks(readme)) {
      const use = lines.findIndex((l) => l.includes('$OPS_TOKEN'));
      if (use < 0) continue;
      const set = lines.findIndex((l) => /^export OPS_TOKEN=/.test(l));
      expect({ block: lines.join('\n'), setBeforeUse: set >= 0 && set < use }).toMatchObject({ setBeforeUse: true });
    }
  });

  it('documents every ops API route and every entity key format', () => {
    const routesDir = path.join(root, 'apps/ops/src/routes');
    const routes = readdirSync(routesDir).flatMap((file) =>
      [...readFileSync(path.join(routesDir, file), 'utf8').matchAll(/router\.(get|post)\('(\/api\/[^']+)'/g)].map((m) => `${(m[1] ?? '').toUpperCase()} ${m[2]}`),
    );
    expect(routes.length).toBeGreaterThan(8);
    for (const route of routes) expect(readme).toContain(route);
    for (const type of entityTypes) expect(readme).toMatch(new RegExp(`\\| \`${type}\` \\| [^|]+ \\| \`[^|]+\``));
  });

  it('says how to stop the fleet and what /api/* accepts', () => {
    expect(readme).toContain('bash scripts/stop.sh');
    expect(readme).toMatch(/`\/api\/\*` takes the same Basic login/);
  });
});
