// Risk rules: rule data (*.rules.json), their schema and the engine that applies them.
export { createRuleEngine, validateRules, RuleEngine, BUILTIN_RULE_SOURCES } from './engine.ts';
export type { RuleLoadResult } from './engine.ts';
export type { Rule, RuleMatch } from './schema.ts';
export { ruleSchema } from './schema.ts';
