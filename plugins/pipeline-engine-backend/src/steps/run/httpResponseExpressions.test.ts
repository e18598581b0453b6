import {
  evaluateHttpAssertion,
  renderHttpOutput,
  type HttpResponseValues,
} from './httpResponseExpressions';

const response: HttpResponseValues = {
  httpResponseCode: 200,
  httpResponseBody: JSON.stringify({
    status: 'success',
    count: 3,
    a: { 'b>c': 'angle' },
    list: ['x', 'y'],
  }),
  httpUrl: 'https://api.example.com/v1/x',
  httpMethod: 'GET',
};

describe('evaluateHttpAssertion', () => {
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
    ['<+json.object(httpResponseBody).status> == "success"', true],
    ['<+json.list("list", httpResponseBody).size()> == 2', true],
    ["<+json.select('a[\"b>c\"]', httpResponseBody)> == 'angle'", true],
    ['<+httpResponseBody>.contains("success")', true],
    ['<+httpResponseBody.contains("success")>', true],
    ['!(<+httpUrl>.startsWith("https://api.example.com"))', false],
    ['<+httpMethod>.toLowerCase() == "get" && true', true],
    [
      '(<+httpResponseCode> == 404 || <+httpResponseCode> == 200) && !false',
      true,
    ],
    ['<+httpResponseCode> == 200 && <+httpResponseBody> != ""', true],
  ])('%s → %s', (assertion, expected) => {
    expect(evaluateHttpAssertion(assertion, response)).toBe(expected);
  });

  it('short-circuits bare operands, so json.select on a non-JSON body can be guarded', () => {
    // `<+...>` operands are all evaluated before the condition (as in Harness); bare ones only when reached.
    const html = {
      ...response,
      httpResponseCode: 500,
      httpResponseBody: '<html>',
    };
    expect(
      evaluateHttpAssertion(
        '<+httpResponseCode> == 200 && json.select("status", httpResponseBody) == "success"',
        html,
      ),
    ).toBe(false);
    expect(() =>
      evaluateHttpAssertion(
        '<+json.select("status", httpResponseBody)> == "success"',
        html,
      ),
    ).toThrow(
      /json\.select\(\): the text is not JSON \(starts with "<html>"\)/,
    );
  });

  it.each([
    ['<+httpResponseCode> ==', /invalid syntax: unexpected end of expression/],
    ['<+httpResponseCode == 200', /unterminated|never closed/],
    ['<+response.code> == 200', /"response" is not a known name/],
    [
      '<+httpStatus> == 200',
      /"httpStatus" is not a known name \(did you mean "httpResponseCode"|"httpStatus" is not a known name/,
    ],
    [
      '<+json.parse(httpResponseBody)> == 1',
      /method parse\(\) is not available/,
    ],
    [
      '<+httpResponseBody>.frobnicate()',
      /method frobnicate\(\) is not available/,
    ],
    [
      '<+httpResponseCode>',
      /condition must evaluate to true or false, got 200/,
    ],
  ])('rejects %s with a clear message', (assertion, message) => {
    expect(() => evaluateHttpAssertion(assertion, response)).toThrow(message);
    expect(() => evaluateHttpAssertion(assertion, response)).toThrow(
      /^spec\.assertion ".*" cannot be evaluated: .*It can read <\+httpResponseCode>, <\+httpResponseBody>, <\+httpUrl>, <\+httpMethod> and json\.select/s,
    );
  });
});

describe('renderHttpOutput', () => {
  it('renders templates and bare expressions, and keeps other text', () => {
    expect(
      renderHttpOutput(
        'v',
        '<+json.select("list", httpResponseBody)>',
        response,
      ),
    ).toBe('["x","y"]');
    expect(
      renderHttpOutput(
        'v',
        '<+json.select("nope", httpResponseBody)>',
        response,
      ),
    ).toBe('');
    expect(
      renderHttpOutput('v', '<+json.object(httpResponseBody).count>', response),
    ).toBe('3');
    expect(
      renderHttpOutput('v', 'code <+httpResponseCode> at <+httpUrl>', response),
    ).toBe('code 200 at https://api.example.com/v1/x');
    expect(renderHttpOutput('v', 'httpResponseCode', response)).toBe('200');
    expect(
      renderHttpOutput(
        'v',
        'json.select("status", httpResponseBody)',
        response,
      ),
    ).toBe('success');
    expect(renderHttpOutput('v', 'a > b == c', response)).toBe('a > b == c');
    expect(renderHttpOutput('v', 'plain', response)).toBe('plain');
    expect(renderHttpOutput('v', '', response)).toBe('');
  });

  it('names the output variable when its value cannot be evaluated', () => {
    expect(() =>
      renderHttpOutput('id', '<+json.select("id", httpBody)>', response),
    ).toThrow(
      /^output variable id "<\+json\.select\(\\"id\\", httpBody\)>" cannot be evaluated: .*"httpBody" is not a known name/,
    );
  });
});
