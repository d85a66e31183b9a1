import express, { type Express } from 'express';
import type { ConversationDeps } from '../conversations/deps.js';
import type { SecretBox } from '../security/secret-box.js';
import { authenticate } from './auth.js';
import { errorHandler, notFound } from './errors.js';
import { consentRoutes } from './routes/consent.js';
import { conversationRoutes } from './routes/conversations.js';
import { customerRoutes } from './routes/customers.js';
import { privacyRequestRoutes } from './routes/privacy-requests.js';
import { healthRoutes } from './routes/health.js';
import { merchantRoutes } from './routes/merchants.js';
import { shopifyWebhookRoutes } from './routes/shopify-webhook.js';
import { twilioWebhookRoutes } from './routes/twilio-webhook.js';
import { findMerchantByApiKey } from '../merchants/merchant-service.js';
import type { WebhookFirst } from '../queue/background-pacer.js';

export interface AppDeps extends ConversationDeps {
  secrets: SecretBox;
  adminToken: string;
  publicBaseUrl: string | null;
  twilioAuthToken: string | null;
  queuePing(): Promise<boolean>;
  isDraining(): boolean;
  /** A worker process answers health and metrics only. */
  healthOnly?: boolean;
  /** Told of every webhook and its answer time, where the workers share this process (see `background-pacer.ts`). */
  webhookPacer?: Pick<WebhookFirst, 'webhookStarted' | 'webhookFinished'> | null;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  const pacer = deps.webhookPacer ?? null;
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      deps.metrics.httpDuration.observe({ route, status: String(res.statusCode) }, elapsedMs() / 1000);
    });
    if (pacer && req.path.startsWith('/webhooks/')) {
      pacer.webhookStarted();
      // 'close' comes after 'finish', and alone when the caller hung up first: either way, once.
      res.once('close', () => pacer.webhookFinished(elapsedMs()));
    }
    next();
  });
  app.use(healthRoutes({ sequelize: deps.db.sequelize, queuePing: deps.queuePing, registry: deps.metrics.registry, isDraining: deps.isDraining }));
  if (deps.healthOnly) {
    app.use(notFound);
    app.use(errorHandler(deps.logger));
    return app;
  }
  app.use('/webhooks', shopifyWebhookRoutes(deps));
  app.use('/webhooks/twilio', twilioWebhookRoutes({ ...deps, authToken: deps.twilioAuthToken }));

  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));
  api.use(authenticate({ adminToken: deps.adminToken, findMerchantByApiKey: (key) => findMerchantByApiKey(deps, key) }));
  api.use(
    merchantRoutes({
      ...deps,
      // Without PUBLIC_BASE_URL (a first local run), the origin the request came to (behind a proxy, its forwarded one).
      webhookUrl: (merchantId, req) => `${deps.publicBaseUrl ?? `${req.protocol}://${req.host ?? 'localhost'}`}/webhooks/shopify/${merchantId}`,
    }),
  );
  api.use(conversationRoutes(deps));
  api.use(consentRoutes(deps));
  api.use(customerRoutes(deps));
  api.use(privacyRequestRoutes(deps));
  app.use('/api/v1', api);

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
