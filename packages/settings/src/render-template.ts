import { placeholderPattern, type TemplatePath } from './template-paths';

/** What a message can be about. Every value is optional; a missing one renders as its fallback, else an empty string. */
export interface TemplateContext {
  customer?: { name?: string; phone?: string; email?: string };
  payment?: { amount?: string; currency?: string; id?: string; link?: string; gateway?: string };
  order?: { id?: string };
  refund?: { amount?: string };
  lead?: { name?: string; owner?: string };
  deal?: { stage?: string };
  message?: { error?: string };
}

function valueAt(context: TemplateContext, path: TemplatePath | string): string {
  const [section, key] = path.split('.');
  if (!section || !key || !Object.hasOwn(context, section)) return '';
  const part = context[section as keyof TemplateContext] as Record<string, unknown> | undefined;
  const value = part && Object.hasOwn(part, key) ? part[key] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

/** What a template declares: its parameters in order, what to say when a value is empty, its text. */
export interface TemplateValues {
  parameters: readonly string[];
  fallbacks?: Partial<Record<string, string>>;
  text?: string;
}

const fill = (template: TemplateValues, context: TemplateContext, path: string) => valueAt(context, path) || template.fallbacks?.[path] || '';

/**
 * The values a template needs that the context does not have and no fallback covers: its
 * parameters, and the `{{path}}`s of its text. WhatsApp refuses a template with an empty
 * parameter (131008), and an empty value in a text reads as a mistake, so such a message is not
 * planned at all.
 */
export function missingTemplateValues(template: TemplateValues, context: TemplateContext): string[] {
  const used = [...template.parameters, ...(template.text ? [...template.text.matchAll(placeholderPattern)].map((m) => m[1] ?? '') : [])];
  return [...new Set(used.filter((path) => fill(template, context, path).trim() === ''))];
}

/** The template's parameters, in order, filled from the context (or their fallbacks). */
export function renderTemplateParameters(template: TemplateValues, context: TemplateContext): string[] {
  return template.parameters.map((path) => fill(template, context, path));
}

/** Replaces every `{{path}}` in a free-form text with the context's value (or its fallback). */
export function renderText(text: string, context: TemplateContext, fallbacks: TemplateValues['fallbacks'] = {}): string {
  return text.replace(placeholderPattern, (_, path: string) => fill({ parameters: [], fallbacks }, context, path));
}
