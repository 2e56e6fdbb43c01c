-- The dashboards' figures per campaign and day, computed by the `reporting.rollup` job from the
-- claims' timelines, decisions and remedies, so a chart over months reads a few hundred rows
-- however many million claims there are (docs/decisions/0020).
CREATE TABLE daily_count (
  campaign_id   text NOT NULL,
  day           date NOT NULL,
  metric        text NOT NULL,           -- status | remedy | decided | info_reason | decision_hours | remedy_hours
  key           text NOT NULL DEFAULT '',  -- the status, remedy kind, machine/person, reason or hours bucket
  model_code    text NOT NULL DEFAULT '',
  country       text NOT NULL DEFAULT '',
  currency      text NOT NULL DEFAULT '',
  n             bigint NOT NULL,
  amount_minor  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, metric, day, key, model_code, country, currency)
);

-- How far each rollup has counted: the next run recounts from that day on.
CREATE TABLE rollup_state (
  name              text PRIMARY KEY,
  computed_through  timestamptz NOT NULL
);

-- The rollup reads events, decisions and remedies by time.
CREATE INDEX claim_event_at ON claim_event (at) WHERE to_status IS NOT NULL;
CREATE INDEX decision_at ON decision (at);
