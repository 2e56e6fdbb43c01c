-- Direct notices (issue 27): the people a campaign writes to, from store orders, registrations
-- and marketplace lists. One row per person per campaign (their address normalised); re-importing a
-- list changes nothing. Personal data: visible to managers and admins only.
CREATE TABLE notice_recipient (
  id               text PRIMARY KEY,                       -- ntr_…
  campaign_id      text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  email            text NOT NULL,
  email_key        text NOT NULL,
  name             text NOT NULL,
  language         text NOT NULL DEFAULT '',               -- '' : the campaign's default
  country          text NOT NULL,
  serial           text COLLATE "C",
  model_code       text,
  order_id         text,
  source           text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  unsubscribed_at  timestamptz,
  undeliverable_at timestamptz,
  UNIQUE (campaign_id, email_key)
);

CREATE TABLE notice_import (
  id             text PRIMARY KEY,                          -- nim_…
  campaign_id    text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  file_name      text NOT NULL,
  actor          text NOT NULL,
  rows_total     integer NOT NULL,
  rows_added     integer NOT NULL,
  rows_merged    integer NOT NULL,
  rows_rejected  integer NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
