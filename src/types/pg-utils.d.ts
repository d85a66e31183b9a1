/** pg's own value conversion (exported by the package as `pg/lib/utils`, untyped upstream). */
declare module 'pg/lib/utils.js' {
  /** A bound parameter's text, as pg sends it: null for null or undefined, a Buffer for binary data. */
  export function prepareValue(value: unknown): string | Buffer | null;
  export function escapeLiteral(text: string): string;
  const utils: { prepareValue: typeof prepareValue; escapeLiteral: typeof escapeLiteral };
  export default utils;
}
