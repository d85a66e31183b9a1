import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileNamed } from '../../src/db/sql.js';

describe('compileNamed', () => {
  it('numbers each named parameter once, in order of first use, and reuses the number for a repeat', () => {
    const compiled = compileNamed('UPDATE t SET a = :a, b = :b, c = :a WHERE id = :id');
    assert.equal(compiled.text, 'UPDATE t SET a = $1, b = $2, c = $1 WHERE id = $3');
    assert.deepEqual(compiled.params, ['a', 'b', 'id']);
  });

  it('leaves casts, quoted literals and quoted identifiers alone', () => {
    const compiled = compileNamed(`SELECT :doc::jsonb, 'at 10:30 :not' AS "x:y", hashtext(:key) FROM t WHERE s = 'it''s :no'`);
    assert.equal(compiled.text, `SELECT $1::jsonb, 'at 10:30 :not' AS "x:y", hashtext($2) FROM t WHERE s = 'it''s :no'`);
    assert.deepEqual(compiled.params, ['doc', 'key']);
  });

  it('gives the same statement the same prepared-statement name, and different statements different names', () => {
    const a = compileNamed('SELECT :x');
    const b = compileNamed('SELECT :x');
    const c = compileNamed('SELECT :y + 1');
    assert.equal(a.name, b.name);
    assert.notEqual(a.name, c.name);
    assert.match(a.name, /^cr_[0-9a-f]{20}$/);
  });
});
