/**
 * Tests for the name normaliser, transliteration and token keys, including cross-script cases
 * built from real list entries (sources named next to each fixture).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseName, splitAliases } from './normalise.ts';
import type { NormalisedName } from './normalise.ts';
import { transliterate } from './transliterate.ts';
import { deletionNeighbourhood, phoneticKey, skeletonKey } from './keys.ts';

const texts = (n: NormalisedName): string[] => n.tokens.map((t) => t.text);
const person = (s: string): NormalisedName => normaliseName(s, { kind: 'person' });
const entity = (s: string): NormalisedName => normaliseName(s, { kind: 'entity' });

test('NFKC, case-fold, accents stripped with the original kept', () => {
  const n = person('ＪＯＳÉ  Müller');
  assert.deepEqual(texts(n), ['jose', 'muller']);
  assert.equal(n.tokens[0]!.original, 'JOSÉ');
  assert.equal(n.latin, true);
});

test('punctuation to space, apostrophes join, digits kept as numbers', () => {
  assert.deepEqual(texts(person("Mus'ab al-Qassim")), ['musab', 'al', 'qassim']);
  const n = normaliseName('Boeing 737-800', { kind: 'unknown' });
  assert.deepEqual(texts(n), ['boeing', '737', '800']);
  assert.equal(n.tokens[1]!.role, 'number');
});

test('single letters are initials with a lower weight', () => {
  const n = person('J. R. R. Tolkien');
  assert.deepEqual(texts(n), ['j', 'r', 'r', 'tolkien']);
  assert.equal(n.tokens[0]!.role, 'initial');
  assert.ok(n.tokens[0]!.weightHint < 1);
});

test('honorifics and titles are stripped from person names', () => {
  assert.deepEqual(texts(person('Dr. John Smith')), ['john', 'smith']);
  assert.deepEqual(texts(person('Mrs Jane Doe')), ['jane', 'doe']);
  assert.deepEqual(texts(person('General Colonel Ivan Petrov')), ['ivan', 'petrov']);
  assert.deepEqual(texts(person('His Excellency Ali Khan')), ['ali', 'khan']);
  // A title alone is kept: it is then the only name we have.
  assert.deepEqual(texts(person('Dr')), ['dr']);
  // Sheikh/Haji are also given names: kept, down-weighted.
  const s = person('Sheikh Ahmed Yassin');
  assert.equal(s.tokens[0]!.role, 'stopword');
  assert.ok(s.tokens[0]!.weightHint < 0.5);
});

test('legal forms are canonicalised and low weight', () => {
  for (const [raw, form] of [
    ['Acme Trading LLC', 'llc'],
    ['Acme Trading L.L.C.', 'llc'],
    ['Acme Trading Limited Liability Company', 'llc'],
    ['ООО Акме Трейдинг', 'llc'],
    ['Общество с ограниченной ответственностью Акме Трейдинг', 'llc'],
    ['Acme Trading Ltd', 'llc'],
    ['Acme Trading Limited', 'llc'],
    ['Acme Trading GmbH', 'llc'],
    ['Acme Trading OJSC', 'jsc'],
    ['Acme Trading ZAO', 'jsc'],
  ] as const) {
    const n = entity(raw);
    const lf = n.tokens.filter((t) => t.role === 'legal_form');
    assert.equal(lf.length, 1, raw);
    assert.equal(lf[0]!.text, form, raw);
    assert.ok(lf[0]!.weightHint < 0.5, raw);
    assert.equal(n.tokens.length, 3, raw);
  }
  assert.equal(entity('Acme GmbH').tokens[1]!.form, 'gmbh');
  // Person names are not searched for legal forms ("Sa", "Ag" are name parts).
  assert.deepEqual(texts(person('Ali Sa')), ['ali', 'sa']);
});

test('entity stopwords are low weight', () => {
  const n = entity('Bank of the Republic');
  assert.deepEqual(
    n.tokens.map((t) => t.role),
    ['unknown', 'stopword', 'stopword', 'unknown'],
  );
});

test('homoglyphs are folded into the word’s script', () => {
  // Cyrillic а and і inside Latin words
  assert.deepEqual(texts(entity('B\u0430nk Mell\u0456')), ['bank', 'melli']);
  // Latin o inside a Cyrillic word
  assert.deepEqual(texts(person('Ивaнoв')), ['ivanov']);
});

test('"LAST, First Middle" is reordered into given and family roles', () => {
  const n = person('ZAKHAROV, Nikita Aleksandrovich');
  assert.deepEqual(texts(n), ['nikita', 'aleksandrovich', 'zakharov']);
  assert.deepEqual(
    n.tokens.map((t) => t.role),
    ['given', 'given', 'family'],
  );
  // Hyphenated family names count as one word before the comma.
  assert.equal(person('AL-TIKRITI, Saddam').tokens.at(-1)!.text, 'tikriti');
  // Two words before the comma: not reordered.
  assert.equal(person('Smith Jones, Ann').tokens[0]!.text, 'smith');
});

test('aka splitting', () => {
  assert.deepEqual(splitAliases('John Smith a.k.a. Johnny (aka J. Smith); formerly known as Bob'), [
    'John Smith',
    'Johnny',
    'J. Smith',
    'Bob',
  ]);
  assert.deepEqual(splitAliases('Acme Ltd d/b/a Acme Shipping'), ['Acme Ltd', 'Acme Shipping']);
  assert.deepEqual(splitAliases('Kakashi'), ['Kakashi']);
});

test('Arabic articles, particles and abd-compounds', () => {
  const n = person('Mohamed Ben Ali Al-Aouadi');
  assert.deepEqual(texts(n), ['mohamed', 'bin', 'ali', 'al', 'aouadi']);
  assert.equal(n.tokens[3]!.role, 'stopword');
  assert.ok(n.tokens[3]!.weightHint <= 0.1);
  for (const v of [
    'Abd al Rahman',
    'Abd-al-Rahman',
    'Abdul Rahman',
    'Abdel Rahman',
    'Abdurrahman',
    'Abdulrahman',
    'عبد الرحمن',
  ]) {
    assert.equal(
      skeletonKey(person(v).tokens.find((t) => t.weightHint === 1)!.text),
      skeletonKey('abdrahman'),
      v,
    );
  }
  for (const v of ['Abdullah', 'Abdallah', 'Abd Allah', 'Abdulla'])
    assert.deepEqual(texts(person(v)), ['abdallah'], v);
  for (const v of ['Saif al-Din', 'Saif-al-Din', 'Saifeddine', 'Saif Eddine'])
    assert.deepEqual(texts(person(v)), ['saifdin'], v);
});

test('typos are not the normaliser’s job', () => {
  assert.deepEqual(texts(person('Jhon Smiht')), ['jhon', 'smiht']);
});

test('keys: variants meet', () => {
  const meet = (a: string, b: string): boolean =>
    skeletonKey(a) === skeletonKey(b) || phoneticKey(a) === phoneticKey(b);
  for (const [a, b] of [
    ['zakharov', 'sacharow'],
    ['aleksandr', 'alexander'],
    ['mohammed', 'muhammad'],
    ['mohamad', 'mhmd'],
    ['yuri', 'iurii'],
    ['vladimir', 'wladimir'],
    ['tikriti', 'tkriti'],
    ['hussein', 'hsin'],
    ['kim', 'gim'],
  ] as const) {
    assert.ok(
      meet(a, b),
      `${a} ${b}: ${skeletonKey(a)}/${skeletonKey(b)} ${phoneticKey(a)}/${phoneticKey(b)}`,
    );
  }
  assert.notEqual(skeletonKey('smith'), skeletonKey('jones'));
});

test('deletion neighbourhood follows the length policy', () => {
  assert.deepEqual(deletionNeighbourhood('ali', 2), ['ali']);
  const d1 = deletionNeighbourhood('smith', 2);
  assert.ok(d1.includes('smth') && d1.includes('smith') && !d1.includes('sth'));
  const d2 = deletionNeighbourhood('alexander', 2);
  assert.ok(d2.includes('alxnder'));
  assert.ok(deletionNeighbourhood('alexander', 1).every((w) => w.length >= 8));
  // A transposition typo shares a delete with the right spelling.
  const a = new Set(deletionNeighbourhood('smiht', 1));
  assert.ok(deletionNeighbourhood('smith', 1).some((w) => a.has(w)));
});

test('transliterate(): scripts', () => {
  assert.deepEqual(transliterate('Захаров Александр'), { latin: 'zakharov aleksandr', script: 'Cyrillic' });
  assert.equal(transliterate('Олександр Ігорович').latin, 'oleksandr ihorovych');
  assert.equal(transliterate('Αλέξης Τσίπρας').latin, 'alexis tsipras');
  assert.equal(transliterate('Սերժ Սարգսյան').latin, 'serzh sargsyan');
  assert.equal(transliterate('მიხეილ სააკაშვილი').latin, 'mikheil saakashvili');
  assert.equal(transliterate('محمد').latin, 'mhmd');
  assert.equal(transliterate('習近平').latin, 'xi jin ping');
  assert.equal(transliterate('김정은').script, 'Hangul');
});

test('CJK names against their romanised list forms', () => {
  const xi = person('習近平');
  assert.deepEqual(texts(xi), ['xi', 'jinping']);
  assert.deepEqual(
    xi.tokens.map((t) => t.role),
    ['family', 'given'],
  );
  assert.deepEqual(texts(person('习近平')), texts(person('Xi Jinping')));
  assert.deepEqual(texts(person('欧阳娜娜')), ['ouyang', 'nana']);
  // Korean: revised romanisation (gim jeong eun) meets McCune-Reischauer (Kim Jong Un) by key.
  const kim = person('김정은');
  const latin = person('Kim Jong-un');
  assert.equal(kim.tokens[0]!.role, 'family');
  assert.deepEqual(
    kim.tokens.map((t) => skeletonKey(t.text)),
    latin.tokens.map((t) => skeletonKey(t.text)),
  );
  // Japanese kana → Hepburn romaji (long vowels as written: タロウ → tarou) meets list forms by key.
  const abe = person('アベ・シンゾウ');
  assert.deepEqual(
    abe.tokens.map((t) => skeletonKey(t.text)),
    person('Abe Shinzo').tokens.map((t) => skeletonKey(t.text)),
  );
  const yamada = person('やまだ たろう');
  assert.deepEqual(
    yamada.tokens.map((t) => skeletonKey(t.text)),
    person('Yamada Taro').tokens.map((t) => skeletonKey(t.text)),
  );
  // Known limit: foreign names in katakana use Japanese syllables (プーチン → puchin), which
  // meet "Putin" only through the edit-distance scorer, not by key.
  assert.equal(person('ウラジーミル・プーチン').tokens[1]!.text, 'puchin');
});

// Arabic: UN Security Council consolidated list (
// UN_consolidated_2026-02-27.xml), INDIVIDUAL entries: NAME_ORIGINAL_SCRIPT vs FIRST..FOURTH_NAME;
// the family part is the last name field. Cyrillic: OpenSanctions sanctions cluster
// (OpenSanctions zala sanctions cluster, FtM), names of the
// same person in Cyrillic and Latin, plus QDi.290 from the UN list.
const CROSS_SCRIPT: [string, string, string][] = [
  // [original script, Latin full name, Latin family name]
  ['صدام حسين التكريتي', 'SADDAM HUSSEIN AL-TIKRITI', 'AL-TIKRITI'], // IQi.001
  ['عابد حامد محمود التكريتي', 'ABID HAMID MAHMUD AL-TIKRITI', 'AL-TIKRITI'], // IQi.004
  ['عزت ابراهيم الدوري', 'IZZAT IBRAHIM AL-DURI', 'AL-DURI'], // IQi.006
  ['محمد حمزة زبيدي', 'MUHAMMAD HAMZA ZUBAIDI', 'ZUBAIDI'], // IQi.009
  ['طه ياسين رمضان الجزراوي', 'TAHA YASSIN RAMADAN AL-JIZRAWI', 'AL-JIZRAWI'], // IQi.020
  ['طارق عزيز', 'TARIQ AZIZ', 'AZIZ'], // IQi.025
  ['هدى صالح مهدي عماش', 'HUDA SALIH MAHDI AMMASH', 'AMMASH'], // IQi.039
  ['نايف شنداخ ثامر غالب', 'NAYIF SHINDAKH THAMIR GHALIB', 'GHALIB'], // IQi.045
  ['أيمن محمد ربيع الظواهري', 'AIMAN MUHAMMED RABI AL-ZAWAHIRI', 'AL-ZAWAHIRI'], // QDi.006
  ['عمر محمود عثمان', 'OMAR MAHMOUD UTHMAN', 'UTHMAN'], // QDi.031
  ['عبد الرحمن ياسين', 'ABDUL RAHMAN YASIN', 'YASIN'], // QDi.037
  ['خالد عبد الرحمن حمد الفواز', 'KHALID ABD AL-RAHMAN HAMD AL-FAWAZ', 'AL-FAWAZ'], // QDi.059
  ['محمد لكحل', 'MOHAMED LAKHAL', 'LAKHAL'], // QDi.062
  ['مختار بلمختار', 'MOKHTAR BELMOKHTAR', 'BELMOKHTAR'], // QDi.136
  ['انور ناصر عبدالله العولقي', 'ANWAR NASSER ABDULLA AL-AULAQI', 'AL-AULAQI'], // QDi.283
  ['عبد المجيد عزيز الزنداني', 'ABD-AL-MAJID AZIZ AL-ZINDANI', 'AL-ZINDANI'], // QDi.156
  ['مثنى حارث سلمان الضاري', 'MUTHANNA HARITH SALMAN AL-DARI', 'AL-DARI'], // QDi.278
  ['قاسم محمد مهدي الريمي', 'QASIM MOHAMED MAHDI AL-RIMI', 'AL-RIMI'], // QDi.282
  ['Умаров Доку Хаматович', 'DOKU KHAMATOVICH UMAROV', 'UMAROV'], // UN QDi.290
  ['Захаров Александр Вячеславович', 'Aleksandr Vyacheslavovich Zakharov', 'Zakharov'],
  ['Захаров Александр Вячеславович', 'Aleksandr Vjačeslavovič Zacharov', 'Zacharov'],
  ['Захаров Никита Александрович', 'Nikita Aleksandrovich ZAKHAROV', 'ZAKHAROV'],
  ['Захаров Микита Олександрович', 'Zakharov Mykyta Oleksandrovych', 'Zakharov'],
  ['Лаврентий Александрович Захаров', 'Lavrentii Aleksandrovich Zakharov', 'Zakharov'],
  ['Светлана Николаевна Захарова', 'Svetlana Nikolaevna ZAKHAROVA', 'ZAKHAROVA'],
  ['Мария Александровна Осетрова', 'Maria Aleksandrovna OSETROVA', 'OSETROVA'],
  ['Захарова Марія Олександрівна', 'Zakharova Mariia Oleksandrivna', 'Zakharova'],
  ['Абашкин Константин Игоревич', 'Abashkin Konstantin', 'Abashkin'],
];

function keysMeet(a: string, b: string): boolean {
  return a === b || skeletonKey(a) === skeletonKey(b) || phoneticKey(a) === phoneticKey(b);
}

test('cross-script: original-script list names meet their Latin forms by key', () => {
  let familyPairs = 0;
  let tokensMet = 0;
  let tokensAll = 0;
  const misses: string[] = [];
  for (const [orig, latin, family] of CROSS_SCRIPT) {
    const o = person(orig).tokens.filter((t) => t.weightHint === 1);
    const l = person(latin).tokens.filter((t) => t.weightHint === 1);
    const fam = person(family).tokens.filter((t) => t.weightHint === 1);
    if (fam.every((f) => o.some((t) => keysMeet(t.text, f.text)))) familyPairs++;
    else misses.push(`${orig} / ${family}`);
    for (const t of l) {
      tokensAll++;
      if (o.some((x) => keysMeet(x.text, t.text))) tokensMet++;
    }
  }
  const familyRate = familyPairs / CROSS_SCRIPT.length;
  const tokenRate = tokensMet / tokensAll;
  console.log(
    `cross-script: family names met ${familyPairs}/${CROSS_SCRIPT.length} (${(familyRate * 100).toFixed(1)}%), ` +
      `all Latin tokens met ${tokensMet}/${tokensAll} (${(tokenRate * 100).toFixed(1)}%); misses: ${misses.join('; ') || 'none'}`,
  );
  assert.ok(familyRate >= 0.8, `family rate ${familyRate}`);
});
