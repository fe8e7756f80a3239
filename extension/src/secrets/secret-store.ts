// Credentials in the editor's SecretStorage (the OS keychain in desktop VS Code): the only place
// they are kept. Reads them as one Credentials value and fires onDidChange when any changes
// (also from another window).
import * as vscode from 'vscode';
import { CREDENTIAL_LABELS, SECRET_KEYS, parseCredentials } from './credentials.ts';
import type { CredentialKind, Credentials } from './credentials.ts';

export class SecretStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  private warned = new Set<CredentialKind>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    const ours = new Set<string>(Object.values(SECRET_KEYS));
    this.sub = secrets.onDidChange((e) => {
      if (ours.has(e.key)) this.changed.fire();
    });
  }

  async read(): Promise<Credentials> {
    const kinds = Object.keys(SECRET_KEYS) as CredentialKind[];
    const values = await Promise.all(kinds.map((k) => this.secrets.get(SECRET_KEYS[k])));
    const { credentials, problems } = parseCredentials(Object.fromEntries(kinds.map((k, i) => [k, values[i]])));
    const fresh = problems.filter((k) => !this.warned.has(k));
    fresh.forEach((k) => this.warned.add(k));
    if (fresh.length > 0) {
      void vscode.window.showWarningMessage(
        `Warden: the stored ${fresh.map((k) => CREDENTIAL_LABELS[k]).join(', ')} could not be read and ${fresh.length > 1 ? 'are' : 'is'} ignored. Set ${fresh.length > 1 ? 'them' : 'it'} again, or clear with "Warden: Clear Credentials".`,
      );
    }
    return credentials;
  }

  async store(kind: CredentialKind, value: string): Promise<void> {
    this.warned.delete(kind);
    await this.secrets.store(SECRET_KEYS[kind], value);
  }

  async delete(kind: CredentialKind): Promise<void> {
    await this.secrets.delete(SECRET_KEYS[kind]);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
