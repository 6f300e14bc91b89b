/**
 * Tests for the pair scorer (scoreNames) and the index search (buildIndex): the name-matching
 * behaviours the screening design promises (initials, reordering, typos, legal forms, joined
 * tokens, nicknames, numbers, other scripts), each qualifier's direction, the explanation, ranking
 * and the absence of a full scan. Entities are built here; nothing depends on ../shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIndex, scoreNames } from './matcher.ts';
import { DEFAULT_THRESHOLD, type ScreeningQuery } from './api.ts';
import { emptyEntity, type ListEntity, type ListSchema, type NameKind } from '../lists/model.ts';

const T = DEFAULT_THRESHOLD;

function entity(
  id: string,
  schema: ListSchema,
  names: (string | [string, NameKind])[],
  extra: Partial<ListEntity> = {},
): ListEntity {
  const e = emptyEntity(id, schema);
  for (const n of names) {
    const [value, kind] = typeof n === 'string' ? [n, 'primary' as const] : n;
    e.names.push({ value, kind });
  }
  return { ...e, ...extra };
}

/** Filler entities so that IDF behaves as on a real list (common words get common). */
function filler(n: number): ListEntity[] {
  const given = ['Ahmed', 'Maria', 'Chen', 'Olga', 'Pierre', 'Kwame', 'Sofia', 'Ivan', 'Yusuf', 'Lina'];
  const family = [
    'Okafor',
    'Haddad',
    'Novak',
    'Tanaka',
    'Silva',
    'Kowalski',
    'Moreau',
    'Petrov',
    'Osei',
    'Larsen',
  ];
  const out: ListEntity[] = [];
  for (let i = 0; i < n; i++) {
    out.push(entity(`f:p${i}`, 'Person', [`${given[i % 10]} ${family[(i * 7) % 10]}${i}`]));
    out.push(entity(`f:c${i}`, 'Company', [`${family[i % 10]}${i} Trading LLC`]));
  }
  return out;
}

const score = (a: string, b: string, schema?: string): number => scoreNames(a, b, schema).score;

test('initials match their full name, but less than the name itself', () => {
  const r = scoreNames('J Smith', 'John Smith', 'Person');
  assert.ok(r.score >= T);
  assert.ok(r.score < 1);
  assert.equal(r.tokens.find((t) => t.query === 'j')?.how, 'initial');
  assert.ok(score('K Smith', 'John Smith', 'Person') < T);
});

test("'LAST, First' is reordered; a plain swap costs a little", () => {
  assert.equal(score('SMITH, John', 'John Smith', 'Person'), 1);
  const swapped = score('Smith John', 'John Smith', 'Person');
  assert.ok(swapped < 1);
  assert.ok(swapped > 0.5);
});

test('typos match below an exact match; different names do not match', () => {
  const typo = score('Jonh Smith', 'John Smith', 'Person');
  assert.ok(typo >= T && typo < 1);
  assert.ok(score('Olaf Scholze', 'Olaf Scholz', 'Person') >= T);
  assert.ok(score('Octavian Scholz', 'Olaf Scholz', 'Person') < T);
  assert.ok(score('Peter Jones', 'Mary Smith', 'Person') < 0.2);
});

test('legal forms: same class matches at low weight, another class costs a little', () => {
  const r = scoreNames('Siemens Aktiengesellschaft', 'Siemens AG', 'Company');
  assert.ok(r.score > 0.95);
  assert.ok(r.tokens.some((t) => t.how === 'legal_form' && t.score === 1));
  const other = score('Siemens GmbH', 'Siemens AG', 'Company');
  assert.ok(other < r.score && other >= T);
  // A missing legal form barely matters.
  assert.ok(score('Siemens', 'Siemens AG', 'Company') >= 0.85);
});

test('joined and split tokens align', () => {
  const r = scoreNames('Usama binladen', 'Usama bin Laden', 'Person');
  assert.ok(r.score >= 0.9);
  assert.equal(r.tokens.find((t) => t.query === 'binladen')?.how, 'joined');
  assert.ok(score('vanderbilt corp', 'van der bilt corp', 'Company') >= 0.9);
  assert.ok(score('Siemens AG', 'SiemensAG', 'Company') >= T);
});

test('nicknames align with their full names', () => {
  const r = scoreNames('Bob Dylan', 'Robert Dylan', 'Person');
  assert.ok(r.score >= 0.85);
  assert.equal(r.tokens[0]?.how, 'nickname');
});

