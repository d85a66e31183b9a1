import { Transaction, type Sequelize } from 'sequelize';

interface Connection {
  query(text: string): Promise<unknown>;
}

interface ConnectionManager {
  getConnection(options?: { type?: string }): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

/**
 * Runs `work` in a transaction on a pooled connection, committing when it
 * resolves and rolling back when it throws, as Sequelize's managed
 * `transaction()` does — but its BEGIN and COMMIT go straight to the
 * connection instead of through Sequelize's whole query path (a query object,
 * hooks, retries, result formatting), which cost a tenth of a webhook's CPU.
 * On a pipelined connection (see `transaction-pipeline.ts`) they then cost no
 * round trip either.
 *
 * `work` gets a real Sequelize `Transaction`, bound to the connection, so
 * models given it run inside; once the transaction ends it refuses further use.
 */
export async function runTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const connection = await manager.getConnection({ type: 'write' });
  const transaction = new Transaction(sequelize, {});
  const state = transaction as unknown as { connection?: Connection; finished?: 'commit' | 'rollback' };
  state.connection = connection;
  try {
    await connection.query('START TRANSACTION');
    let value: T;
    try {
      value = await work(transaction);
    } catch (error) {
      state.finished = 'rollback';
      // The error that ended the work is the one to report; a failed ROLLBACK means the connection is gone.
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    state.finished = 'commit';
    await connection.query('COMMIT');
    return value;
  } finally {
    state.finished ??= 'rollback';
    await manager.releaseConnection(connection);
  }
}
