// Loads the rule engine: built-in rule sets plus the user's rules file from the data dir
// (<dataDir>/rules.json), validated rule by rule so one bad rule never disables the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuleEngine, type RuleEngine } from '../core/rules/engine.ts';

export const USER_RULES_FILE = 'rules.json';

export function loadRuleEngine(dataDir: string, warn: (msg: string) => void): RuleEngine {
  const path = join(dataDir, USER_RULES_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (text === null) return createRuleEngine().engine;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    warn(`${path} is not valid JSON (${(err as Error).message}); only the built-in rules are loaded`);
    return createRuleEngine().engine;
  }
  const { engine, errors } = createRuleEngine({ input, source: path });
  for (const e of errors) warn(`rules: ${e}`);
  return engine;
}
