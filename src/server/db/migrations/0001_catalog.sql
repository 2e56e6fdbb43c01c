-- The recall catalog: campaigns, their models, the eligibility lists and their imports.

CREATE TABLE campaign (
  id            text PRIMARY KEY,               -- cmp_…
  slug          text NOT NULL UNIQUE,
  status        text NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
  announced_on  date NOT NULL,
  -- The whole validated definition (texts per language, jurisdictions, remedies, evidence,
  -- serial rules). Columns above are the parts queries filter on.
  definition    jsonb NOT NULL,
  definition_sha256 text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_model (
  campaign_id        text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  code               text NOT NULL,
  name               text NOT NULL,
  recalled_as_whole  boolean NOT NULL DEFAULT false,
  units              jsonb NOT NULL DEFAULT '{}',   -- units distributed per jurisdiction
  PRIMARY KEY (campaign_id, code)
);

CREATE TABLE serial_import (
  id              text PRIMARY KEY,               -- imp_…
  campaign_id     text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  file_name       text NOT NULL,
  file_sha256     text NOT NULL,
  actor           text NOT NULL,
  rows_total      integer NOT NULL,
  rows_added      integer NOT NULL,
  rows_unchanged  integer NOT NULL,
  rows_rejected   integer NOT NULL,
  rejects_file    text,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX serial_import_campaign ON serial_import (campaign_id, finished_at DESC);

-- One row per affected unit. Serials are stored normalised with the campaign's serial rules,
-- so equality is the whole match. Rows are only added by imports, never rewritten.
-- Keys compare bytewise (COLLATE "C"): serials are ASCII codes, and locale-aware comparison in
-- every B-tree step made a million-row import twice as slow.
CREATE TABLE affected_unit (
  campaign_id  text COLLATE "C" NOT NULL,
  serial       text COLLATE "C" NOT NULL,
  model_code   text NOT NULL,
  market       text,
  lot          text,
  import_id    text NOT NULL,
  PRIMARY KEY (campaign_id, serial)
);

-- Bumped in the same transaction as any change to campaigns or lists; every process polls it
-- and rebuilds its in-memory lookup index when it moves.
CREATE TABLE catalog_revision (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision   bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog_revision (revision) VALUES (1);
