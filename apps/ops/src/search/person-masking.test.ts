import { maskCustomer, maskEmail, maskName, maskPhone } from './person-masking';

describe('person masking', () => {
  it('masks emails, phones and names', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskPhone('447700900123')).toBe('+44 ••• ••• 123');
    expect(maskPhone('+44 7700 900123')).toBe('+44 ••• ••• 123');
    expect(maskName('Jane  Doe')).toBe('J*** D***');
    expect([maskEmail(null), maskPhone(undefined), maskName('')]).toEqual([null, null, null]);
  });

  it('keeps only the masked fields of a customer object', () => {
    expect(maskCustomer({ id: 'cus_1', email: 'jane@example.com', phone: '+447700900123', name: 'Jane', address: 'somewhere' })).toEqual({
      id: 'cus_1',
      email: 'j***@example.com',
      phone: '+44 ••• ••• 123',
      name: 'J***',
    });
    expect(maskCustomer(null)).toEqual({});
  });
});
