// Globs used by rules, compiled once to RegExp. Two dialects:
// - paths: `*` = any characters within one segment, `**` = any characters including `/`;
// - names (GraphQL fields, tools): `*` = any characters.
// Everything else is literal, including `{id}` placeholders. Matches are whole-string.

export function pathGlobToRegExp(glob: string): RegExp {
  return new RegExp('^' + translate(glob, '[^/]*') + '$');
}

export function nameGlobToRegExp(glob: string): RegExp {
  return new RegExp('^' + translate(glob, '.*') + '$');
}

export function hasWildcard(glob: string): boolean {
  return glob.includes('*');
}

function translate(glob: string, single: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += single;
    } else out += c.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}
