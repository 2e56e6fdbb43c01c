-- Sign-in attempts slowed per account and per client, shared by every process: after a few
-- wrong passwords each further attempt waits a growing delay (no hard lockout anyone could
-- cause), counted alike for known and unknown e-mail addresses. staff_user.failed_logins and
-- locked_until are no longer written; they stay for processes of the previous release.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  blocked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
