// The web process: `npx tsx apps/web/server.ts` (production Next.js needs `next build` first;
// NIMBUS_WEB_DEV=1 serves the dashboard in development mode instead, NIMBUS_WEB_NEXT=0 the APIs only).
import { connectBus } from "@nimbus/rpc";
import { loadWebConfig } from "./src/env";
import { createLogger } from "./src/logger";
import { createWebServer } from "./src/server/web-server";

const config = loadWebConfig();
const log = createLogger(config);

// One long-lived bus connection for the whole process; it reconnects by itself.
const bus = await connectBus({
  url: config.NIMBUS_AMQP_URL,
  service: "web",
  host: config.NIMBUS_HOST,
  logger: log,
});
const web = await createWebServer({ config, log, bus, withNext: config.NIMBUS_WEB_NEXT });
const address = await web.listen(config.NIMBUS_WEB_PORT, config.NIMBUS_WEB_LISTEN);
log.info(
  { address: address.address, port: address.port, dev: config.NIMBUS_WEB_DEV },
  "web listening",
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    web
      .close()
      .then(() => bus.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}
