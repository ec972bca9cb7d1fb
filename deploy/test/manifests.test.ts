import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadSettings } from '@switchyard/settings';

const deployDir = path.resolve(__dirname, '..');
const k8sDir = path.join(deployDir, 'k8s');
const tsx = path.resolve(deployDir, '../node_modules/.bin/tsx');
const script = path.join(deployDir, 'scripts/validate-manifests.mts');

interface OverlayReport {
  overlay: string;
  kinds: Record<string, number>;
  problems: string[];
}

/** The validation CI runs (ESM, the schema packages are ESM-only), on `dir`. */
function validate(dir: string): { status: number | null; reports: OverlayReport[]; stderr: string } {
  const run = spawnSync(tsx, [script, dir, '--json'], { encoding: 'utf8' });
  if (run.error) throw run.error;
  // Exit 2: kubectl is missing. A clear failure, never a skip: an unvalidated manifest is not a pass.
  if (run.status === 2) throw new Error(run.stderr.trim());
  if (!run.stdout.trim()) throw new Error(`validate-manifests printed no report (exit ${run.status}): ${run.stderr}`);
  return { status: run.status, reports: JSON.parse(run.stdout) as OverlayReport[], stderr: run.stderr };
}

describe('deploy/k8s', () => {
  it('every overlay renders, every object passes its Kubernetes or KEDA schema, and every env variable is one its app reads', () => {
    const { status, reports } = validate(k8sDir);
    expect(reports.map((r) => ({ overlay: r.overlay, problems: r.problems }))).toEqual([
      { overlay: 'dev', problems: [] },
      { overlay: 'production', problems: [] },
    ]);
    expect(status).toBe(0);
    for (const r of reports) {
      // One Deployment, Service and PDB per app (dev adds Postgres, Redis and the sandbox), a KEDA ScaledObject per worker.
      expect(r.kinds).toMatchObject({ Job: 1, PodDisruptionBudget: 5, ScaledObject: 3, Namespace: 1 });
      expect(r.kinds.Deployment).toBe(r.overlay === 'dev' ? 8 : 5);
    }
    expect(reports.find((r) => r.overlay === 'dev')?.kinds.Secret).toBe(1);
    expect(reports.find((r) => r.overlay === 'production')?.kinds).toMatchObject({ HorizontalPodAutoscaler: 1 });
    expect(reports.find((r) => r.overlay === 'production')?.kinds.Secret).toBeUndefined();
  });

  it('the dev overlay mounts the example settings file unchanged', () => {
    expect(readFileSync(path.join(k8sDir, 'overlays/dev/switchyard.yaml'), 'utf8')).toBe(readFileSync(path.resolve(deployDir, '../switchyard.example.yaml'), 'utf8'));
  });

  it("each overlay's settings file loads with the values its manifests give (dev: the generated Secret; production: well-formed stand-ins)", () => {
    const literals = (file: string, section: 'configMapGenerator' | 'secretGenerator') =>
      Object.fromEntries(
        ((parseYaml(readFileSync(path.join(k8sDir, file), 'utf8'))[section] ?? []) as { literals?: string[] }[])
          .flatMap((g) => g.literals ?? [])
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    const devSecret = literals('overlays/dev/kustomization.yaml', 'secretGenerator');
    const productionSecret = { ...devSecret, SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX' };
    for (const [overlay, secret] of [['dev', devSecret], ['production', productionSecret]] as const) {
      const env: Record<string, string> = { ...literals('base/kustomization.yaml', 'configMapGenerator'), ...literals(`overlays/${overlay}/kustomization.yaml`, 'configMapGenerator'), ...secret };
      // The manifests name secrets as files; their values stand in for the files' content here.
      for (const key of Object.keys(env)) if (key.endsWith('_FILE')) delete env[key];
      expect(() => loadSettings(path.join(k8sDir, `overlays/${overlay}/switchyard.yaml`), env)).not.toThrow();
    }
  });

  it('without kubectl, stops with exit 2 and says what is missing', () => {
    // node itself, so an empty PATH hides kubectl (which sits beside node in /usr/bin) and nothing else.
    const run = spawnSync(process.execPath, [path.resolve(deployDir, '../node_modules/tsx/dist/cli.mjs'), script, k8sDir], { encoding: 'utf8', env: { ...process.env, PATH: '' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('kubectl not found on PATH');
  });

  describe('on a copy with mistakes', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'sy-k8s-'));
    afterAll(() => rmSync(copy, { recursive: true, force: true }));
    const edit = (file: string, from: string, to: string) => {
      const f = path.join(copy, file);
      const text = readFileSync(f, 'utf8');
      if (!text.includes(from)) throw new Error(`${file} has no ${from}: the test's edit no longer applies`);
      writeFileSync(f, text.replace(from, to));
    };

    it('names each misspelt env variable (ConfigMap key, NAME_FILE, container env), the schema violation and the short grace period', () => {
      cpSync(k8sDir, copy, { recursive: true });
      edit('base/kustomization.yaml', '- WORKER_CONCURRENCY=32', '- WORKER_CONCURENCY=32');
      edit('base/kustomization.yaml', '- OPS_TOKEN_FILE=', '- OPS_TOKN_FILE=');
      edit('base/migrate-job.yaml', 'name: DATABASE_URL_FILE', 'name: DATABASE_ULR_FILE');
      edit('base/receiver.yaml', 'periodSeconds: 5', 'periodSeconds: five');
      edit('base/worker-crm.yaml', 'terminationGracePeriodSeconds: 45', 'terminationGracePeriodSeconds: 20');
      const { status, reports } = validate(copy);
      expect(status).toBe(1);
      for (const r of reports) {
        const problems = r.problems.join('\n');
        expect(problems).toMatch(/container worker-payments: sets WORKER_CONCURENCY, which worker-payments does not read/);
        expect(problems).toMatch(/container ops: sets OPS_TOKN_FILE, which ops does not read/);
        expect(problems).toMatch(/Job\/switchyard-migrate container migrate: sets DATABASE_ULR_FILE, which migrate does not read/);
        expect(problems).toMatch(/Deployment\/receiver: schema: .*periodSeconds must be integer/);
        expect(problems).toMatch(/Deployment\/worker-crm container worker-crm: terminationGracePeriodSeconds \(20\) is not above SHUTDOWN_DEADLINE_MS \(25000 ms\)/);
      }
    });
  });
});
