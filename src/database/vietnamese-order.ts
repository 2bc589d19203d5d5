/**
 * ORDER BY terms for lists people read, in Vietnamese order: the ICU `vi`
 * collation (created by the migrations: Đ after D, Ơ after O, tones after the
 * base letter, instead of code-point order that puts Đặng and Đỗ after Võ).
 * People are sorted as Vietnamese lists are: by given name (the last word),
 * then by the rest of the name (family and middle names).
 */

/** `Nguyễn Văn An` → sorted under `An`, then `Nguyễn Văn`. */
export const viPersonOrder = (column: string): string =>
  `substring(btrim(${column}) from '(\\S+)$') COLLATE vi, regexp_replace(btrim(${column}), '\\s*\\S+$', '') COLLATE vi`;

/** A unit's (or any) name in Vietnamese alphabetical order. */
export const viTextOrder = (column: string): string => `${column} COLLATE vi`;
