/**
 * The browser test's guard: where Chromium is missing, launching fails with an error that
 * says how to install it, so the browser test fails loudly instead of passing unrun.
 */
import { ChromiumMissingError, launchChromium } from './chromium.js';

it('fails with the install hint when the chromium executable is missing', async () => {
  const launching = launchChromium({ executablePath: '/nonexistent/bin/chromium', timeoutMs: 2_000 });
  await expect(launching).rejects.toBeInstanceOf(ChromiumMissingError);
  await expect(launching).rejects.toThrow('chromium is not installed: apt-get install chromium (no executable at /nonexistent/bin/chromium)');
});
