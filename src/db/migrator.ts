import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type MigrationFn } from 'umzug';
import type { Logger } from 'pino';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

interface MigrationModule {
  up: MigrationFn<Sequelize>;
  down?: MigrationFn<Sequelize>;
}

export function createMigrator(sequelize: Sequelize, logger: Logger): Umzug<Sequelize> {
  return new Umzug<Sequelize>({
    migrations: {
      glob: ['*.ts', { cwd: MIGRATIONS_DIR, ignore: ['*.d.ts'] }],
      resolve: ({ name, path }) => {
        const load = async (): Promise<MigrationModule> => (await import(pathToFileURL(path ?? name).href)) as MigrationModule;
        return {
          name: name.replace(/\.ts$/, ''),
          up: async (params) => (await load()).up(params),
          down: async (params) => {
            const { down } = await load();
            if (!down) throw new Error(`migration ${name} cannot be reverted`);
            return down(params);
          },
        };
      },
    },
    context: sequelize,
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (event) => logger.info(event, 'migration'),
      warn: (event) => logger.warn(event, 'migration'),
      error: (event) => logger.error(event, 'migration'),
      debug: (event) => logger.debug(event, 'migration'),
    },
  });
}

/**
 * Applies pending migrations under an advisory lock, so two processes that
 * start together do not race to create the same tables.
 */
export async function migrate(sequelize: Sequelize, logger: Logger): Promise<string[]> {
  const lockKey = 727_274_001;
  const connection = await sequelize.connectionManager.getConnection({ type: 'write' });
  const client = connection as unknown as { query(sql: string, values?: unknown[]): Promise<unknown> };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    const applied = await createMigrator(sequelize, logger).up();
    return applied.map((migration) => migration.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    sequelize.connectionManager.releaseConnection(connection);
  }
}
