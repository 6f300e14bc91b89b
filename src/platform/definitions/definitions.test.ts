import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { createAjv } from '../validation.ts';
import { checkConditionTree, checkValueList, evaluateConditionTree } from './condition-tree.ts';
import { checkJsonSize, collectProblems, pointerSegment, type Problem } from './problems.ts';
import { checkObjectShape, kindShapes } from './shapes.ts';
import { stableJson } from './stable-json.ts';

type Cond = { is: boolean | null } | { all: Cond[] } | { any: Cond[] } | { not: Cond };

const LIMITS = { maxConditionNodes: 5, maxConditionDepth: 3 };

/** Problems of a condition whose only leaf is {is: boolean}. */
const check = (cond: unknown): string[] => {
  const problems: Problem[] = [];
  checkConditionTree(cond, '/when', LIMITS, problems, (c, p, keys) => {
    if (keys !== 'is' || typeof c.is !== 'boolean') problems.push({ path: p, message: 'bad leaf' });
  });
  return problems.map((p) => `${p.path} ${p.message}`);
};

describe('checkConditionTree', () => {
  it('accepts combinators within the limits and hands leaves over with their paths', () => {
    assert.deepEqual(check({ all: [{ is: true }, { not: { any: [{ is: false }] } }] }), [
      '/when/all/1/not/any/0 conditions nest at most 3 levels',
    ]);
    assert.deepEqual(check({ all: [{ is: true }, { not: { is: false } }] }), []);
    assert.deepEqual(check({ any: [{ is: 1 }] }), ['/when/any/0 bad leaf']);
    assert.deepEqual(check({ all: [], x: 1 }), ['/when bad leaf']);
  });

  it('refuses non-objects and empty or non-list combinators', () => {
    assert.deepEqual(check(null), ['/when must be a condition object']);
    assert.deepEqual(check({ not: [] }), ['/when/not must be a condition object']);
    assert.deepEqual(check({ all: [] }), ['/when/all must be a non-empty list of conditions']);
    assert.deepEqual(check({ any: { is: true } }), ['/when/any must be a non-empty list of conditions']);
  });

  it('reports too many nodes once, at the condition itself', () => {
    const wide = { any: Array.from({ length: 10 }, () => ({ is: true })) };
    assert.deepEqual(check(wide), ['/when condition has more than 5 parts']);
  });
});

describe('evaluateConditionTree', () => {
  const T = { is: true };
  const F = { is: false };
  const U = { is: null };
  let seen: (boolean | null)[] = [];
  const kleene = (c: Cond): boolean | null =>
    evaluateConditionTree(c, (leaf) => {
      seen.push(leaf.is);
      return leaf.is;
    });

  it('follows Kleene logic: unknown propagates unless a part decides', () => {
    assert.equal(kleene({ all: [T, U] }), null);
    assert.equal(kleene({ all: [U, F] }), false);
    assert.equal(kleene({ any: [U, T] }), true);
    assert.equal(kleene({ any: [F, U] }), null);
    assert.equal(kleene({ not: U }), null);
    assert.equal(kleene({ not: { all: [T, T] } }), false);
    assert.equal(kleene({ any: [F, F] }), false);
  });

  it('is two-valued with boolean leaves, short-circuiting like every/some', () => {
    const reads: boolean[] = [];
    const two = (c: Cond): boolean =>
      evaluateConditionTree(c, (leaf) => {
        reads.push(leaf.is === true);
        return leaf.is === true;
      });
    assert.equal(two({ all: [T, F, T] }), false);
    assert.deepEqual(reads.splice(0), [true, false]);
    assert.equal(two({ any: [F, T, F] }), true);
    assert.deepEqual(reads.splice(0), [false, true]);
    assert.equal(two({ not: { any: [F, F] } }), true);
    seen = [];
    assert.equal(kleene({ all: [U, F, T] }), false);
    assert.deepEqual(seen, [null, false]);
  });
});

