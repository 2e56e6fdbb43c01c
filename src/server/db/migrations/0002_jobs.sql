-- The durable job queue: work that must happen after a request is a row here, written in the
-- same transaction as the change that causes it. See src/server/jobs/queue.ts.
CREATE TABLE job (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue         text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'active', 'done', 'dead')),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  run_at        timestamptz NOT NULL DEFAULT now(),
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  -- At most one unfinished job per (queue, singleton_key): "expire this draft" is enqueued once.
  singleton_key text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX job_ready ON job (run_at) WHERE state = 'queued';
CREATE INDEX job_leased ON job (locked_until) WHERE state = 'active';
CREATE INDEX job_dead ON job (queue, finished_at) WHERE state = 'dead';
CREATE UNIQUE INDEX job_singleton ON job (queue, singleton_key)
  WHERE singleton_key IS NOT NULL AND state IN ('queued', 'active');
