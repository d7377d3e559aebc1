// The demo's merchant: "Harbour & Pine", a small clothing and homeware brand with a central
// warehouse, two stores (Covent Garden, the flagship with a Shopify POS counter, and Brighton)
// and two Shopify shops. 52 SKUs over 21 products; four "hot" SKUs start with very little stock
// so that the stock synchronizer's convergence and oversell protection are visible.

export const DEMO_CURRENCY = 'GBP';

export interface DemoLocation {
  id: string;
  code: string;
  name: string;
  kind: 'warehouse' | 'store';
  pickupEnabled: boolean;
  /** Counter PIN for the staff pages (stores only). */
  pin: string | null;
}

/** The hub's locations. PINs satisfy core/pickups/pin.ts (6+ digits, no run, no repeat). */
export const LOCATIONS: readonly DemoLocation[] = [
  { id: 'wh', code: 'WH', name: 'Central warehouse', kind: 'warehouse', pickupEnabled: false, pin: null },
  { id: 'store-a', code: 'STORE-A', name: 'Covent Garden store', kind: 'store', pickupEnabled: true, pin: '482915' },
  { id: 'store-b', code: 'STORE-B', name: 'Brighton store', kind: 'store', pickupEnabled: true, pin: '730412' },
];

export interface DemoSku {
  code: string;
  productId: string;
  productTitle: string;
  /** Variant title ("Navy / M"), null for a product without options. */
  variantTitle: string | null;
  /** Unit price in minor units (pence). */
  price: number;
  /** Opening stock per hub location id. */
  stock: Record<string, number>;
  hot: boolean;
}

interface ProductSpec {
  id: string;
  title: string;
  price: number;
  /** [code suffix, variant title] pairs; one entry with a null title for a single-variant product. */
  variants: [string, string | null][];
}

const PRODUCTS: ProductSpec[] = [
  {
    id: 'merino-crew',
    title: 'Merino crew sweater',
    price: 8900,
    variants: [
      ['SWT-NVY-S', 'Navy / S'],
      ['SWT-NVY-M', 'Navy / M'],
      ['SWT-NVY-L', 'Navy / L'],
      ['SWT-OAT-S', 'Oat / S'],
      ['SWT-OAT-M', 'Oat / M'],
      ['SWT-OAT-L', 'Oat / L'],
    ],
  },
  {
    id: 'organic-tee',
    title: 'Organic cotton T-shirt',
    price: 2900,
    variants: [
      ['TEE-WHT-S', 'White / S'],
      ['TEE-WHT-M', 'White / M'],
      ['TEE-WHT-L', 'White / L'],
      ['TEE-BLK-S', 'Black / S'],
      ['TEE-BLK-M', 'Black / M'],
      ['TEE-BLK-L', 'Black / L'],
    ],
  },
  {
    id: 'waxed-tote',
    title: 'Waxed canvas tote',
    price: 5900,
    variants: [
      ['TOTE-OLV', 'Olive'],
      ['TOTE-TAN', 'Tan'],
    ],
  },
  {
    id: 'stoneware-mug',
    title: 'Stoneware mug, 350 ml',
    price: 1800,
    variants: [
      ['MUG-OCN', 'Ocean blue'],
      ['MUG-CHK', 'Chalk white'],
      ['MUG-MOS', 'Moss'],
    ],
  },
  {
    id: 'trail-runner',
    title: 'Trail runner sneakers',
    price: 12900,
    variants: [
      ['RUN-40', 'EU 40'],
      ['RUN-41', 'EU 41'],
      ['RUN-42', 'EU 42'],
      ['RUN-43', 'EU 43'],
      ['RUN-44', 'EU 44'],
    ],
  },
  {
    id: 'linen-shirt',
    title: 'Linen shirt',
    price: 6900,
    variants: [
      ['LIN-SND-M', 'Sand / M'],
      ['LIN-SND-L', 'Sand / L'],
      ['LIN-SKY-M', 'Sky / M'],
      ['LIN-SKY-L', 'Sky / L'],
    ],
  },
  {
    id: 'insulated-bottle',
    title: 'Insulated bottle, 750 ml',
    price: 3400,
    variants: [
      ['BTL-STL', 'Steel'],
      ['BTL-FOR', 'Forest'],
    ],
  },
  {
    id: 'wool-beanie',
    title: 'Wool beanie',
    price: 2400,
    variants: [
      ['BEA-CHR', 'Charcoal'],
      ['BEA-RST', 'Rust'],
    ],
  },
  {
    id: 'card-wallet',
    title: 'Leather card wallet',
    price: 4500,
    variants: [
      ['WAL-COG', 'Cognac'],
      ['WAL-BLK', 'Black'],
    ],
  },
  {
    id: 'rain-shell',
    title: 'Rain shell jacket',
    price: 14900,
    variants: [
      ['SHELL-S', 'S'],
      ['SHELL-M', 'M'],
      ['SHELL-L', 'L'],
    ],
  },
  {
    id: 'cotton-socks',
    title: 'Cotton socks, 3-pack',
    price: 1600,
    variants: [
      ['SOCK-GRY', 'Grey'],
      ['SOCK-NVY', 'Navy'],
    ],
  },
  {
    id: 'canvas-cap',
    title: 'Canvas cap',
    price: 2200,
    variants: [
      ['CAP-SND', 'Sand'],
      ['CAP-NVY', 'Navy'],
    ],
  },
  {
    id: 'scented-candle',
    title: 'Scented candle',
    price: 2800,
    variants: [
      ['CNDL-CDR', 'Cedar & fig'],
      ['CNDL-SEA', 'Sea salt'],
    ],
  },
  { id: 'chefs-apron', title: "Chef's apron, denim", price: 3900, variants: [['APRN-DNM', null]] },
  { id: 'pour-over', title: 'Ceramic pour-over set', price: 4900, variants: [['POUR-SET', null]] },
  {
    id: 'notebook-a5',
    title: 'Hardcover notebook, A5',
    price: 1900,
    variants: [
      ['NB-DOT', 'Dotted'],
      ['NB-LIN', 'Lined'],
    ],
  },
  {
    id: 'daypack',
    title: 'Daypack, 20 L',
    price: 9900,
    variants: [
      ['PACK-BLK', 'Black'],
      ['PACK-OLV', 'Olive'],
    ],
  },
  { id: 'sunglasses', title: 'Polarised sunglasses, tortoise', price: 7900, variants: [['SUN-TRT', null]] },
  { id: 'alpaca-throw', title: 'Alpaca throw blanket, cream', price: 13900, variants: [['THRW-CRM', null]] },
  { id: 'cutting-board', title: 'Bamboo cutting board', price: 3500, variants: [['BRD-BMB', null]] },
  {
    id: 'chinos',
    title: 'Chino trousers',
    price: 7500,
    variants: [
      ['CHN-KHK-32', 'Khaki / 32'],
      ['CHN-KHK-34', 'Khaki / 34'],
    ],
  },
];

