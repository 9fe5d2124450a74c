/**
 * Renders rows as a table: headers first, columns aligned on their widest cell.
 *
 * @example
 * renderTable(['ID', 'STATUS'], [['1a2b3c4d', 'active']])
 * // 'ID        STATUS\n1a2b3c4d  active'
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return renderColumns([headers, ...rows])
}

/**
 * Renders rows as columns aligned on their widest cell, two spaces apart; the last column is
 * not padded, so lines carry no trailing blanks.
 *
 * @example
 * renderColumns([['status', 'active'], ['agent', 'echo']])
 * // 'status  active\nagent   echo'
 */
export function renderColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, width(cell))
    })
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - width(cell)),
      )
      .join('  ')
      .trimEnd()
  return rows.map(line).join('\n')
}

// Code points, not UTF-16 units: a character outside the BMP counts once.
function width(text: string): number {
  return [...text].length
}
