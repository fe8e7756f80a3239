// Pause, resume and policy: written to the control file (store/control), which every guard on
// the data dir checks before each call, including Claude Desktop's.
import * as vscode from 'vscode';
import { POLICY_MODES } from '../../../core/protocol/vocabulary.ts';
import type { ControlChange } from '../../../store/control/index.ts';
import type { Warden } from '../context.ts';
import { SETTING_KEYS } from '../settings/schema.ts';

async function change(w: Warden, c: ControlChange): Promise<boolean> {
  try {
    await w.changeControl(c);
    return true;
  } catch (err) {
    // A newer Warden's file is never rewritten (its message says so); otherwise the file system's code.
    const e = err as NodeJS.ErrnoException;
    const why = e.name === 'ControlFileNewerError' ? e.message : `cannot write the control file (${e.code ?? e.message})`;
    void vscode.window.showErrorMessage(`Warden: ${why}`);
    return false;
  }
}

export async function pauseWrites(w: Warden): Promise<void> {
  if (await change(w, { pause: { scope: 'writes', reason: 'paused by the user in the editor' } })) {
    void vscode.window.showInformationMessage('Warden: agent writes are paused in every guard on this data folder; reads still pass.');
  }
}

export async function resumeWrites(w: Warden): Promise<void> {
  if (await change(w, { pause: null })) void vscode.window.showInformationMessage('Warden: agent calls resumed.');
}

const POLICY_TEXT: Record<(typeof POLICY_MODES)[number], string> = {
  monitor: 'Record and alert; every call passes',
  confirm: 'Risky calls need confirmation',
  block: 'Dangerous calls are refused',
};

export async function setPolicy(w: Warden): Promise<void> {
  const current = w.control()?.policy ?? w.settings.current.policy;
  const pick = await vscode.window.showQuickPick(
    POLICY_MODES.map((mode) => ({ label: mode, description: mode === current ? 'current' : '', detail: POLICY_TEXT[mode], mode })),
    { title: 'Warden: Set Policy Mode', placeHolder: 'Applies at once to every running guard on this data folder' },
  );
  if (!pick) return;
  if (!(await change(w, { policy: pick.mode }))) return;
  // The setting is what guards started later get in their env.
  await w.settings.update(SETTING_KEYS.policy, pick.mode);
  void vscode.window.showInformationMessage(`Warden: policy is now ${pick.mode}.`);
}

/** The warden.autoPause setting changed: running guards follow through the control file. */
export async function syncAutoPause(w: Warden): Promise<void> {
  await change(w, { auto_pause: w.settings.current.autoPause });
}