export const SKU_PREFIX = 'HP-';

/** The hot SKUs: popular and nearly sold out, so every sale moves what the channels show. */
export const HOT_STOCK: Readonly<Record<string, Record<string, number>>> = {
  'HP-RUN-42': { wh: 3, 'store-a': 2, 'store-b': 1 },
  'HP-SHELL-M': { wh: 2, 'store-a': 2, 'store-b': 1 },
  'HP-SWT-NVY-M': { wh: 4, 'store-a': 1, 'store-b': 1 },
  'HP-MUG-OCN': { wh: 3, 'store-a': 2, 'store-b': 2 },
};

/** Deterministic opening stock for the other SKUs (the same catalogue on every start). */
function openingStock(i: number): Record<string, number> {
  return { wh: 24 + ((i * 17) % 37), 'store-a': 5 + ((i * 7) % 8), 'store-b': 4 + ((i * 5) % 7) };
}

export function demoCatalogue(): DemoSku[] {
  const out: DemoSku[] = [];
  let i = 0;
  for (const p of PRODUCTS) {
    for (const [suffix, variantTitle] of p.variants) {
      const code = `${SKU_PREFIX}${suffix}`;
      const hot = HOT_STOCK[code];
      out.push({
        code,
        productId: p.id,
        productTitle: p.title,
        variantTitle,
        price: p.price,
        stock: hot ? { ...hot } : openingStock(i),
        hot: !!hot,
      });
      i += 1;
    }
  }
  return out;
}

export function skuTitle(s: Pick<DemoSku, 'productTitle' | 'variantTitle'>): string {
  return s.variantTitle ? `${s.productTitle} - ${s.variantTitle}` : s.productTitle;
}

/** Names for simulated buyers and the towns their parcels go to. */
export const FIRST_NAMES = [
  'Amelia',
  'Oliver',
  'Isla',
  'Noah',
  'Ava',
  'Leo',
  'Mia',
  'Arthur',
  'Freya',
  'Theo',
  'Ivy',
  'Oscar',
  'Priya',
  'Kwame',
  'Sofia',
  'Mateo',
  'Yuki',
  'Aisha',
];
export const LAST_NAMES = [
  'Smith',
  'Jones',
  'Patel',
  'Williams',
  'Brown',
  'Taylor',
  'Davies',
  'Evans',
  'Okafor',
  'Nowak',
  'Rossi',
  'Murphy',
  'Chen',
  'Khan',
];
export const TOWNS: readonly { city: string; zip: string }[] = [
  { city: 'Manchester', zip: 'M1 1AE' },
  { city: 'Bristol', zip: 'BS1 4DJ' },
  { city: 'Leeds', zip: 'LS1 4AP' },
  { city: 'Edinburgh', zip: 'EH1 1YZ' },
  { city: 'Cardiff', zip: 'CF10 1EP' },
  { city: 'Norwich', zip: 'NR2 1NH' },
  { city: 'York', zip: 'YO1 7HH' },
  { city: 'Bath', zip: 'BA1 1LZ' },
];
