// "Export Audit Log": a save dialog (CSV or NDJSON), then the events streamed page by page to
// the file under a cancellable progress notification (export/writer.ts).
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Warden } from '../context.ts';
import { exportEvents, formatOfPath } from '../export/writer.ts';
import { toEventFilter } from '../views/filters.ts';

export async function exportAudit(w: Warden): Promise<void> {
  const filtered = toEventFilter(w.audit.currentFilter);
  const useFilter = Object.keys(filtered).length > 0;
  const target = await vscode.window.showSaveDialog({
    title: 'Warden: Export Audit Log',
    defaultUri: vscode.Uri.file(join(homedir(), `warden-audit-${new Date().toISOString().slice(0, 10)}.csv`)),
    filters: { CSV: ['csv'], NDJSON: ['ndjson', 'jsonl'] },
    saveLabel: 'Export',
  });
  if (!target) return;
  const format = formatOfPath(target.fsPath);
  if (format === null) {
    void vscode.window.showErrorMessage('Warden: export to a file ending in .csv, .ndjson or .jsonl.');
    return;
  }
  const reader = await w.reader();
  const total = reader.count();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Warden: exporting the audit log', cancellable: true },
    async (progress, token) => {
      let last = 0;
      return exportEvents(reader, target.fsPath, {
        format,
        filter: useFilter ? filtered : undefined,
        isCancelled: () => token.isCancellationRequested,
        onProgress: (rows) => {
          if (total > 0) progress.report({ increment: ((rows - last) / total) * 100, message: `${rows.toLocaleString()} events` });
          last = rows;
        },
      });
    },
  );
  if (result.cancelled) {
    void vscode.window.showInformationMessage('Warden: export cancelled; no file was written.');
    return;
  }
  const pick = await vscode.window.showInformationMessage(
    `Warden: exported ${result.rows.toLocaleString()} events${useFilter ? ' (the Audit Log filter applied)' : ''} to ${target.fsPath}.`,
    'Reveal File',
  );
  if (pick) await vscode.commands.executeCommand('revealFileInOS', target);
}