test('a numeric mismatch is penalised strongly', () => {
  assert.ok(score('Alpha 1 LLC', 'Alpha 2 LLC', 'Company') < 0.5);
  assert.equal(score('Alpha 1 LLC', 'Alpha 1 LLC', 'Company'), 1);
  assert.ok(score('Brigade Forty-Four', 'Brigade 44', 'Organization') >= 0.9);
});

test('cross-script: Cyrillic and Arabic against Latin', () => {
  const cyr = scoreNames('Владимир Путин', 'Vladimir Putin', 'Person');
  assert.ok(cyr.score >= 0.9);
  assert.ok(cyr.tokens.every((t) => t.how === 'transliteration'));
  assert.ok(score('محمد علي', 'Mohamed Ali', 'Person') >= 0.85);

  const idx = buildIndex([
    ...filler(50),
    entity('l:putin', 'Person', ['PUTIN, Vladimir Vladimirovich']),
    entity('l:ali', 'Person', ['محمد علي']),
  ]);
  const a = idx.search({ name: 'Владимир Путин', schema: 'Person' }, { threshold: T, limit: 5 });
  assert.equal(a[0]?.entityId, 'l:putin');
  const b = idx.search({ name: 'Mohamed Ali', schema: 'Person' }, { threshold: T, limit: 5 });
  assert.equal(b[0]?.entityId, 'l:ali');
});

test('generic words do not over-match', () => {
  const idx = buildIndex([...filler(200), entity('l:golden', 'Company', ['Golden Trading LLC'])]);
  const q: ScreeningQuery = { name: 'Global Trading LLC', schema: 'Company' };
  assert.deepEqual(idx.search(q, { threshold: T, limit: 10 }), []);
  assert.ok(score('Global Trading LLC', 'Golden Trading LLC', 'Company') < T);
  // ...while the distinctive word alone still finds its entity.
  const hit = idx.search({ name: 'Golden Trading', schema: 'Company' }, { threshold: T, limit: 10 });
  assert.equal(hit[0]?.entityId, 'l:golden');
});

test('ranking: exact > typo > different', () => {
  const idx = buildIndex([
    ...filler(50),
    entity('l:exact', 'Person', ['Karim Benali']),
    entity('l:typo', 'Person', ['Karim Benalli']),
    entity('l:other', 'Person', ['Karim Bennour']),
  ]);
  const res = idx.search({ name: 'Karim Benali', schema: 'Person' }, { threshold: 0, limit: 10 });
  const ids = res.map((m) => m.entityId);
  assert.ok(ids.indexOf('l:exact') === 0);
  assert.ok(ids.indexOf('l:typo') > 0);
  const other = res.find((m) => m.entityId === 'l:other');
  assert.ok(!other || other.score < res.find((m) => m.entityId === 'l:typo')!.score);
  assert.equal(res[0]!.score, 1);
  assert.ok(res[1]!.score < 1);
});

test('a query with no hits returns nothing without scanning the index', () => {
  const idx = buildIndex(filler(2000));
  const res = idx.search({ name: 'Zzyzx Qwrtpfh', schema: 'Person' }, { threshold: T, limit: 10 });
  assert.deepEqual(res, []);
  assert.equal(idx.lastStats.touchedNames, 0);
  assert.equal(idx.lastStats.scoredNames, 0);
  // A normal query scores a handful of candidates, not the index.
  idx.search({ name: 'Olga Novak3', schema: 'Person' }, { threshold: T, limit: 10 });
  assert.ok(idx.lastStats.scoredNames > 0 && idx.lastStats.scoredNames <= 200);
});

test('weak aliases count a little less than primary names', () => {
  const idx = buildIndex([
    entity('l:a', 'Person', ['Tariq Mansour']),
    entity('l:b', 'Person', ['Someone Else', ['Tariq Mansour', 'weak_alias']]),
  ]);
  const res = idx.search({ name: 'Tariq Mansour' }, { threshold: T, limit: 5 });
  assert.equal(res[0]?.entityId, 'l:a');
  assert.equal(res[1]?.nameKind, 'weak_alias');
  assert.ok(res[1]!.score < res[0]!.score);
});

// ---------------------------------------------------------------------------------------------
// Qualifiers

const base = (extra: Partial<ListEntity>): ListEntity[] => [
  ...filler(20),
  entity('l:x', 'Person', ['Rashid Tahir Karimov'], extra),
];

