import type { AuditRecord } from '@switchyard/db';

export const AUDIT_CSV_HEADER = 'id,at,actor,action,target,reason,details\r\n';

/**
 * One CSV cell. Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is
 * prefixed with a quote: actors, targets and reasons are typed by people and must not execute.
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One audit entry as a CSV row (RFC 4180, CRLF line ends), details as JSON. */
export function auditCsvRow(entry: AuditRecord): string {
  return `${[entry.id, entry.at.toISOString(), entry.actor, entry.action, entry.target, entry.reason ?? '', JSON.stringify(entry.details)].map((v) => cell(String(v))).join(',')}\r\n`;
}
