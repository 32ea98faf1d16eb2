/**
 * The context envelope: one JSON document per interaction that tells the
 * agent who the visitor is and what they were doing (PRODUCT.md, "The context
 * envelope").
 *
 * The browser collects it; the server validates it with these schemas before
 * storing anything. Objects are strict so that a typo or a forged field (such
 * as `identity.verified`, which only the server may set) is refused with a
 * message that names it, rather than silently ignored.
 *
 * Only the server imports the schemas; browser code imports the types alone,
 * so none of this is in the visitor's bundle.
 */
import * as v from 'valibot';

const text = (max: number) =>
  v.pipe(v.string('must be a string'), v.maxLength(max, `must be at most ${max} characters`));

// http(s) only: a `javascript:` URL is a valid URL, and the agent's card renders these as links.
const url = v.pipe(
  v.string('must be a string'),
  v.maxLength(2048, 'must be at most 2048 characters'),
  v.regex(/^https?:\/\//i, 'must be an http or https URL'),
  v.url('must be an absolute URL'),
);

const money = v.pipe(
  v.number('must be a number'),
  v.finite('must be a finite number'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(1e9, 'is implausibly large'),
);

const currency = v.pipe(v.string('must be a string'), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'));

const timestamp = v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(0, 'must not be negative'));

const list = <T extends v.GenericSchema>(item: T, max: number) =>
  v.pipe(v.array(item, 'must be an array'), v.maxLength(max, `must have at most ${max} entries`));

export const CartItemSchema = v.strictObject({
  sku: text(100),
  name: text(200),
  qty: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(10_000, 'must be at most 10000')),
  price: money,
  url: v.optional(url),
  image: v.optional(url),
});

export const CartSchema = v.strictObject({
  currency,
  items: list(CartItemSchema, 100),
  total: money,
});

export const ProductSchema = v.strictObject({
  name: text(200),
  sku: v.optional(text(100)),
  price: v.optional(money),
  currency: v.optional(currency),
  brand: v.optional(text(100)),
  availability: v.optional(text(100)),
  url: v.optional(url),
  image: v.optional(url),
});

export const PageSchema = v.strictObject({
  url,
  title: text(300),
  referrer: v.optional(text(2048)),
});

export const JourneyEntrySchema = v.strictObject({
  url,
  title: text(300),
  at: timestamp,
});

const IdentityFields = {
  id: v.optional(text(200)),
  name: v.optional(text(200)),
  email: v.optional(text(254)),
  phone: v.optional(text(40)),
};

/**
 * What the page may claim about the visitor, and the proof its backend
 * signed: `signature` (hex HMAC-SHA256 of `id`) or `token` (an HS256 JWT).
 * `verified` is not here: only the server sets it (signaling/identity/).
 */
export const IdentityInputSchema = v.strictObject({
  ...IdentityFields,
  signature: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (HMAC-SHA256)'))),
  token: v.optional(v.pipe(v.string('must be a string'), v.maxLength(4096, 'must be at most 4096 characters'), v.regex(/^[\w-]+\.[\w-]+\.[\w-]*$/, 'must be a JSON Web Token'))),
});

export const VisitorSchema = v.strictObject({
  id: v.pipe(v.string('must be a string'), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')),
  identity: v.optional(IdentityInputSchema),
});

export const StepSchema = v.strictObject({
  name: text(100),
  at: timestamp,
  detail: v.optional(text(500)),
});

export const LocaleSchema = v.strictObject({
  language: text(35),
  languages: v.optional(list(text(35), 10)),
  timezone: v.optional(text(64)),
});

export const DeviceSchema = v.strictObject({
  class: v.picklist(['mobile', 'tablet', 'desktop'], 'must be mobile, tablet or desktop'),
  os: v.optional(text(50)),
  browser: v.optional(text(50)),
  screen: v.optional(v.strictObject({ width: timestamp, height: timestamp })),
});

export const LocationSchema = v.strictObject({
  country: v.optional(text(100)),
  region: v.optional(text(100)),
  city: v.optional(text(100)),
  latitude: v.optional(v.pipe(v.number(), v.minValue(-90), v.maxValue(90))),
  longitude: v.optional(v.pipe(v.number(), v.minValue(-180), v.maxValue(180))),
});

const customValue = v.union(
  [text(1000), v.pipe(v.number(), v.finite()), v.boolean(), v.null()],
  'must be a string, number, boolean or null',
);

export const CustomFieldsSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'keys must be 1 to 64 letters, digits, _ . or -')), customValue),
  v.check((record) => Object.keys(record).length <= 50, 'must have at most 50 fields'),
);

export const ContextInputSchema = v.strictObject({
  v: v.literal(1, 'must be 1 (the envelope version)'),
  visitor: VisitorSchema,
  page: PageSchema,
  journey: v.optional(list(JourneyEntrySchema, 50)),
  cart: v.optional(CartSchema),
  product: v.optional(ProductSchema),
  steps: v.optional(list(StepSchema, 50)),
  topic: v.optional(text(100)),
  reason: v.optional(text(1000)),
  locale: v.optional(LocaleSchema),
  device: v.optional(DeviceSchema),
  location: v.optional(LocationSchema),
  custom: v.optional(CustomFieldsSchema),
});

export type CartItem = v.InferOutput<typeof CartItemSchema>;
export type Cart = v.InferOutput<typeof CartSchema>;
export type Product = v.InferOutput<typeof ProductSchema>;
export type JourneyEntry = v.InferOutput<typeof JourneyEntrySchema>;
export type IdentityInput = v.InferOutput<typeof IdentityInputSchema>;
export type Step = v.InferOutput<typeof StepSchema>;
export type CustomFields = v.InferOutput<typeof CustomFieldsSchema>;

/** The envelope as the browser sends it. */
export type ContextInput = v.InferOutput<typeof ContextInputSchema>;

/** The identity as stored: the claims, and whether the server verified them. Proofs are not kept. */
export type Identity = Omit<IdentityInput, 'signature' | 'token'> & { verified: boolean };

/** The envelope as stored and as agents receive it. */
export type ContextEnvelope = Omit<ContextInput, 'visitor'> & {
  visitor: { id: string; identity?: Identity };
};

/** The stored envelope, as agents receive it; used by the agent's client to check what the server sends. */
export const ContextEnvelopeSchema = v.strictObject({
  ...ContextInputSchema.entries,
  visitor: v.strictObject({
    id: VisitorSchema.entries.id,
    identity: v.optional(v.strictObject({ ...IdentityFields, verified: v.boolean() })),
  }),
});
