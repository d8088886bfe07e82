/**
 * What each engine does to text before a search index holds its words, so that the index
 * folds as `foldForSearch` (src/protocol/search-words.ts) folds a search: the server folds
 * the words looked for in JavaScript, and the engine must have folded the stored text the
 * same way or the two never meet. Message text and visitors' names and e-mails are folded
 * alike. Migration steps that shipped keep the rule they were built by (search-folding-v1.ts);
 * a change here needs a new step that indexes again what the change folds differently.
 *
 * SQLite: FTS5's tokenizer (`unicode61 remove_diacritics 2`) already lowers every letter,
 * drops the accents of Latin ones and splits words at everything but letters and digits.
 * What it keeps (ł, ß, æ, ø, ı, ё, …) is replaced first, by nested `replace` (plain SQL: the
 * edit trigger folds too, and a trigger must work on any connection, sqlite3's included).
 * Text of ASCII only, most of what is written, skips the replacing.
 *
 * PostgreSQL: `to_tsvector('simple', …)` lowers letters by the database's locale, and in
 * the C locale (the one a cluster made by `initdb --locale=C` has) only A–Z; it drops no
 * accents, and its parser keeps an e-mail or a host name as one word. Stock PostgreSQL's
 * `unaccent` is an extension (a privilege many hosted databases' users lack), folds by its
 * own rules file and is not IMMUTABLE, so an index needs a wrapper that pretends it is.
 * `translate` and `replace` are built in and immutable: `translate` maps each letter below
 * to its folded form whatever the locale, and the punctuation of addresses to spaces; a
 * letter that folds to two (ß → ss) cannot be written by `translate`, which maps one
 * letter to one, so it becomes its lower-case form there and `replace` writes the two.
 * Each index is built with this exact expression (pg-migrations.ts) and the search
 * repeats it. A test checks both engines against `foldForSearch`, letter by letter.
 */

/** [from, to] letter pairs, one pair of strings a Unicode block. */
const POSTGRES_FOLDS: readonly (readonly [string, string])[] = [
  // A–Z
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'],
  // Latin-1 Supplement
  [
    'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿ',
    'aaaaaaæceeeeiiiidnoooooouuuuyþaaaaaaceeeeiiiidnoooooouuuuyy',
  ],
  // Latin Extended-A
  [
    'ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ',
    'aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiĳjjkkllllllllllnnnnnnŋooooooœrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs',
  ],
  // Latin Extended-B
  [
    'ƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǤǦǧǨǩǪǫǬǭǮǯǰǱǲǴǵǶǷǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎ',
    'ɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆǆǉǉǌǌaaiioouuuuuuuuuuaaaaææǥggkkooooʒʒjǳǳggƕƿnnaaææooaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏ',
  ],
  // Cyrillic
  [
    'ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯёѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾ',
    'ѐеђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяеѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿ',
  ],
  // Latin Extended Additional
  [
    'ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẞẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾ',
    'aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwysßaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽỿ',
  ],
  // The ASCII punctuation PostgreSQL's parser would keep inside a word (e-mails, hosts,
  // paths, numbers); the quote and the backslash it splits at by itself.
  ['!"#$%&()*+,-./:;<=>?@[]^_`{|}~', '                              '],
  // Punctuation beyond ASCII common in chat: in the C locale the parser takes every
  // character beyond ASCII for a letter, so "№42" or "«Заказ»" would be one word.
  ['\u00A0¡«·»¿–—‘’‚“”„•…‹›№', '                   '],
];

/** Letters `translate` leaves as one letter that the rule writes as two. */
export const POSTGRES_TWO_LETTER_FOLDS: readonly (readonly [string, string])[] = [
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ĳ', 'ij'],
  ['þ', 'th'],
];

/** Every character `translate` replaces, and what it becomes, at the same place. */
export const POSTGRES_FOLD_FROM = POSTGRES_FOLDS.map(([from]) => from).join('');
export const POSTGRES_FOLD_TO = POSTGRES_FOLDS.map(([, to]) => to).join('');

/** The blocks of Latin letters beyond ASCII the table holds, as a regular expression's class. */
const LATIN_BEYOND_ASCII = '[\u00C0-\u024F\u1E00-\u1EFF]';

/** The table's pairs whose letter `keep` accepts, as [from, to]. */
const foldsWhere = (keep: (letter: string) => boolean) => {
  const pairs = [...POSTGRES_FOLD_FROM].map((letter, i) => [letter, [...POSTGRES_FOLD_TO][i]!] as const);
  const kept = pairs.filter(([letter]) => keep(letter));
  return [kept.map(([letter]) => letter).join(''), kept.map(([, folded]) => folded).join('')] as const;
};
const ASCII_FOLDS = foldsWhere((letter) => letter.charCodeAt(0) < 0x80);
const NON_LATIN_FOLDS = foldsWhere((letter) => !new RegExp(LATIN_BEYOND_ASCII, 'u').test(letter));

