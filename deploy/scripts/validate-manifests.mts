// ESM (.mts): the model packages are ESM-only.
// Renders every Kustomize overlay under deploy/k8s/overlays with kubectl and checks what it
// produced, offline (no cluster):
//   - every object against its Kubernetes or KEDA schema (kubernetes-models, @kubernetes-models/keda);
//   - every environment variable a manifest gives a Switchyard container (env, envFrom ConfigMaps,
//     NAME_FILE variants) is one that program reads: its env.ts schema, or a ${NAME} placeholder
//     of the settings file the manifests mount, for the apps that load it;
//   - what the apps assume of the manifests: NAME_FILE paths lie on a mounted Secret (and, where
//     the overlay renders the Secret, name one of its keys), probes on /readyz and /healthz, a
//     worker's grace period above its SHUTDOWN_DEADLINE_MS, non-root containers, and each
//     ScaledObject reading /backlog from its own worker's Service.
// Usage: tsx deploy/scripts/validate-manifests.mts [k8s-dir] [--json]; exit 1 on any problem,
// 2 when kubectl is missing.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { dbEnvSchema, waitForMigrationsEnvSchema } from '@switchyard/db/src/env';
import { envSchema as opsEnv } from '@switchyard/ops/src/env';
import { envSchema as receiverEnv } from '@switchyard/receiver/src/env';
import { envSchema as sandboxEnv } from '@switchyard/sandbox/src/env';
import { envSchema as crmEnv } from '@switchyard/worker-crm/src/env';
import { envSchema as paymentsEnv } from '@switchyard/worker-payments/src/env';
import { envSchema as whatsappEnv } from '@switchyard/worker-whatsapp/src/env';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are untyped YAML until validated
type Obj = any;
interface Model {
  validate(): void;
}
const models: Record<string, new (data: Obj) => Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** What each Switchyard container (by container name) reads, and whether it loads the settings file. */
const programs: Record<string, { schema: z.ZodObject; settings: boolean }> = {
  receiver: { schema: receiverEnv, settings: true },
  ops: { schema: opsEnv, settings: true },
  'worker-payments': { schema: paymentsEnv, settings: true },
  'worker-crm': { schema: crmEnv, settings: true },
  'worker-whatsapp': { schema: whatsappEnv, settings: true },
  sandbox: { schema: sandboxEnv, settings: false },
  'wait-for-migrations': { schema: waitForMigrationsEnvSchema, settings: false },
  migrate: { schema: dbEnvSchema, settings: false },
};
const workers = new Set(['worker-payments', 'worker-crm', 'worker-whatsapp']);
const FILE_SUFFIX = '_FILE';

export interface OverlayReport {
  overlay: string;
  kinds: Record<string, number>;
  problems: string[];
}

export class KubectlMissingError extends Error {}

function render(dir: string): Obj[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new KubectlMissingError('kubectl not found on PATH: it renders the Kustomize overlays (install the kubectl client, e.g. the Debian/Kubernetes apt package; no cluster is needed)');
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  const objects = parseAllDocuments(out).map((d) => d.toJS() as Obj).filter(Boolean);
  // kubectl kustomize wraps long base64 values over lines; the API server's decoder skips the
  // newlines, the schema's "byte" format does not.
  for (const o of objects) if (o.kind === 'Secret' && o.data) for (const k of Object.keys(o.data)) o.data[k] = String(o.data[k]).replace(/\s+/g, '');
  return objects;
}

/** `${NAME}` placeholders in the string values of a settings document (comments do not count). */
function placeholders(doc: unknown, into = new Set<string>()): Set<string> {
  if (typeof doc === 'string') for (const m of doc.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) into.add(m[1] as string);
  else if (Array.isArray(doc)) doc.forEach((v) => placeholders(v, into));
  else if (doc && typeof doc === 'object') Object.values(doc).forEach((v) => placeholders(v, into));
  return into;
}

