-- Direct notices (issue 27), sending and measuring. A wave is one mailing of a campaign's audience
-- (or a reminder to those of an earlier wave who did nothing); a delivery is one person in one wave,
-- written when the wave reaches them. A wave's audience is fixed when it starts (who could be written
-- to then, counted into `audience`) and walked in key order at NOTICE_RATE_PER_MINUTE from `cursor`,
-- so starting a wave of a million people writes one row (docs/decisions/0021). A manager pauses and
-- resumes it; `run` numbers its current run of jobs: a job of an older run stops, so a wave never
-- sends at twice its rate.

-- How the person was (or will be) told: e-mail is sent by Recallkit; mail, phone and other are
-- notices sent elsewhere (letters, marketplace messages), imported to be counted.
ALTER TABLE notice_recipient ADD COLUMN channel text NOT NULL DEFAULT 'email'
  CHECK (channel IN ('email', 'mail', 'phone', 'other'));

CREATE TABLE notice_wave (
  id           text PRIMARY KEY,                            -- ntw_…
  campaign_id  text NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  number       integer NOT NULL,                            -- 1, 2, … within the campaign
  kind         text NOT NULL CHECK (kind IN ('notice', 'reminder')),
  source       text,                                        -- only people of this source (null: all)
  follow_up_of text REFERENCES notice_wave (id) ON DELETE CASCADE,
  after_days   integer,                                     -- reminders: days after the first notice
  state        text NOT NULL CHECK (state IN ('scheduled', 'running', 'paused', 'done')),
  run          integer NOT NULL DEFAULT 0,
  starts_at    timestamptz NOT NULL,
  audience     integer NOT NULL DEFAULT 0,
  audience_by_source jsonb NOT NULL DEFAULT '{}',
  cursor       text NOT NULL DEFAULT '',                    -- the last reached: email_key (notice), earlier delivery id (reminder)
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  UNIQUE (campaign_id, number)
);

CREATE TABLE notice_delivery (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- signed into the personal link
  wave_id      text NOT NULL REFERENCES notice_wave (id) ON DELETE CASCADE,
  recipient_id text NOT NULL REFERENCES notice_recipient (id) ON DELETE CASCADE,
  state        text NOT NULL CHECK (state IN ('queued', 'sent', 'held', 'skipped', 'bounced')),
  message_id   text,                                        -- its outbox_message
  created_at   timestamptz NOT NULL DEFAULT now(),
  queued_at    timestamptz,
  sent_at      timestamptz,
  bounced_at   timestamptz,
  opened_at    timestamptz,
  looked_up_at timestamptz,
  UNIQUE (wave_id, recipient_id)
);
CREATE INDEX notice_delivery_recipient ON notice_delivery (recipient_id);
CREATE INDEX notice_delivery_message ON notice_delivery (message_id) WHERE message_id IS NOT NULL;

-- Extra headers of one e-mail (a notice's List-Unsubscribe and List-Unsubscribe-Post, RFC 8058).
ALTER TABLE outbox_message ADD COLUMN headers jsonb;
