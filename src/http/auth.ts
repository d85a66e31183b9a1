import type { Request, RequestHandler } from 'express';
import type { MerchantRow } from '../db/models/index.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { safeEqual } from '../security/api-keys.js';

export type Principal = { kind: 'operator' } | { kind: 'merchant'; merchant: MerchantRow };

export interface AuthDeps {
  adminToken: string;
  findMerchantByApiKey(key: string): Promise<MerchantRow | null>;
}

function bearer(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** Operator token or a merchant's key; the principal is kept on `res.locals`. */
export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = bearer(req);
      if (!token) throw new UnauthorizedError('an Authorization: Bearer token is required');
      if (safeEqual(token, deps.adminToken)) {
        res.locals.principal = { kind: 'operator' } satisfies Principal;
        return next();
      }
      const merchant = await deps.findMerchantByApiKey(token);
      if (!merchant) throw new UnauthorizedError('unknown API key');
      res.locals.principal = { kind: 'merchant', merchant } satisfies Principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function principalOf(res: { locals: Record<string, unknown> }): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthorizedError();
  return principal;
}

export const requireOperator: RequestHandler = (_req, res, next) => {
  next(principalOf(res).kind === 'operator' ? undefined : new ForbiddenError('this needs the operator token'));
};

/** The merchant a merchant-scoped route acts for: a merchant key only ever reaches its own data. */
export function merchantOf(res: { locals: Record<string, unknown> }): MerchantRow {
  const principal = principalOf(res);
  if (principal.kind !== 'merchant') throw new ForbiddenError('use the merchant API key for this route');
  return principal.merchant;
}
