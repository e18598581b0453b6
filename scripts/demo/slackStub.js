/*
 * A tiny Slack-compatible Web API server for the offline demo: answers
 * users.lookupByEmail and chat.postMessage the way Slack does and prints the
 * messages it receives. Never used in production.
 */
const http = require('node:http');

function startSlackStub({ onMessage }) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const params = req.headers['content-type']?.includes('json')
        ? JSON.parse(body || '{}')
        : Object.fromEntries(new URLSearchParams(body));
      const method = req.url.replace(/^\/api\//, '').split('?')[0];
      const send = payload => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(payload));
      };
      if (method === 'users.lookupByEmail') {
        const email =
          params.email ||
          new URL(req.url, 'http://x').searchParams.get('email');
        send({
          ok: true,
          user: {
            id: 'U0DEMO',
            name: String(email).split('@')[0],
            profile: { email },
          },
        });
      } else if (method === 'chat.postMessage') {
        onMessage(params);
        send({ ok: true, channel: params.channel, ts: `${Date.now() / 1000}` });
      } else {
        send({ ok: false, error: 'unknown_method' });
      }
    });
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

module.exports = { startSlackStub };
