// Loads Prisma's WebAssembly schema engine so migrations run with no native binary and no
// internet. The package is a bundler build, so it is wired up by hand (see shared FACTS.md).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Node has WebAssembly, but its types live in lib.dom, which server code should not pull in.
type WasmExports = Record<string, unknown>;
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WasmExports): void;
  SchemaEngine: typeof SchemaEngine;
};

let loaded: Promise<EngineModule> | undefined;

function loadEngineModule(): Promise<EngineModule> {
  loaded ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the wasm glue is CommonJS-loadable only through require here
    const bg = require('@prisma/schema-engine-wasm/schema_engine_bg') as EngineModule;
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const { instance } = await wasm.instantiate(await readFile(wasmPath), { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })();
  return loaded;
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): void;
}

export async function openSchemaEngine(databaseUrl: string, schemaPath: string, schemaText: string, log: (line: string) => void = () => {}): Promise<EngineHandle> {
  const mod = await loadEngineModule();
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const engine = await mod.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, (line: string) => log(line), adapterFactory);
  return { engine, close: () => engine.free() };
}
