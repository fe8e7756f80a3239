// Test-only extension (test/e2e): lets the e2e test make tool calls through VS Code's own MCP
// client. The test writes <ipc>/requests/<id>.json; this extension answers in
// <ipc>/results/<id>.json. <ipc> comes from WARDEN_E2E_IPC in code-server's environment.
// Requests: {"op": "tools"} → the names in vscode.lm.tools;
//           {"op": "invoke", "tool": name, "input": {...}} → vscode.lm.invokeTool's text parts.
// Each invokeTool without a chat token shows VS Code's "Run <tool>" modal: the test clicks Yes.
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

async function invokeTool(name, input) {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : JSON.stringify(part))).join('\n');
}

async function answer(request) {
  if (request.op === 'tools') return { tools: vscode.lm.tools.map((t) => t.name) };
  if (request.op === 'invoke') return { text: await invokeTool(request.tool, request.input) };
  throw new Error(`unknown op ${request.op}`);
}

function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand('wardenE2e.invokeTool', (name, input) => invokeTool(name, input)));
  const ipc = process.env.WARDEN_E2E_IPC;
  if (!ipc) return;
  const requests = path.join(ipc, 'requests');
  const results = path.join(ipc, 'results');
  fs.mkdirSync(requests, { recursive: true });
  fs.mkdirSync(results, { recursive: true });
  const taken = new Set();
  // Polling, not fs.watch: simple and certain on every file system; the test is not timed on it.
  const timer = setInterval(() => {
    for (const file of fs.readdirSync(requests)) {
      if (!file.endsWith('.json') || taken.has(file)) continue;
      taken.add(file);
      const request = JSON.parse(fs.readFileSync(path.join(requests, file), 'utf8'));
      answer(request).then(
        (value) => write(file, { ok: true, ...value }),
        (err) => write(file, { ok: false, error: String(err && err.message ? err.message : err) }),
      );
    }
  }, 100);
  const write = (file, value) => {
    const tmp = path.join(results, `${file}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, path.join(results, file));
  };
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  fs.writeFileSync(path.join(ipc, 'helper-ready'), String(process.pid));
}

module.exports = { activate, deactivate() {} };
