import { Router } from 'express';
import type { Sequelize } from 'sequelize';
import type { Registry } from 'prom-client';

export function healthRoutes(deps: { sequelize: Sequelize; queuePing(): Promise<boolean>; registry: Registry; isDraining(): boolean }) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const withTimeout = <T>(promise: Promise<T>, fallback: T) =>
      Promise.race([promise.catch(() => fallback), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), 2000).unref())]);
    const [database, queue] = await Promise.all([
      withTimeout(
        deps.sequelize.query('SELECT 1').then(() => true),
        false,
      ),
      withTimeout(deps.queuePing(), false),
    ]);
    const ready = database && queue && !deps.isDraining();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database, queue, draining: deps.isDraining() });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
