import { parseSettings } from '@switchyard/settings';
import { validateSubmission } from './validate-submission';
import { must } from '@switchyard/testing';

const form = must(parseSettings(
  {
    version: 1,
    forms: {
      f: {
        fields: {
          name: { type: 'string', required: true, maxLength: 10 },
          email: { type: 'email' },
          phone: { type: 'phone' },
          plan: { type: 'enum', values: ['basic', 'pro'] },
          agree: { type: 'boolean' },
          seats: { type: 'number' },
        },
        routing: 'r',
      },
    },
    leadRouting: { r: { default: { owners: ['a'] } } },
  },
  {},
).forms.f, 'form f');

describe('validateSubmission', () => {
  it('normalises: trimmed text, lower-case email, digits-only phone, typed booleans and numbers', () => {
    expect(validateSubmission(form, { name: ' Ada ', email: 'Ada@Example.COM', phone: '+1 (555) 010-9999', plan: 'pro', agree: 'on', seats: '3' })).toEqual({
      ok: true,
      values: { name: 'Ada', email: 'ada@example.com', phone: '15550109999', plan: 'pro', agree: true, seats: 3 },
    });
    expect(validateSubmission(form, { name: 'Ada', agree: false, seats: 2.5 })).toEqual({ ok: true, values: { name: 'Ada', agree: false, seats: 2.5 } });
  });

  it('treats empty optional fields as absent', () => {
    expect(validateSubmission(form, { name: 'Ada', email: '', phone: '   ', plan: null })).toEqual({ ok: true, values: { name: 'Ada' } });
  });

  it('lists every problem at once, declared fields first', () => {
    const result = validateSubmission(form, { name: 'x'.repeat(11), email: 'ada@', phone: '1234567', plan: 'enterprise', agree: 'sure', seats: 'many', extra: 1 });
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'name', problem: 'too long (at most 10 characters)' },
        { field: 'email', problem: 'not an email address' },
        { field: 'phone', problem: 'not a phone number (8 to 15 digits, with optional +, spaces, dashes and parentheses)' },
        { field: 'plan', problem: 'not allowed (one of: basic, pro)' },
        { field: 'agree', problem: 'must be true or false' },
        { field: 'seats', problem: 'not a number' },
        { field: 'extra', problem: 'unknown field' },
      ],
    });
  });

  it('refuses a missing required field, a phone over 15 digits, a non-text value and a repeated field', () => {
    expect(validateSubmission(form, { phone: '1234567890123456', email: 42, plan: ['basic', 'pro'] })).toEqual({
      ok: false,
      problems: [
        { field: 'name', problem: 'required' },
        { field: 'email', problem: 'must be text' },
        { field: 'phone', problem: expect.stringMatching(/^not a phone number/) },
        { field: 'plan', problem: 'sent more than once' },
      ],
    });
  });

  it('does not take inherited properties for fields', () => {
    expect(validateSubmission(form, JSON.parse('{"name":"Ada","__proto__":{"x":1}}'))).toEqual({ ok: false, problems: [{ field: '__proto__', problem: 'unknown field' }] });
  });
});
