-- Staff accounts, their sessions, the audit trail, and what review needs on a claim: who has it
-- open, a risk score, statuses for escalation and second review, and decisions awaiting a
-- supervisor's confirmation.

CREATE TABLE staff_user (
  id                   text PRIMARY KEY,        -- stf_…
  email                text NOT NULL,
  name                 text NOT NULL,
  role                 text NOT NULL CHECK (role IN ('admin', 'manager', 'supervisor', 'reviewer', 'fulfilment', 'analyst')),
  password_hash        text NOT NULL,           -- argon2id, PHC string
  must_change_password boolean NOT NULL DEFAULT false,
  failed_logins        integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  created_by           text,                    -- staff id, cli:<user> or system
  password_changed_at  timestamptz NOT NULL DEFAULT now(),
  deactivated_at       timestamptz,
  deactivated_by       text
);
CREATE UNIQUE INDEX staff_user_email ON staff_user (lower(email));

-- A session is a random token in an HttpOnly cookie; only its hash is stored.
CREATE TABLE staff_session (
  token_sha256  text PRIMARY KEY,
  staff_id      text NOT NULL REFERENCES staff_user (id),
  csrf_token    text NOT NULL,                  -- sent back as X-CSRF-Token on every change
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,           -- absolute limit; idleness ends it sooner
  revoked_at    timestamptz,
  ip            text,
  user_agent    text
);
CREATE INDEX staff_session_staff ON staff_session (staff_id) WHERE revoked_at IS NULL;

-- Every staff action and every view of a claimant's photos or personal data. Append-only: the
-- database refuses to change or delete a row.
CREATE TABLE audit_event (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_id     text,                            -- staff id; null for a failed login
  actor_email  text,
  actor_role   text,
  action       text NOT NULL,                   -- session.login, claim.view, claim.decide, …
  target_type  text,                            -- claim, evidence, staff, campaign, import
  target_id    text,
  detail       jsonb NOT NULL DEFAULT '{}',
  ip           text,
  user_agent   text
);
CREATE INDEX audit_event_at ON audit_event (at DESC, id DESC);
CREATE INDEX audit_event_actor ON audit_event (actor_id, at DESC);
CREATE INDEX audit_event_target ON audit_event (target_type, target_id, at DESC);
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END
$$;
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

ALTER TABLE claim DROP CONSTRAINT claim_status_check;
ALTER TABLE claim ADD CONSTRAINT claim_status_check CHECK (status IN ('draft', 'submitted', 'verifying',
  'needs_review', 'needs_info', 'escalated', 'second_review', 'approved', 'rejected', 'fulfilling', 'fulfilled',
  'withdrawn'));
ALTER TABLE claim
  ADD COLUMN risk_score   integer,              -- 0-100 from the checks and fraud signals
  ADD COLUMN review_by    text REFERENCES staff_user (id),  -- who has the claim open
  ADD COLUMN review_until timestamptz;          -- until when (a lease: a closed tab lets go)
CREATE INDEX claim_queue ON claim (status, updated_at) WHERE status IN ('needs_review', 'escalated', 'second_review');

ALTER TABLE decision
  ADD COLUMN reason_code  text,                 -- from the campaign's list (reject) or the photo problems (request_info)
  ADD COLUMN state        text NOT NULL DEFAULT 'final' CHECK (state IN ('final', 'pending', 'confirmed', 'overturned')),
  ADD COLUMN confirmed_by text,                 -- the supervisor who confirmed or overturned a pending decision
  ADD COLUMN confirmed_at timestamptz;
CREATE INDEX decision_pending ON decision (claim_id) WHERE state = 'pending';

-- The first rejected rows of an import (CSV with line numbers and reasons), kept with the import
-- so the console can show them to whoever uploaded the list.
ALTER TABLE serial_import ADD COLUMN rejected_sample text;
