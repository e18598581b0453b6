import { evaluateAssertion, jsonSelect, renderHttpValue, type HttpResponseValues } from './httpExpressions';

const response: HttpResponseValues = {
  httpResponseCode: 200,
  httpResponseBody: JSON.stringify({ status: 'success', count: 3, a: { 'b>c': 'angle' }, list: ['x', 'y'] }),
  httpUrl: 'https://api.example.com/v1/x',
  httpMethod: 'GET',
};

describe('evaluateAssertion', () => {
  it.each([
    ['<+httpResponseCode> == 200', true],
    ['<+httpResponseCode>==200', true],
    ['200==<+httpResponseCode>', true],
    ['<+httpResponseCode> != 200', false],
    ['<+httpResponseCode> == "200"', true],
    ['<+httpResponseCode> >= 200 && <+httpResponseCode> < 300', true],
    ['<+httpResponseCode> > 200 || <+httpMethod> == "GET"', true],
    ['<+json.select("status", httpResponseBody)> == "success"', true],
    ['json.select("status", httpResponseBody) == "success"', true],
    ['<+json.select("count", httpResponseBody)> == 3', true],
    ["<+json.select('a[\"b>c\"]', httpResponseBody)> == 'angle'", true],
    ['<+httpResponseBody>.contains("success")', true],
    ['!(<+httpUrl>.startsWith("https://api.example.com"))', false],
    ['<+httpMethod>.toLowerCase() == "get" && true', true],
    ['(<+httpResponseCode> == 404 || <+httpResponseCode> == 200) && !false', true],
    ['<+httpResponseCode> == 200 && <+httpResponseBody> != ""', true],
  ])('%s → %s', (assertion, expected) => {
    expect(evaluateAssertion(assertion, response)).toBe(expected);
  });

  it('short-circuits, so json.select on a non-JSON body can be guarded', () => {
    const html = { ...response, httpResponseCode: 500, httpResponseBody: '<html>' };
    expect(evaluateAssertion('<+httpResponseCode> == 200 && <+json.select("status", httpResponseBody)> == "success"', html)).toBe(false);
    expect(() => evaluateAssertion('<+json.select("status", httpResponseBody)> == "success"', html)).toThrow(
      /json\.select\("status"\): the text is not JSON \(starts with "<html>"\)/,
    );
  });

  it.each([
    ['<+httpResponseCode> ==', /unexpected end/],
    ['<+httpResponseCode == 200', /expected ">"/],
    ['<+response.code> == 200', /unknown name "response"/],
    ['<+httpResponseCode> == 200 200', /unexpected text/],
    ['<+json.list("a", httpResponseBody)> == 1', /json\.list is not supported/],
    ['<+httpResponseBody>.frobnicate()', /unknown method "frobnicate"/],
    ['<+httpResponseCode>', /expected true or false, got 200/],
    ['"unterminated', /unterminated string/],
  ])('rejects %s', (assertion, message) => {
    expect(() => evaluateAssertion(assertion, response)).toThrow(message);
  });
});

describe('renderHttpValue', () => {
  it('renders templates and bare expressions, and keeps other text', () => {
    expect(renderHttpValue('<+json.select("list", httpResponseBody)>', response)).toBe('["x","y"]');
    expect(renderHttpValue('code <+httpResponseCode> at <+httpUrl>', response)).toBe('code 200 at https://api.example.com/v1/x');
    expect(renderHttpValue('httpResponseCode', response)).toBe('200');
    expect(renderHttpValue('a > b == c', response)).toBe('a > b == c');
    expect(renderHttpValue('plain', response)).toBe('plain');
    expect(renderHttpValue('', response)).toBe('');
  });
});

describe('jsonSelect', () => {
  it('accepts paths with or without $ and returns one value, a list, or null', () => {
    const json = { data: [{ id: 1 }, { id: 2 }] };
    expect(jsonSelect('data[0].id', json)).toBe(1);
    expect(jsonSelect('$.data[*].id', JSON.stringify(json))).toEqual([1, 2]);
    expect(jsonSelect('[0]', '[7]')).toBe(7);
    expect(jsonSelect('nope', json)).toBeNull();
  });
});