/** `text` as an SQL string literal: every quote doubled. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

const translating = (column: string, [from, to]: readonly [string, string]) =>
  `translate(${column}, ${literal(from)}, ${literal(to)})`;

/**
 * The SQL of `column`'s text folded on PostgreSQL. `translate` looks each character of the
 * text up in its table one entry after the other, so the whole table (some 700 letters)
 * cost a 100-character message 20 to 40 times what `to_tsvector` costs (EXPLAIN ANALYZE,
 * 2,000 rows): text of ASCII only takes the table's ASCII part, text without a Latin
 * letter beyond ASCII (Cyrillic) the rest but those, and only text with one the whole table
 * and the two-letter replacements. Each part is the table itself filtered, so the three
 * fold alike any text they are given.
 */
export const postgresFoldedText = (column: string) => {
  const whole = POSTGRES_TWO_LETTER_FOLDS.reduce(
    (sql, [letter, letters]) => `replace(${sql}, ${literal(letter)}, ${literal(letters)})`,
    translating(column, [POSTGRES_FOLD_FROM, POSTGRES_FOLD_TO]),
  );
  return `CASE WHEN octet_length(${column}) = length(${column}) THEN ${translating(column, ASCII_FOLDS)}
     WHEN ${column} ~ ${literal(LATIN_BEYOND_ASCII)} THEN ${whole}
     ELSE ${translating(column, NON_LATIN_FOLDS)} END`;
};

/** Russian ё in both cases. */
const YO = 'ёЁ';

/**
 * What SQLite's tokenizer does not fold, each group of letters and what it becomes: both
 * cases, since the tokenizer lowers only after, and the letters built on them that it
 * keeps whole (ǽ, ǿ). ſ it folds by itself.
 */
const SQLITE_FOLDS: readonly (readonly [string, string])[] = [
  ['ßẞ', 'ss'],
  ['æÆǣǢǽǼ', 'ae'],
  ['œŒ', 'oe'],
  ['ĳĲ', 'ij'],
  ['þÞ', 'th'],
  ['ðÐđĐ', 'd'],
  ['ħĦ', 'h'],
  ['ı', 'i'],
  ['łŁŀĿ', 'l'],
  ['øØǿǾ', 'o'],
  ['ŧŦ', 't'],
  ['ǡǠ', 'a'],
  ['ǯǮ', 'ʒ'],
  [YO, 'е'],
];

/** `column` with each letter of `folds` replaced, by nested `replace`. */
const replacing = (column: string, folds: readonly (readonly [string, string])[]) =>
  folds
    .flatMap(([letters, folded]) => [...letters].map((letter) => [letter, folded] as const))
    .reduce((sql, [letter, folded]) => `replace(${sql}, ${literal(letter)}, ${literal(folded)})`, column);

/**
 * Whether `column` may hold a Latin letter the tokenizer keeps: every one of them is written
 * in UTF-8 with a first byte of C3, C4, C5 or C7 (U+00C0–U+01FF), or is ẞ. Text in Cyrillic
 * has none, and is spared the longer replacing: it took a Russian message's indexing from
 * about 7 to 17 µs of CPU, and with this test it takes about 9.
 */
const mayHoldLatinFolds = (column: string) =>
  `(instr(CAST(${column} AS BLOB), x'C3') OR instr(CAST(${column} AS BLOB), x'C4') OR ` +
  `instr(CAST(${column} AS BLOB), x'C5') OR instr(CAST(${column} AS BLOB), x'C7') OR instr(${column}, 'ẞ'))`;

/** The SQL of `column`'s text folded on SQLite, as far as the tokenizer needs: it does the rest. */
export const sqliteFoldedText = (column: string) =>
  // As many bytes as characters: ASCII only, nothing to replace.
  `CASE WHEN length(CAST(${column} AS BLOB)) = length(${column}) THEN ${column}
     WHEN ${mayHoldLatinFolds(column)} THEN ${replacing(column, SQLITE_FOLDS)}
     ELSE ${replacing(
       column,
       SQLITE_FOLDS.filter(([letters]) => letters === YO),
     )} END`;

/** A visitor's searchable words as one text: name and e-mail, either of which may be missing. */
export const visitorSearchText = (name: string, email: string) =>
  `coalesce(${name}, '') || ' ' || coalesce(${email}, '')`;
