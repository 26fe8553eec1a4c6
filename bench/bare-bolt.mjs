// The framework's floor for the production benchmark (bench/production.ts): a bare Bolt app as plain
// JavaScript, started the way the bot is in production (`node dist/main.js`), with the same signing
// bot token, signing secret and Web API URL (so both verify their token the same way), a /healthz route
// and a /crm listener that only acks. Env: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT.
import bolt from '@slack/bolt';

const app = new bolt.App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
  ],
});
app.command('/crm', async ({ ack }) => ack());
await app.start(Number(process.env.PORT ?? 3000));
process.once('SIGTERM', () => app.stop().finally(() => process.exit(0)));
