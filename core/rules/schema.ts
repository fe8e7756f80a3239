// The shape of a risk rule, validated with zod: rule files are data that users can edit, so
// every field is checked and unknown keys (typos such as "graphql_fields") are refused.
import { z } from 'zod';

const oneOrMany = (item: z.ZodString) => z.union([item, z.array(item).min(1)]);

const glob = z.string().min(1).max(500);

/** One lower-case word: `api_key` or `apiKey` would never match, since names are split into words. */
const word = z
  .string()
  .regex(
    /^[a-z0-9]{1,60}$/,
    'expected one lower-case word (letters and digits): names are split at "_", "-" and capitals, so list "key" rather than "api_key"',
  );
const words = z.array(word).min(1).max(200);

export const matchSchema = z
  .strictObject({
    /** HTTP method(s); any case, compared in upper case. */
    method: oneOrMany(z.string().regex(/^[A-Za-z]+$/, 'expected an HTTP method such as "GET"')).optional(),
    /** Globs on the NORMALISED endpoint: `*` = characters within a segment, `**` = anything. */
    path: oneOrMany(glob.regex(/^[/*]/, 'a path glob starts with "/" or "*"')).optional(),
    /** Root field names of the GraphQL operation; globs allowed (`*Delete`). */
    graphql_field: oneOrMany(glob).optional(),
    graphql_type: z.enum(['query', 'mutation', 'subscription']).optional(),
    /** MCP tool name(s); globs allowed. */
    tool: oneOrMany(glob).optional(),
    /** Any of these keys present in the JSON body (nested too) or the query string. */
    params: z.array(z.string().min(1)).min(1).optional(),
    /** Each key must be present with one of the listed values (compared in upper case). */
    param_values: z.record(z.string().min(1), z.array(z.string()).min(1)).optional(),
    /** Any of these words in the normalised endpoint's segments (`/users/{id}/remove`, `api-keys`, `webhook_endpoints`). */
    path_words: words.optional(),
    /** Any of these words in a GraphQL root field name or the operation's name (`deleteUser`, `user_delete`). */
    operation_words: words.optional(),
    /** Each key must be present with a text value containing one of its words (a bulk export's `query`). */
    param_words: z.record(z.string().min(1), words).optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'match needs at least one condition');

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'expected letters, digits, "_", ".", ":" or "-"'),
  platform: z.enum(['shopify', 'meta', 'generic', 'any']),
  match: matchSchema,
  level: z.literal([0, 1, 2, 3], { error: 'expected level 0, 1, 2 or 3' }),
  label: z.string().min(1).max(200),
  category: z.string().min(1).max(60),
  /** Overrides the action derived from method / GraphQL type when this rule matches. */
  action: z.enum(['read', 'write', 'delete']).optional(),
  /**
   * A default: only considered when no regular rule matched (per GraphQL root field, or for
   * the whole request), and then only the first matching fallback counts.
   */
  fallback: z.boolean().optional(),
});

export type RuleMatch = z.infer<typeof matchSchema>;
export type Rule = z.infer<typeof ruleSchema>;
