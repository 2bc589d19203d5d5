/**
 * A validator's RegExp as an OpenAPI `pattern` (ECMA-262, no flags): for the
 * case-insensitive time formats, the letters T and Z accept either case.
 */
export function schemaPattern(re: RegExp): string {
  return re.flags.includes('i') ? re.source.replace(/(?<!\\)T/g, '[Tt]').replace(/(?<!\\)Z/g, '[Zz]') : re.source;
}
