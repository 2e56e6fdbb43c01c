-- Claims, their evidence and timeline, request idempotency, and the mail outbox.

CREATE TABLE claim (
  id                    text PRIMARY KEY,                   -- clm_…
  code                  text NOT NULL UNIQUE,               -- RK-7K3F-9Q2M, written on the unit
  campaign_id           text NOT NULL REFERENCES campaign (id),
  serial                text COLLATE "C",                   -- canonical; null when claimed by model
  model_code            text NOT NULL,
  has_unit              boolean NOT NULL,                   -- false: thrown away or burnt, proof of purchase instead
  remedy                text NOT NULL CHECK (remedy IN ('replacement', 'gift_card', 'refund', 'voucher', 'repair')),
  status                text NOT NULL CHECK (status IN ('draft', 'submitted', 'verifying', 'needs_review', 'needs_info',
                          'approved', 'rejected', 'fulfilling', 'fulfilled', 'withdrawn')),
  claimant              jsonb NOT NULL,                     -- name, email, phone, country, language
  email_key             text NOT NULL,                      -- normalised e-mail (velocity, recovery)
  address               jsonb,
  address_key           text,                               -- normalised postal address (velocity)
  client_address        text,                               -- the IP the claim came from (velocity, fraud signals)
  order_number          text,
  incident_description  text,
  disposal_attested_at  timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  submitted_at          timestamptz,
  expires_at            timestamptz                         -- drafts only
);
-- One open or approved claim per unit: the database refuses the second submission.
CREATE UNIQUE INDEX claim_one_per_unit ON claim (campaign_id, serial)
  WHERE serial IS NOT NULL AND status NOT IN ('draft', 'rejected', 'withdrawn');
CREATE INDEX claim_email ON claim (email_key, created_at);
CREATE INDEX claim_address ON claim (address_key, created_at) WHERE address_key IS NOT NULL;
CREATE INDEX claim_client ON claim (client_address, created_at);
CREATE INDEX claim_status ON claim (status, updated_at);

-- The owner's secrets (status links, API bearer tokens), hashed. A claim has one per link sent;
-- asking for a new link revokes the others.
CREATE TABLE claim_token (
  token_sha256 text PRIMARY KEY,
  claim_id     text NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX claim_token_claim ON claim_token (claim_id);

-- The timeline: every transition and every owner action, who and when. Append-only.
CREATE TABLE claim_event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claim_id    text NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,                 -- owner | system | staff:<id>
  type        text NOT NULL,                 -- created, evidence_added, submitted, status_changed, …
  from_status text,
  to_status   text,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX claim_event_claim ON claim_event (claim_id, id);

CREATE TABLE evidence (
  id               text PRIMARY KEY,         -- evd_…
  claim_id         text NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('label', 'marked', 'receipt', 'disposal')),
  original_key     text NOT NULL,            -- blob key of the bytes as uploaded
  original_sha256  text NOT NULL,
  display_key      text NOT NULL,            -- oriented, resized, metadata stripped
  format           text NOT NULL,
  bytes            integer NOT NULL,
  width            integer NOT NULL,
  height           integer NOT NULL,
  exif             jsonb,
  file_name        text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  replaced_at      timestamptz               -- a newer photo of the same kind took its place
);
CREATE UNIQUE INDEX evidence_current ON evidence (claim_id, kind) WHERE replaced_at IS NULL;
CREATE INDEX evidence_sha256 ON evidence (original_sha256);

-- A retried request with the same Idempotency-Key gets the first answer.
CREATE TABLE idempotency_key (
  scope         text NOT NULL,               -- claim.create | claim.submit:<claim id>
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Every e-mail, rendered in the claimant's language, written with the change that causes it.
CREATE TABLE outbox_message (
  id           text PRIMARY KEY,             -- msg_…
  claim_id     text REFERENCES claim (id) ON DELETE CASCADE,
  to_address   text NOT NULL,
  language     text NOT NULL,
  template     text NOT NULL,
  subject      text NOT NULL,
  text_body    text NOT NULL,
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'held')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  transport_id text
);
CREATE INDEX outbox_created ON outbox_message (created_at DESC);
