// Loading rule data: accepts `[...]` or `{ "rules": [...] }`, validates every rule on its own
// so one bad rule is reported (by id or index, with its source) and the others still load.
import { ruleSchema } from './schema.ts';
import type { Rule } from './schema.ts';

export function validateRules(input: unknown, source: string): { rules: Rule[]; errors: string[] } {
  const list = ruleList(input);
  if (list === null) {
    return {
      rules: [],
      errors: [`${source}: expected an array of rules or an object {"rules": [...]}, got ${describe(input)}`],
    };
  }
  const rules: Rule[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const name = ruleName(item, index);
    const parsed = ruleSchema.safeParse(item);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'rule'}: ${i.message}`);
      errors.push(`${source}: ${name}: ${problems.join('; ')}`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      errors.push(`${source}: ${name}: duplicate id in this file, the first definition is kept`);
      return;
    }
    seen.add(parsed.data.id);
    rules.push(parsed.data);
  });
  return { rules, errors };
}

function ruleList(input: unknown): unknown[] | null {
  if (Array.isArray(input)) return input;
  if (typeof input === 'object' && input !== null && Array.isArray((input as { rules?: unknown }).rules)) {
    return (input as { rules: unknown[] }).rules;
  }
  return null;
}

function ruleName(item: unknown, index: number): string {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? `rule "${id}" (#${index})` : `rule #${index}`;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'object') return 'an object without a "rules" array';
  return `a ${typeof input}`;
}