describe('collectProblems', () => {
  it('caps the list and says how many more there are', () => {
    const many = (problems: Problem[]) => {
      for (let i = 0; i < 7; i++) problems.push({ path: `/${i}`, message: 'bad' });
    };
    const capped = collectProblems('definition', many, 5);
    assert.equal(capped.length, 6);
    assert.deepEqual(capped[5], { path: '/', message: '2 more problems not listed' });
    assert.equal(collectProblems('definition', many).length, 7);
  });

  it('never throws on exotic values', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const problems = collectProblems('model', (p) => {
      if (Object.keys(hostile).length === 0) p.push({ path: '/', message: 'unreachable' });
    });
    assert.deepEqual(problems, [{ path: '/', message: 'model could not be read' }]);
  });
});

describe('checkJsonSize and pointerSegment', () => {
  it("refuses too large or too deep values with the caller's noun", () => {
    const problems: Problem[] = [];
    assert.equal(checkJsonSize({ a: 'x'.repeat(100) }, 'policy', 50, 4, problems), false);
    assert.equal(checkJsonSize([[[[[1]]]]], 'policy', 50, 4, problems), false);
    assert.equal(checkJsonSize({ a: [1] }, 'policy', 50, 4, problems), true);
    assert.deepEqual(
      problems.map((p) => p.message),
      ['policy is larger than 50 bytes', 'policy is nested too deeply'],
    );
  });

  it('escapes ~ and / per RFC 6901', () => {
    assert.equal(pointerSegment('a/b~c'), 'a~1b~0c');
  });
});

describe('checkValueList', () => {
  it('wants 1 to maxValues values', () => {
    const problems: Problem[] = [];
    assert.equal(checkValueList([1, 2], '/in', 2, problems), true);
    assert.equal(checkValueList([], '/in', 2, problems), false);
    assert.equal(checkValueList([1, 2, 3], '/in', 2, problems), false);
    assert.equal(checkValueList('a', '/in', 2, problems), false);
    assert.deepEqual(new Set(problems.map((p) => p.message)), new Set(['must be a list of 1 to 2 values']));
    assert.equal(problems.length, 3);
  });
});

describe('checkObjectShape and kindShapes', () => {
  const ajv = createAjv();
  const closed = { additionalProperties: false } as const;

  it('refuses non-objects, then reports the closed shape', () => {
    const shape = ajv.compile(Type.Object({ a: Type.Integer() }, closed));
    const problems: Problem[] = [];
    assert.equal(checkObjectShape([], shape, problems), false);
    assert.equal(checkObjectShape({ a: 1, b: 2 }, shape, problems), false);
    assert.equal(checkObjectShape({ a: 1 }, shape, problems), true);
    assert.deepEqual(problems, [
      { path: '/', message: 'must be an object' },
      { path: '/b', message: 'unknown field' },
    ]);
  });

  it("checks the kind first, then that kind's schema, under the item's path", () => {
    const check = kindShapes(ajv, ['one', 'two'] as const, {
      one: Type.Object({ kind: Type.Literal('one') }, closed),
      two: Type.Object({ kind: Type.Literal('two'), n: Type.Integer() }, closed),
    });
    const problems: Problem[] = [];
    assert.equal(check({ kind: 'constructor' }, '/items/0', problems), false);
    assert.equal(check({ kind: 'two' }, '/items/1', problems), false);
    assert.equal(check({ kind: 'one' }, '/items/2', problems), true);
    assert.deepEqual(problems[0], { path: '/items/0/kind', message: 'must be one of: one, two' });
    assert.equal(problems.length, 2);
    assert.match(problems[1]!.path, /^\/items\/1/);
  });
});

describe('stableJson', () => {
  it('ignores key order, keeps array order and marks undefined', () => {
    assert.equal(
      stableJson({ b: [2, 1], a: { d: 1, c: null } }),
      stableJson({ a: { c: null, d: 1 }, b: [2, 1] }),
    );
    assert.notEqual(stableJson([1, 2]), stableJson([2, 1]));
    assert.equal(stableJson(undefined), 'undefined');
  });
});
