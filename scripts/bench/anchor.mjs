// The anchor of the mockas speed comparison: oauth2-mock-server with one RS256 key (2048
// bits, as mockas), on 127.0.0.1 and the port given as the first argument (0: any free port).
// Prints "anchor: serving URL" once ready, like mockas prints its ready line.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(Number(process.argv[2] ?? 0), '127.0.0.1');
console.log(`anchor: serving ${server.issuer.url}`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => { await server.stop(); process.exit(0); });
}