function one(q: Partial<ScreeningQuery>, extra: Partial<ListEntity>) {
  const idx = buildIndex(base(extra));
  const res = idx.search(
    { name: 'Rashid Tahir Karimov', schema: 'Person', ...q },
    { threshold: 0, limit: 5 },
  );
  const m = res.find((r) => r.entityId === 'l:x');
  assert.ok(m, 'entity found');
  return m;
}

test('date of birth: exact raises a little, year mismatch lowers clearly, ±1 year less', () => {
  const none = one({}, { birthDates: ['1970-05-01'] });
  assert.deepEqual(none.explanation.qualifiers, []);
  const exact = one({ birthDate: '1970-05-01' }, { birthDates: ['1970-05-01'] });
  const partial = one({ birthDate: '1970' }, { birthDates: ['1970-05-01'] });
  const near = one({ birthDate: '1971-02-03' }, { birthDates: ['1970-05-01'] });
  const far = one({ birthDate: '1985-02-03' }, { birthDates: ['1970-05-01'] });
  const effect = (m: typeof exact): number =>
    m.explanation.qualifiers.find((x) => x.qualifier === 'birth_date')!.effect;
  assert.ok(effect(exact) > 0);
  assert.ok(effect(partial) > 0 && effect(partial) < effect(exact));
  assert.ok(effect(near) < 0 && effect(near) > effect(far));
  assert.ok(effect(far) <= -0.15);
  assert.equal(far.nameScore, 1);
  assert.ok(far.score <= 0.8);
  // An entity without a date is not evidence against.
  assert.deepEqual(one({ birthDate: '1985' }, {}).explanation.qualifiers, []);
});

test('nationality, gender and schema mismatches lower; an identifier match raises', () => {
  const nat = one({ nationality: 'FR', birthDate: '1970' }, { nationalities: ['UZ'], birthDates: ['1970'] });
  const natQ = nat.explanation.qualifiers.find((x) => x.qualifier === 'nationality')!;
  assert.ok(natQ.effect < 0);
  const natOk = one({ nationality: 'Uzbekistan' }, { nationalities: ['UZ'] });
  assert.ok(natOk.explanation.qualifiers.find((x) => x.qualifier === 'nationality')!.effect >= 0);

  const g = one({ gender: 'female' }, { gender: 'male' });
  assert.ok(g.explanation.qualifiers.find((x) => x.qualifier === 'gender')!.effect < 0);

  const idx = buildIndex(base({ identifiers: [{ type: 'passport', value: 'AB-123456' }] }));
  const withId = idx.search(
    { name: 'Rashid Karimov', schema: 'Person', identifiers: [{ value: 'ab 123456' }] },
    { threshold: 0, limit: 5 },
  )[0]!;
  const idQ = withId.explanation.qualifiers.find((x) => x.qualifier === 'identifier')!;
  assert.ok(idQ.effect >= 0.2);
  assert.ok(withId.score > withId.nameScore);

  const company = idx.search({ name: 'Rashid Tahir Karimov', schema: 'Company' }, { threshold: 0, limit: 5 });
  const s = company.find((m) => m.entityId === 'l:x')!;
  assert.ok(s.explanation.qualifiers.find((x) => x.qualifier === 'schema')!.effect <= -0.3);
  assert.ok(s.score < T);
});

test('the explanation lists every query token, the extra list tokens and the qualifiers', () => {
  const m = one({ birthDate: '1970' }, { birthDates: ['1970'] });
  assert.equal(m.matchedName, 'Rashid Tahir Karimov');
  assert.equal(m.nameKind, 'primary');
  assert.deepEqual(
    m.explanation.tokens.map((t) => [t.query, t.matched, t.how]),
    [
      ['rashid', 'rashid', 'exact'],
      ['tahir', 'tahir', 'exact'],
      ['karimov', 'karimov', 'exact'],
    ],
  );
  assert.ok(m.explanation.tokens.every((t) => t.weight > 0 && t.score === 1));
  assert.equal(m.explanation.qualifiers[0]?.qualifier, 'birth_date');

  const idx = buildIndex(base({}));
  const partial = idx.search({ name: 'Rashid Karimov Junaid', schema: 'Person' }, { threshold: 0, limit: 5 });
  const p = partial.find((x) => x.entityId === 'l:x')!;
  assert.ok(
    p.explanation.tokens.some((t) => t.query === 'junaid' && t.how === 'missing' && t.matched === null),
  );
  assert.ok(p.explanation.tokens.some((t) => t.query === '' && t.matched === 'tahir' && t.how === 'extra'));
});
