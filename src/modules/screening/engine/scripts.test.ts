/**
 * Q4: names written in other scripts against their Latin list forms, through the pair scorer and
 * through a search of a small index (Cyrillic, Greek, Arabic, Chinese, Japanese, Korean). Latin
 * forms as the lists write them (UN, OFAC, EU); the original-script forms are the persons' own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListEntity } from '../lists/model.ts';
import { buildIndex, scoreNames } from './matcher.ts';

const PAIRS: [script: string, original: string, latin: string][] = [
  ['Cyrillic', 'Владимир Путин', 'Vladimir Putin'],
  ['Cyrillic', 'Александр Захаров', 'Alexander Zakharov'],
  ['Greek', 'Κυριάκος Μητσοτάκης', 'Kyriakos Mitsotakis'],
  ['Greek', 'Αλέξης Τσίπρας', 'Alexis Tsipras'],
  ['Arabic', 'محمد علي', 'Mohamed Ali'],
  ['Arabic', 'أسامة بن لادن', 'Usama bin Laden'],
  ['Chinese', '习近平', 'Xi Jinping'],
  ['Japanese', 'やまだ たろう', 'Yamada Taro'],
  ['Korean', '김정은', 'Kim Jong Un'],
  ['Korean', '김여정', 'Kim Yo Jong'],
];

const entity = (id: string, name: string): ListEntity => ({
  id,
  schema: 'Person',
  names: [{ value: name, kind: 'primary' }],
  birthDates: [],
  nationalities: [],
  countries: [],
  identifiers: [],
  addresses: [],
  topics: ['sanction'],
  sources: [{ list: 'test' }],
});

describe('other scripts against Latin list forms (Q4)', () => {
  for (const [script, original, latin] of PAIRS)
    it(`${script}: ${original} ≈ ${latin}`, () => {
      assert.ok(
        scoreNames(original, latin, 'Person').score >= 0.7,
        String(scoreNames(original, latin, 'Person').score),
      );
    });

  it('a search in the original script finds the Latin entry first, and unrelated names stay apart', () => {
    const index = buildIndex([
      ...PAIRS.map(([, , latin], i) => entity(`e${i}`, latin)),
      entity('x1', 'Vladimir Popov'),
      entity('x2', 'Alexis Georgiou'),
    ]);
    for (const [i, [, original]] of PAIRS.entries()) {
      const found = index.search({ name: original, schema: 'Person' }, { threshold: 0.7, limit: 3 });
      assert.equal(found[0]?.entityId, `e${i}`, original);
    }
    assert.ok(scoreNames('Владимир Путин', 'Vladimir Popov', 'Person').score < 0.7);
    assert.ok(scoreNames('Κυριάκος Μητσοτάκης', 'Alexis Tsipras', 'Person').score < 0.7);
  });
});
