// jest globalSetup: builds the MCP Apps views (src/views/build.ts) into dist/views, as `pnpm build` does.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function buildViews() {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [root] }), 'src/views/build.ts'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
};
