import { readFormBody } from './read-form-body';

describe('readFormBody', () => {
  it('reads a JSON object and an urlencoded form', () => {
    expect(readFormBody('application/json; charset=utf-8', Buffer.from('{"a":1,"b":"x"}'))).toEqual({ a: 1, b: 'x' });
    expect(readFormBody('application/x-www-form-urlencoded', Buffer.from('a=1&b=hello+world&c=%2B44'))).toEqual({ a: '1', b: 'hello world', c: '+44' });
  });

  it('keeps every value of a repeated urlencoded field', () => {
    expect(readFormBody('application/x-www-form-urlencoded', Buffer.from('a=1&a=2&a=3'))).toEqual({ a: ['1', '2', '3'] });
  });

  it('refuses malformed JSON, a JSON non-object and other content types', () => {
    expect(() => readFormBody('application/json', Buffer.from('{'))).toThrow(/body is not valid JSON/);
    expect(() => readFormBody('application/json', Buffer.from('[1]'))).toThrow('JSON body must be an object of field → value');
    expect(() => readFormBody('text/plain', Buffer.from('a'))).toThrow('content type must be application/json or application/x-www-form-urlencoded, got text/plain');
    expect(() => readFormBody(undefined, Buffer.from('a'))).toThrow(/got none/);
  });
});
