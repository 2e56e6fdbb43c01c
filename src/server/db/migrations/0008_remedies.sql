-- Remedies (one per claim, issued exactly once), gift card code pools, shipment and payout
-- batches, and webhooks with their deliveries.

CREATE TABLE remedy (
  id               text PRIMARY KEY,                 -- rem_…
  claim_id         text NOT NULL UNIQUE REFERENCES claim (id),  -- one remedy per claim, ever
  campaign_id      text NOT NULL REFERENCES campaign (id),
  kind             text NOT NULL CHECK (kind IN ('gift_card', 'replacement', 'refund', 'voucher', 'repair')),
  state            text NOT NULL CHECK (state IN ('awaiting_disposal', 'awaiting_return', 'pending', 'issuing',
                     'ready_to_ship', 'in_batch', 'shipped', 'ready_to_pay', 'in_payout', 'issued', 'paid', 'failed')),
  idempotency_key  text NOT NULL UNIQUE,             -- carried to any external provider
  provider         text,                             -- code_pool | generated | http
  amount_minor     bigint,                           -- value of a gift card or voucher, or the refund
  currency         text,
  sku              text,
  quantity         integer,
  code             text,                             -- the gift card or voucher code the owner uses
  external_ref     text,                             -- the provider's id for what it issued
  shipment_batch_id text,
  return_bag_batch_id text,                          -- the batch that mailed the return bag
  carrier          text,
  tracking_number  text,
  tracking_url     text,
  payout_batch_id  text,
  failure_reason   text,
  return_received_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  issued_at        timestamptz,                      -- the owner has it (code sent, parcel shipped, money paid)
  CHECK (amount_minor IS NULL OR currency IS NOT NULL)
);
CREATE INDEX remedy_state ON remedy (state, created_at);
CREATE INDEX remedy_shipment_batch ON remedy (shipment_batch_id) WHERE shipment_batch_id IS NOT NULL;
CREATE INDEX remedy_payout_batch ON remedy (payout_batch_id) WHERE payout_batch_id IS NOT NULL;

-- Codes bought from the store platform, handed out one per claim.
CREATE TABLE gift_card_code (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaign (id),
  kind        text NOT NULL CHECK (kind IN ('gift_card', 'voucher')),
  code        text NOT NULL,
  amount_minor bigint NOT NULL,
  currency    text NOT NULL,
  import_id   text NOT NULL,
  claim_id    text UNIQUE REFERENCES claim (id),     -- a claim gets one code; a code goes to one claim
  assigned_at timestamptz,
  UNIQUE (campaign_id, code)
);
CREATE INDEX gift_card_code_free ON gift_card_code (campaign_id, kind, currency, amount_minor, id) WHERE claim_id IS NULL;

CREATE TABLE shipment_batch (
  id          text PRIMARY KEY,                       -- shp_…
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  lines       integer NOT NULL
);

CREATE TABLE payout_batch (
  id          text PRIMARY KEY,                       -- pay_…
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  lines       integer NOT NULL
);

-- What the owner stated they paid (from the proof of purchase), for a refund.
ALTER TABLE claim ADD COLUMN purchase_price_minor bigint, ADD COLUMN purchase_currency text;

CREATE TABLE webhook_endpoint (
  id          text PRIMARY KEY,                       -- whk_…
  url         text NOT NULL,
  events      text[] NOT NULL,
  secret      text NOT NULL,                          -- whsec_…, shown once, signs every delivery
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL
);

CREATE TABLE webhook_delivery (
  id            text PRIMARY KEY,                     -- dlv_…
  endpoint_id   text NOT NULL REFERENCES webhook_endpoint (id),
  event_id      text NOT NULL,                        -- evt_…, the same in every delivery of one event
  event_type    text NOT NULL,
  payload       jsonb NOT NULL,
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts      integer NOT NULL DEFAULT 0,
  last_status   integer,
  last_response text,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  delivered_at  timestamptz
);
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, created_at DESC);
