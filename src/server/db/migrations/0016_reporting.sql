-- Reporting (issue 26): incident reports, lookups counted in aggregate, and the progress updates
-- managers publish on a recall's public progress page.

-- An owner's report of what happened to a unit: linked to its campaign when the serial or model
-- is recalled, told apart as before or after the recall's announcement.
CREATE TABLE incident (
  id              text PRIMARY KEY,                        -- inc_…
  campaign_id     text REFERENCES campaign (id) ON DELETE SET NULL,
  model_code      text NOT NULL,
  serial          text COLLATE "C",                         -- canonical, when given and listed
  kind            text NOT NULL CHECK (kind IN ('overheating', 'swelling', 'smoke', 'melting', 'fire', 'explosion')),
  injury          text NOT NULL CHECK (injury IN ('none', 'minor_burn', 'medical_treatment', 'hospital', 'death')),
  property_damage boolean NOT NULL DEFAULT false,
  damage_minor    bigint,
  damage_currency text,
  occurred_on     date NOT NULL,
  country         text NOT NULL,
  description     text NOT NULL,
  contact         jsonb NOT NULL,                           -- name, email, phone?, language
  may_contact     boolean NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_campaign ON incident (campaign_id, occurred_on);
CREATE INDEX incident_created ON incident (created_at DESC);
CREATE INDEX incident_serial ON incident (serial) WHERE serial IS NOT NULL;

-- Lookups per campaign (or none), day and country: how many people checked, never who.
CREATE TABLE lookup_count (
  campaign_id  text NOT NULL DEFAULT '',                    -- '' for lookups that matched no recall
  day          date NOT NULL,
  country      text NOT NULL DEFAULT '',
  lookups      bigint NOT NULL DEFAULT 0,
  affected     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, day, country)
);

-- What managers tell the public about a recall's progress, in each language they write.
CREATE TABLE progress_update (
  id           text PRIMARY KEY,                            -- pgu_…
  campaign_id  text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  text         jsonb NOT NULL,                              -- { en, es?, zh-CN? }
  published_at timestamptz NOT NULL DEFAULT now(),
  author       text NOT NULL
);
CREATE INDEX progress_update_campaign ON progress_update (campaign_id, published_at DESC);
