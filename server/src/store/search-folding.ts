/**
 * What each engine does to a message's text before its search index holds the words, so
 * that the index folds as `foldForSearch` (src/protocol/search-words.ts) folds a search:
 * the server folds the words looked for in JavaScript, and the engine must have folded
 * the stored text the same way or the two never meet.
 *
 * SQLite: FTS5's tokenizer (`unicode61 remove_diacritics 2`) already lowers every letter
 * and drops the accents of Latin ones; ё is the one fold it lacks, so it is replaced first.
 *
 * PostgreSQL: `to_tsvector('simple', …)` lowers letters by the database's locale, and in
 * the C locale (the one a cluster made by `initdb --locale=C` has) only A–Z; it drops no
 * accents. Stock PostgreSQL's `unaccent` is an extension (a privilege many hosted
 * databases' users lack), folds by its own rules file (ł to l, ß to ss, where SQLite keeps
 * them) and is not IMMUTABLE, so an index needs a wrapper that pretends it is. `translate`
 * is built in and immutable: it maps each letter below to its folded form, whatever the
 * locale. The table is every letter of the blocks the product's languages write in (Latin,
 * Cyrillic) whose fold is one other letter; a test checks it against `foldForSearch`.
 * The index is built with this exact expression (pg-migrations.ts) and the search
 * repeats it, so a change to the table needs a new migration step that rebuilds the index.
 */

/** [from, to] letter pairs, one pair of strings a Unicode block. */
const POSTGRES_FOLDS: readonly (readonly [string, string])[] = [
  // A–Z
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'],
  // Latin-1 Supplement
  [
    'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿ',
    'aaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyy',
  ],
  // Latin Extended-A
  [
    'ĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
    'aaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiiĳjjkkllllllŀłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzz',
  ],
  // Latin Extended-B
  [
    'ƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǤǦǧǨǩǪǫǬǭǮǯǰǱǲǴǵǶǷǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎ',
    'ɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆǆǉǉǌǌaaiioouuuuuuuuuuaaaaææǥggkkooooʒʒjǳǳggƕƿnnaaææøøaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏ',
  ],
  // Cyrillic
  [
    'ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯёѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾ',
    'ѐеђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяеѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿ',
  ],
  // Latin Extended Additional
  [
    'ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẞẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾ',
    'aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyſßaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽỿ',
  ],
];

/** Every letter `translate` replaces, and what it becomes, at the same place. */
export const POSTGRES_FOLD_FROM = POSTGRES_FOLDS.map(([from]) => from).join('');
export const POSTGRES_FOLD_TO = POSTGRES_FOLDS.map(([, to]) => to).join('');

/** The SQL of `column`'s text folded on PostgreSQL (the table is letters only: no quote). */
export const postgresFoldedText = (column: string) =>
  `translate(${column}, '${POSTGRES_FOLD_FROM}', '${POSTGRES_FOLD_TO}')`;

/** The SQL of `column`'s text with ё folded on SQLite: the tokenizer does the rest. */
export const sqliteFoldedText = (column: string) => `replace(replace(${column}, 'ё', 'е'), 'Ё', 'е')`;
