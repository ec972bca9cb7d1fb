/** Where a page of events ended: the last item's (receivedAt, id), newest first. */
export interface EventCursor {
  receivedAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Opaque to clients: base64url of `<receivedAt ISO>|<id>`. */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(`${cursor.receivedAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

/** Null when the string is not a cursor this service issued. */
export function decodeCursor(raw: string): EventCursor | null {
  const [iso, id, ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!iso || !id || rest.length > 0 || !isUuid(id)) return null;
  const receivedAt = new Date(iso);
  if (Number.isNaN(receivedAt.getTime()) || receivedAt.toISOString() !== iso) return null;
  return { receivedAt, id };
}
