import { formatAmount, missingTemplateValues, renderTemplateParameters, renderText, type TemplateContext } from './index';

const context: TemplateContext = {
  customer: { name: 'Ada', phone: '15551234567' },
  payment: { amount: formatAmount(1250, 'usd'), id: 'pi_1', link: 'https://pay.example/pi_1' },
  order: { id: 'ord_9' },
  lead: { owner: 'anna@example.com' },
};

describe('renderTemplateParameters', () => {
  it('fills the parameters in order, missing values as empty strings', () => {
    expect(renderTemplateParameters({ parameters: ['customer.name', 'payment.amount', 'order.id', 'refund.amount', 'lead.owner'] }, context)).toEqual(['Ada', '12.50 USD', 'ord_9', '', 'anna@example.com']);
    expect(renderTemplateParameters({ parameters: [] }, context)).toEqual([]);
    expect(renderTemplateParameters({ parameters: ['customer.email', 'message.error'] }, {})).toEqual(['', '']);
  });

  it('never reads inherited properties', () => {
    expect(renderTemplateParameters({ parameters: ['customer.constructor', 'toString.x'] }, context)).toEqual(['', '']);
  });
});

describe('fallbacks and missing values', () => {
  const receipt = { parameters: ['customer.name', 'payment.amount', 'order.id'], text: 'Thanks {{customer.name}}! {{payment.amount}} for order {{order.id}}.' };

  it('names every value a template needs and the context lacks, parameters and text alike', () => {
    expect(missingTemplateValues(receipt, { payment: { amount: '497.99 USD' } })).toEqual(['customer.name', 'order.id']);
    expect(missingTemplateValues(receipt, { customer: { name: '  ' }, payment: { amount: '497.99 USD' }, order: { id: 'ord_1' } })).toEqual(['customer.name']);
    expect(missingTemplateValues({ parameters: [], text: 'Pay again: {{payment.link}}' }, {})).toEqual(['payment.link']);
    expect(missingTemplateValues(receipt, context)).toEqual([]);
  });

  it('a configured fallback fills an empty value and is not missing', () => {
    const withFallback = { ...receipt, fallbacks: { 'customer.name': 'there' } };
    const sparse: TemplateContext = { payment: { amount: '497.99 USD' }, order: { id: 'ord_1' } };
    expect(missingTemplateValues(withFallback, sparse)).toEqual([]);
    expect(renderTemplateParameters(withFallback, sparse)).toEqual(['there', '497.99 USD', 'ord_1']);
    expect(renderText(withFallback.text, sparse, withFallback.fallbacks)).toBe('Thanks there! 497.99 USD for order ord_1.');
    expect(renderTemplateParameters(withFallback, context)).toEqual(['Ada', '12.50 USD', 'ord_9']);
  });
});

describe('renderText', () => {
  it('replaces every {{path}}, with or without spaces', () => {
    expect(renderText('Thanks {{customer.name}}! {{ payment.amount }} for {{order.id}}; pay at {{payment.link}}', context)).toBe('Thanks Ada! 12.50 USD for ord_9; pay at https://pay.example/pi_1');
  });

  it('renders missing values as empty strings and leaves other text alone', () => {
    expect(renderText('Refund {{refund.amount}} / {{deal.stage}} {single} braces', context)).toBe('Refund  /  {single} braces');
  });
});

describe('formatAmount', () => {
  it.each([
    [1250, 'usd', '12.50 USD'],
    [5, 'eur', '0.05 EUR'],
    [0, 'inr', '0.00 INR'],
    [100000, 'INR', '1000.00 INR'],
    [-1999, 'gbp', '-19.99 GBP'],
    [500, 'jpy', '500 JPY'],
    [12000, 'KRW', '12000 KRW'],
  ])('%d %s → %s', (minor, currency, expected) => {
    expect(formatAmount(minor, currency)).toBe(expected);
  });

  it('refuses a non-integer amount', () => {
    expect(() => formatAmount(12.5, 'usd')).toThrow(/integer number of minor units/);
  });
});
