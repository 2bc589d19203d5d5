/** class-transformer `@Transform` callback: trims strings, leaves other values for the validators to judge. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
