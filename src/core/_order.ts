/** Code-point order: the same on every host, whatever its locale (`localeCompare` is not). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
