import { z } from 'zod';

/** A secret list in a connection: comma-separated string (env style) or YAML list. */
export const secretListField = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'needs at least one secret'));
