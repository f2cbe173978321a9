/**
 * `pnpm --filter @neonpanel-mcp/server token -- --user alice --scope "read:companies"`:
 * prints an access token for a demo user. See authServer/tokenCli.ts.
 */
import { runTokenCli } from './authServer/tokenCli.js';

process.exitCode = await runTokenCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
