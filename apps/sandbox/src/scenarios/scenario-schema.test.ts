import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario } from './run-scenario';
import { SCENARIOS_DIR, resolveScenarioFile } from './scenario-files';

describe('scenario files', () => {
  it.each(readdirSync(SCENARIOS_DIR).filter((f) => /\.ya?ml$/.test(f)))('%s is valid', (file) => {
    const scenario = loadScenario(join(SCENARIOS_DIR, file));
    expect(scenario.steps.length).toBeGreaterThan(0);
  });

  it('ships the three documented scenarios, found by name', () => {
    for (const name of ['happy-checkout', 'crm-outage', 'duplicate-storm']) expect(resolveScenarioFile(name)).toBeDefined();
  });

  it('converts durations to milliseconds', () => {
    const scenario = parseScenario('name: t\nsteps:\n  - wait: 10m\n  - trigger: { provider: stripe, event: sequence, delay: 2s }');
    expect(scenario.steps[0]?.wait).toBe(600_000);
    expect(scenario.steps[1]?.trigger?.delay).toBe(2000);
  });

  it.each([
    ['name: t\nsteps:\n  - trigger: { provider: stripe, evnt: x }', /steps\.0\.trigger.*evnt/s],
    ['name: t\nsteps:\n  - trigger: { provider: strype, event: x }', /steps\.0\.trigger\.provider/],
    ['name: t\nsteps:\n  - wait: soon', /steps\.0\.wait: invalid duration/],
    ['name: t\nsteps:\n  - wait: 1s\n    reset: true', /steps\.0: a step needs exactly one of/],
    ['name: t\nsteps:\n  - faults: [{ type: latency }]', /steps\.0\.faults\.0\.latencyMs/],
    ['steps: []', /name/],
  ])('rejects %j naming the bad key', (text, message) => {
    expect(() => parseScenario(text)).toThrow(message);
  });
});
