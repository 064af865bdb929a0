/** ATOM datetime in UTC, as the Invoicebox API writes times: `2020-12-22T00:00:00+00:00`. */
export function atom(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
