-- When the owner confirmed the unit was taken to a drop-off point (or returned). A campaign may
-- hold the remedy until then (disposal.confirmBeforeRemedy).
ALTER TABLE claim ADD COLUMN disposal_confirmed_at timestamptz;
