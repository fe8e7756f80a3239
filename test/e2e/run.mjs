// `npm run test:e2e` (after scripts/e2e-setup.sh and `npm run package`): runs the end-to-end
// test in a real VS Code. Its files are not *.test.ts, so `npm test` never picks them up.
// WARDEN_E2E_KEEP=1 keeps the temp folder (code-server logs, user data) for a look after a run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/e2e/vscode.e2e.ts'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
