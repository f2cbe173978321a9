/**
 * Headless Chromium from Debian's `chromium` package, driven by playwright-core (which ships
 * no browser). Where the package is missing the caller gets an error that says how to
 * install it: a browser test must fail there, never pass without having run.
 */
import { access, constants } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export class ChromiumMissingError extends Error {
  constructor(executablePath: string) {
    super(`chromium is not installed: apt-get install chromium (no executable at ${executablePath})`);
    this.name = 'ChromiumMissingError';
  }
}

export interface LaunchChromiumOptions {
  /** Default `/usr/bin/chromium`; other values only to test the missing-browser path. */
  executablePath?: string;
  /** Launch time limit. Default 20 000 ms. */
  timeoutMs?: number;
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(executablePath);
  }
  return chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS],
    headless: true,
    timeout: options.timeoutMs ?? 20_000,
  });
}
