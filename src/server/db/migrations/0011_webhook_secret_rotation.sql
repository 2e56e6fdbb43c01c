-- Rotating an endpoint's secret keeps the previous one signing beside the new one for a day,
-- so the receiver can switch without dropping a delivery (Standard Webhooks: several signatures).
ALTER TABLE webhook_endpoint ADD COLUMN previous_secret text;
ALTER TABLE webhook_endpoint ADD COLUMN previous_secret_until timestamptz;
