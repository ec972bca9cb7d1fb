import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashPassword } from '@switchyard/ops/src/auth/password-hash';
import { CONSOLE_DIST } from '@switchyard/ops/src/console/serve-console';
import type { ConsoleRole, ConsoleSettings } from '@switchyard/settings';

// What every browser test of the console shares: Debian's chromium driven by playwright-core, the
// console's users, signing in, and screenshots in docs/screenshots/<name>.png (the root README shows them).

export const SCREENSHOTS = path.resolve(__dirname, '../../../../docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// The cheapest scrypt cost the settings accept: the tests sign in several times.
const TEST_COST = { N: 2 ** 14, r: 8, p: 1 };

export interface ConsoleUserLogin {
  name: string;
  password: string;
  role: ConsoleRole;
  /** `revealPersonalData` in the configuration file (false unless set). */
  revealPersonalData?: boolean;
}

/** Refuses to start without a built console or a browser, naming the fix; launches chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error(`the console is not built (no ${CONSOLE_DIST}/index.html): run pnpm --filter @switchyard/console build first`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (scripts/test.sh does)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** The configuration file's console section for these users, their passwords hashed as the settings require. */
export async function consoleSettingsFor(users: ConsoleUserLogin[]): Promise<ConsoleSettings> {
  return {
    users: await Promise.all(users.map(async (u) => ({ name: u.name, role: u.role, passwordHash: await hashPassword(u.password, TEST_COST), revealPersonalData: u.revealPersonalData ?? false }))),
    sessionHours: 12,
    idleMinutes: 60,
  };
}

/** Signs in through the form and waits until the top bar names the user. */
export async function signIn(page: Page, url: string, user: ConsoleUserLogin): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('User name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`${user.name} (${user.role})`).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
