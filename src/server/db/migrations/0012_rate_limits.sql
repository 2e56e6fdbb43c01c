-- Request rate limits counted in the database, so that N processes allow what one would and a
-- restart forgets nothing (src/server/http/rate-limit-store.ts). One row per route and client.
CREATE TABLE rate_limit (
  key text PRIMARY KEY,
  count integer NOT NULL,
  window_ends timestamptz NOT NULL
);
