/**
 * Importer tests on the committed fixtures (excerpts of the real lists), plus one malformed input
 * per format built from those fixtures, which must fail with a ListFormatError naming the place.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  contentHash,
  diffSnapshots,
  importList,
  ListFormatError,
  type ListEntity,
  type ListFormat,
} from './index.ts';

const dir = fileURLToPath(new URL('../../../../test/fixtures/lists/', import.meta.url));
const fx = (name: string) => `${dir}${name}`;
const bytes = (name: string) => readFileSync(fx(name));
const stream = (data: Buffer | string) =>
  Readable.from([typeof data === 'string' ? Buffer.from(data) : data]);

async function all(gen: AsyncIterable<ListEntity>): Promise<ListEntity[]> {
  const out: ListEntity[] = [];
  for await (const e of gen) out.push(e);
  return out;
}
const byId = (list: ListEntity[], id: string) => {
  const e = list.find((x) => x.id === id);
  assert.ok(e, `missing ${id}`);
  return e;
};
async function rejectsAt(format: ListFormat, input: Parameters<typeof importList>[1], location: RegExp) {
  await assert.rejects(all(importList(format, input)), (err: unknown) => {
    assert.ok(err instanceof ListFormatError, String(err));
    assert.match(err.location, location);
    return true;
  });
}

const ofacFiles = {
  main: fx('ofac_sdn.csv'),
  alt: fx('ofac_alt.csv'),
  add: fx('ofac_add.csv'),
  comments: fx('ofac_sdn_comments.csv'),
};

describe('OFAC CSV', () => {
  it('imports every row with its schema, aliases and remarks', async () => {
    const progress: number[] = [];
    const list = await all(
      importList('ofac-csv', ofacFiles, { onProgress: (n) => progress.push(n), progressEvery: 10 }),
    );
    assert.equal(list.length, 28);
    assert.deepEqual(progress, [10, 20, 28]);
    const count = (s: string) => list.filter((e) => e.schema === s).length;
    assert.deepEqual(
      [count('Person'), count('Organization'), count('Vessel'), count('Aircraft')],
      [16, 7, 3, 2],
    );

    const libi = byId(list, 'ofac-sdn:7150');
    assert.deepEqual(libi.names[0], {
      value: 'AL-LIBI, Abd al-Muhsin',
      kind: 'primary',
      script: 'Latin',
      parts: { first: 'Abd', middle: 'al-Muhsin', last: 'AL-LIBI' },
    });
    assert.deepEqual(libi.birthDates, ['1966', '1969-10-27']);
    assert.deepEqual(libi.nationalities, ['LY']);
    assert.deepEqual(libi.identifiers, [{ type: 'passport', value: '203037', country: 'LY' }]);
    assert.ok(libi.names.some((n) => n.value === 'ABU ANAS' && n.kind === 'weak_alias'));
    assert.ok(libi.names.some((n) => n.value === 'TANTOUSH, Ibrahim Ali Abu Bakr' && n.kind === 'alias'));
    assert.deepEqual(libi.addresses, ['Johannesburg, South Africa']);

    const bnc = byId(list, 'ofac-sdn:306');
    assert.equal(bnc.schema, 'Organization');
    assert.ok(bnc.names.some((n) => n.value === 'BNC' && n.kind === 'weak_alias'));
    assert.equal(byId(list, 'ofac-sdn:4234').schema, 'Vessel');
    assert.equal(byId(list, 'ofac-sdn:15431').schema, 'Aircraft');
    assert.deepEqual(byId(list, 'ofac-sdn:15496').birthDates, ['1929', '1930']);
    assert.deepEqual(byId(list, 'ofac-sdn:7782').birthDates, ['1951']);
    assert.equal(byId(list, 'ofac-sdn:7148').gender, 'male');
    assert.deepEqual(
      byId(list, 'ofac-sdn:2686').sources.map((s) => s.programme),
      ['SDGT', 'SYRIA'],
    );
    // The sdn_comments overflow completes a weak alias cut off in the main file.
    assert.ok(
      byId(list, 'ofac-sdn:28263').names.some((n) => n.value === 'snowsjohn' && n.kind === 'weak_alias'),
    );
  });

  it('decodes Windows-1252', async () => {
    const row = Buffer.concat([
      Buffer.from('1,"P'),
      Buffer.from([0xc9]),
      Buffer.from('REZ, Jos'),
      Buffer.from([0xe9]),
      Buffer.from('","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'),
    ]);
    const [e] = await all(importList('ofac-csv', { main: stream(row) }));
    assert.equal(e?.names[0]?.value, 'PÉREZ, José');
  });

  it('rejects a row with the wrong column count or a non-numeric ent_num', async () => {
    const lines = bytes('ofac_sdn.csv').toString('latin1').split('\r\n');
    const short = [...lines.slice(0, 4), '999,"X",-0- ', ...lines.slice(4)].join('\r\n');
    await rejectsAt('ofac-csv', { main: stream(Buffer.from(short, 'latin1')) }, /main line 5$/);
    const bad = [...lines.slice(0, 2), lines[2]!.replace(/^\d+/, 'X1'), ...lines.slice(3)].join('\r\n');
    await rejectsAt('ofac-csv', { main: stream(Buffer.from(bad, 'latin1')) }, /main line 3$/);
  });
});

describe('UN XML', () => {
  it('imports individuals and entities with original-script names and weak aliases', async () => {
    const list = await all(importList('un-xml', fx('un_consolidated.xml')));
    assert.equal(list.length, 14);
    assert.equal(list.filter((e) => e.schema === 'Person').length, 10);
    const saddam = byId(list, 'un:IQi.001');
    assert.deepEqual(saddam.names, [
      {
        value: 'SADDAM HUSSEIN AL-TIKRITI',
        kind: 'primary',
        script: 'Latin',
        parts: { first: 'SADDAM', middle: 'HUSSEIN', last: 'AL-TIKRITI' },
      },
      { value: 'صدام حسين التكريتي', kind: 'alias', script: 'Arabic' },
      { value: 'Abu Ali', kind: 'weak_alias', script: 'Latin' },
    ]);
    assert.deepEqual(saddam.birthDates, ['1937-04-28']);
    assert.deepEqual(saddam.nationalities, ['IQ']);
    assert.deepEqual(saddam.sources, [{ list: 'un', programme: 'Iraq', listedOn: '2003-06-27' }]);
    assert.equal(byId(list, 'un:CDi.001').gender, 'male');
    assert.ok(byId(list, 'un:QDi.290').names.some((n) => n.script === 'Cyrillic'));
    const entity = byId(list, 'un:QDe.014');
    assert.equal(entity.schema, 'Organization');
    assert.ok(entity.names.some((n) => n.kind === 'former'));
  });

  it('rejects truncated XML and an INDIVIDUAL without DATAID', async () => {
    const xml = bytes('un_consolidated.xml').toString('utf8');
    await rejectsAt('un-xml', stream(xml.slice(0, Math.floor(xml.length / 2))), /^line \d+$/);
    const noId = xml.replace(/<DATAID>\d+<\/DATAID>/, '');
    await rejectsAt('un-xml', stream(noId), /^element INDIVIDUAL #1 at line \d+$/);
  });
});

describe('EU FSF XML', () => {
  it('imports persons with citizenship, birth dates and identifiers', async () => {
    const list = await all(importList('eu-xml', fx('eu_fsf_sample.xml')));
    assert.equal(list.length, 7);
    const first = byId(list, 'eu-fsf:5295');
    assert.equal(first.names[0]?.value, 'Abid Hammadou');
    assert.deepEqual(first.names[0]?.parts, { first: 'Abid', last: 'Hammadou' });
    assert.deepEqual(first.nationalities, ['DZ']);
    assert.deepEqual(first.birthDates, ['1965-12-12', '1958']);
    assert.deepEqual(byId(list, 'eu-fsf:927').identifiers[1], {
      type: 'passport',
      value: 'L191609',
      country: 'TN',
    });
  });

  it('rejects a sanctionEntity without logicalId', async () => {
    const xml = bytes('eu_fsf_sample.xml').toString('utf8').replace('logicalId="5463"', '');
    await rejectsAt('eu-xml', stream(xml), /^element sanctionEntity #2 at line \d+$/);
  });
});

describe('UK ConList CSV', () => {
  it('merges the rows of a group into one entity', async () => {
    const list = await all(importList('uk-csv', fx('uk_conlist_sample.csv')));
    assert.equal(list.length, 6);
    const so = byId(list, 'uk-hmt:11039');
    assert.deepEqual(
      so.names.map((n) => [n.value, n.kind]),
      [
        ['Sang Kuk SO', 'alias'],
        ['Sang-kuk SO', 'primary'],
      ],
    );
    assert.equal(so.birthDates.length, 7);
    const hojati = byId(list, 'uk-hmt:9053');
    assert.ok(hojati.names.some((n) => n.value === 'محسن حجتی' && n.script === 'Arabic'));
    assert.deepEqual(hojati.birthDates, ['1955-09-28']);
    assert.deepEqual(byId(list, 'uk-hmt:13063').birthDates, ['1983-07-05', '1983', '1984-04']);
  });

  it('rejects a row with a missing Group ID', async () => {
    const lines = bytes('uk_conlist_sample.csv').toString('utf8').split('\n');
    lines[4] = lines[4]!.replace(/,\d+$/, ',');
    await rejectsAt('uk-csv', stream(lines.join('\n')), /^line 5$/);
  });
});

describe('FollowTheMoney JSON lines', () => {
  it('keeps matchable schemas with Cyrillic aliases', async () => {
    const list = await all(importList('ftm', fx('ftm_zala.ftm.json')));
    assert.equal(list.length, 11);
    const osetrova = byId(list, 'ftm:NK-2Tbri3s6GgNtAwsSXh4qpL');
    assert.equal(osetrova.names[0]?.value, 'Maria Aleksandrovna Osetrova');
    assert.ok(
      osetrova.names.some(
        (n) => n.value === 'Мария Александровна Осетрова' && n.kind === 'alias' && n.script === 'Cyrillic',
      ),
    );
    assert.deepEqual(osetrova.birthDates, ['1988-01-07']);
    assert.deepEqual(osetrova.nationalities, ['RU']);
    assert.ok(osetrova.topics.includes('sanction'));
  });

  it('rejects a line that is not JSON and an entity without schema', async () => {
    const lines = bytes('ftm_zala.ftm.json').toString('utf8').split('\n');
    await rejectsAt(
      'ftm',
      stream([...lines.slice(0, 3), '{"id": "x",', ...lines.slice(3)].join('\n')),
      /^line 4$/,
    );
    await rejectsAt('ftm', stream([lines[0], '{"id": "x"}'].join('\n')), /^line 2$/);
  });
});

describe('Senzing JSON', () => {
  it('imports line-delimited records with the PEP topic', async () => {
    const list = await all(importList('senzing', fx('senzing_us_congress.json')));
    assert.equal(list.length, 5);
    const franklin = byId(list, 'senzing:Q101198561');
    assert.deepEqual(franklin.topics, ['pep']);
    assert.deepEqual(
      franklin.names.map((n) => n.kind),
      ['primary', 'alias'],
    );
    assert.deepEqual(franklin.birthDates, ['1964']);
    assert.deepEqual(franklin.nationalities, ['US']);
  });

  it('imports a JSON array file', async () => {
    const list = await all(importList('senzing', fx('senzing_array.json')));
    assert.deepEqual(
      list.map((e) => e.schema),
      ['Person', 'Person', 'Organization'],
    );
    assert.deepEqual(list[0]?.names[0]?.parts, { first: 'John', last: 'Smith' });
  });

  it('rejects a broken line', async () => {
    await rejectsAt('senzing', stream('{"RECORD_ID":"1","NAME_FULL":"A"}\n{"RECORD_ID":\n'), /^line 2$/);
  });
});

describe('content hash and snapshot diff', () => {
  it('is stable across key order and sensitive to content', async () => {
    const [e] = await all(importList('senzing', fx('senzing_array.json')));
    const shuffled = Object.fromEntries(Object.entries(e!).reverse()) as ListEntity;
    assert.equal(contentHash(shuffled), contentHash(e!));
    assert.notEqual(contentHash({ ...e!, birthDates: ['1966'] }), contentHash(e!));
  });

  it('reports added, changed and removed ids', () => {
    const prev = new Map([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const next = new Map([
      ['a', '1'],
      ['b', '9'],
      ['d', '4'],
    ]);
    assert.deepEqual(diffSnapshots(prev, next), { added: ['d'], changed: ['b'], removed: ['c'] });
  });
});
