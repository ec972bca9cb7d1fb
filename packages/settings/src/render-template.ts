import { placeholderPattern, type TemplatePath } from './template-paths';

/** What a message can be about. Every value is optional; a missing one renders as an empty string. */
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

/** The template's parameters, in order, filled from the context. */
export function renderTemplateParameters(template: { parameters: readonly string[] }, context: TemplateContext): string[] {
  return template.parameters.map((path) => valueAt(context, path));
}

/** Replaces every `{{path}}` in a free-form text with the context's value. */
export function renderText(text: string, context: TemplateContext): string {
  return text.replace(placeholderPattern, (_, path: string) => valueAt(context, path));
}