function check(overlay: string, objects: Obj[]): OverlayReport {
  const problems: string[] = [];
  const kinds: Record<string, number> = {};
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const id = (o: Obj) => `${o.kind}/${o.metadata?.name}`;

  for (const o of objects) {
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    const Model = models[`${o.apiVersion}/${o.kind}`];
    if (!Model) {
      problems.push(`${id(o)}: no schema known for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err) {
      problems.push(`${id(o)}: schema: ${(err as Error).message}`);
    }
  }

  const configMaps = new Map<string, Obj>(byKind('ConfigMap').map((c) => [c.metadata.name, c]));
  const secrets = new Map<string, Obj>(byKind('Secret').map((s) => [s.metadata.name, s]));
  const services = new Map<string, Obj>(byKind('Service').map((s) => [s.metadata.name, s]));

  for (const w of [...byKind('Deployment'), ...byKind('Job')]) {
    const pod = w.spec?.template?.spec ?? {};
    const volumes = new Map<string, Obj>((pod.volumes ?? []).map((v: Obj) => [v.name, v]));
    const containers: Obj[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    for (const c of containers) {
      if (!String(c.image ?? '').includes('switchyard/')) continue;
      const where = `${id(w)} container ${c.name}`;
      const program = programs[c.name];
      if (!program) {
        problems.push(`${where}: not a known Switchyard program (container names: ${Object.keys(programs).join(', ')})`);
        continue;
      }
      const vars = new Map<string, string | undefined>();
      for (const e of c.env ?? []) vars.set(e.name, e.value);
      for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef ?? from.secretRef;
        const source = from.configMapRef ? configMaps.get(ref.name) : secrets.get(ref.name);
        if (!source) {
          if (from.configMapRef) problems.push(`${where}: envFrom ConfigMap ${ref.name} is not among the rendered objects`);
          continue;
        }
        for (const [k, v] of Object.entries<string>(source.data ?? source.stringData ?? {})) vars.set(k, from.secretRef ? undefined : v);
      }

      const reads = new Set(Object.keys(program.schema.shape));
      if (program.settings) {
        const file = vars.get('SWITCHYARD_CONFIG');
        const mount = (c.volumeMounts ?? []).find((m: Obj) => file?.startsWith(`${m.mountPath}/`));
        const cm = mount && volumes.get(mount.name)?.configMap && configMaps.get(volumes.get(mount.name).configMap.name);
        const text = cm?.data?.[path.posix.basename(file ?? '')];
        if (!file || text === undefined) problems.push(`${where}: SWITCHYARD_CONFIG (${file ?? 'unset'}) is not a file of a mounted ConfigMap`);
        else for (const p of placeholders(parseYaml(text))) reads.add(p);
      }

      for (const [name, value] of vars) {
        const base = name.endsWith(FILE_SUFFIX) ? name.slice(0, -FILE_SUFFIX.length) : undefined;
        if (reads.has(name)) continue;
        if (!base || !reads.has(base)) {
          problems.push(`${where}: sets ${name}, which ${c.name} does not read (not in its env.ts${program.settings ? ' nor a ${NAME} of its settings file' : ''})`);
          continue;
        }
        // NAME_FILE: the file must lie on a mounted Secret, and be one of its keys where the Secret is rendered.
        const mount = (c.volumeMounts ?? []).find((m: Obj) => value?.startsWith(`${m.mountPath}/`));
        const secretName = mount && volumes.get(mount.name)?.secret?.secretName;
        if (!secretName) {
          problems.push(`${where}: ${name}=${value} is not on a mounted Secret`);
          continue;
        }
        const secret = secrets.get(secretName);
        const key = path.posix.relative(mount.mountPath, value as string);
        if (secret && !(key in (secret.data ?? {})) && !(key in (secret.stringData ?? {}))) problems.push(`${where}: ${name} names ${key}, which Secret ${secretName} does not hold`);
      }

      const isApp = !['wait-for-migrations', 'migrate'].includes(c.name) && c.name !== 'sandbox' && (pod.containers ?? []).includes(c);
      if (isApp) {
        if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: readiness probe is not GET /readyz`);
        if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${where}: liveness probe is not GET /healthz`);
      }
      if (workers.has(c.name)) {
        const deadlineMs = Number(vars.get('SHUTDOWN_DEADLINE_MS') ?? program.schema.shape.SHUTDOWN_DEADLINE_MS?.parse(undefined));
        const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
        if (!(graceMs > deadlineMs)) problems.push(`${where}: terminationGracePeriodSeconds (${graceMs / 1000}) is not above SHUTDOWN_DEADLINE_MS (${deadlineMs} ms)`);
      }
      const runAsNonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not set`);
      if (!c.resources?.requests || !c.resources?.limits) problems.push(`${where}: resources need both requests and limits`);
    }
  }

  for (const so of byKind('ScaledObject')) {
    const target = so.spec?.scaleTargetRef?.name;
    for (const t of so.spec?.triggers ?? []) {
      if (t.type !== 'metrics-api') continue;
      const url = new URL(t.metadata?.url ?? 'http://invalid');
      const [svcName, ns] = url.hostname.split('.');
      const svc = services.get(svcName ?? '');
      if (svcName !== target) problems.push(`${id(so)}: scales ${target} on ${url.hostname}, another app's endpoint`);
      if (ns !== so.metadata.namespace) problems.push(`${id(so)}: ${url.hostname} is not in namespace ${so.metadata.namespace}`);
      if (!svc?.spec?.ports?.some((p: Obj) => String(p.port) === url.port)) problems.push(`${id(so)}: Service ${svcName} has no port ${url.port}`);
      if (url.pathname !== '/backlog' || t.metadata?.valueLocation !== 'backlog') problems.push(`${id(so)}: reads ${url.pathname} ${t.metadata?.valueLocation}, not /backlog's backlog`);
    }
  }
  return { overlay, kinds, problems };
}

export function validateManifests(k8sDir: string): OverlayReport[] {
  const overlaysDir = path.join(k8sDir, 'overlays');
  const overlays = readdirSync(overlaysDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return overlays.map((o) => check(o, render(path.join(overlaysDir, o))));
}

function main(): void {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const dir = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../k8s', import.meta.url));
  let reports: OverlayReport[];
  try {
    reports = validateManifests(dir);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(err instanceof KubectlMissingError ? 2 : 1);
  }
  if (json) console.log(JSON.stringify(reports));
  else
    for (const r of reports) {
      const total = Object.values(r.kinds).reduce((a, b) => a + b, 0);
      console.log(`overlay ${r.overlay}: ${total} objects (${Object.entries(r.kinds).sort().map(([k, n]) => `${k} ${n}`).join(', ')}), ${r.problems.length} problem(s)`);
      for (const p of r.problems) console.log(`  - ${p}`);
    }
  process.exit(reports.some((r) => r.problems.length) ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
