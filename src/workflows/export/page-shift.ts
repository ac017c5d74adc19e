/**
 * Rows deleted while we page (id- or time-descending) pull older rows up into pages already read.
 * When the answer's total dropped and the page shares nothing with what was already written, rows
 * would be skipped: step back by the pages the drop is worth and read again (de-duplication drops
 * the repeats). Returns how many pages to step back; 0 when this page can be used.
 */
export function pagesToStepBack(
  pageNo: number,
  previousTotal: number | undefined,
  total: number | undefined,
  overlapsWritten: boolean,
  pageSize: number,
): number {
  if (pageNo <= 1 || previousTotal === undefined || total === undefined) return 0;
  if (total >= previousTotal || overlapsWritten) return 0;
  return Math.ceil((previousTotal - total) / pageSize);
}
