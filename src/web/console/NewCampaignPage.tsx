import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { parse } from 'yaml';
import { type CampaignForm, definitionFromForm, emptyCampaignForm, slugFrom } from './campaign-form.ts';
import { consoleFetch } from './console-api.ts';

/**
 * A new campaign, as a draft: from a form (models, countries and remedies, serial rules, claim
 * window, the photos asked for), or from a campaign file (YAML), the export/import format.
 */
export function NewCampaignPage() {
  const navigate = useNavigate();
  const [form, setForm] = useState<CampaignForm>(() => emptyCampaignForm());
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (definition: unknown) =>
      consoleFetch<{ slug: string }>('/campaigns', { method: 'POST', body: { definition } }),
    onSuccess: (created) => navigate(`/console/campaigns/${created.slug}`),
  });
  const set =
    <K extends keyof CampaignForm>(key: K) =>
    (value: CampaignForm[K]) =>
      setForm((current) => ({ ...current, [key]: value }));
  const text = (key: keyof CampaignForm, label: string, props: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        value={String(form[key])}
        onChange={(event) => set(key)(event.target.value as never)}
        {...props}
      />
    </label>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(definitionFromForm(form));
  };
  const importFile = async (file: File) => {
    setFileProblem(null);
    try {
      create.mutate(parse(await file.text()));
    } catch (error) {
      setFileProblem(`${file.name} is not YAML: ${(error as Error).message}`);
    }
  };

  return (
    <section className="new-campaign">
      <h1>New campaign</h1>
      <p className="hint">
        It is created as a draft: nothing is public until you upload its eligibility list and publish it.
        Texts are in English here; add other languages in its YAML afterwards.
      </p>
      <label className="import">
        Or import a campaign file (YAML)
        <input
          type="file"
          accept=".yaml,.yml,.json"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void importFile(file);
          }}
        />
      </label>
      {fileProblem && (
        <p role="alert" className="console-error">
          {fileProblem}
        </p>
      )}
      <form className="campaign-form" onSubmit={submit}>
        <Group title="The recall">
          <label>
            Title
            <input
              required
              value={form.title}
              onChange={(event) =>
                setForm((current) => ({
                  ...current,
                  title: event.target.value,
                  slug:
                    current.slug === slugFrom(current.title) ? slugFrom(event.target.value) : current.slug,
                }))
              }
            />
          </label>
          {text('slug', 'Address name (slug)', { pattern: '[a-z0-9]+(-[a-z0-9]+)*', required: true })}
          {text('hazard', 'Hazard', { required: true })}
          {text('summary', 'Summary (optional)')}
          {text('announcedOn', 'Announced on', { type: 'date', required: true })}
          {text('regulator', 'Regulator', { required: true })}
          {text('regulatorUrl', 'Regulator’s notice (URL, optional)', { type: 'url' })}
          {text('units', 'Units affected', { type: 'number', min: 0 })}
        </Group>
        <Group title="Brand and support">
          {text('brandName', 'Brand name')}
          {text('brandColour', 'Brand colour', { type: 'color' })}
          {text('storeName', 'Store where gift cards are spent')}
          {text('supportEmail', 'Support e-mail', { type: 'email' })}
          {text('supportPhone', 'Support phone')}
        </Group>
        <Group title="Models">
          {form.models.map((model, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity before they are saved
            <div className="row" key={index}>
              <label>
                Model code
                <input
                  required
                  value={model.code}
                  onChange={(event) =>
                    set('models')(
                      form.models.map((m, i) => (i === index ? { ...m, code: event.target.value } : m)),
                    )
                  }
                />
              </label>
              <label>
                Name
                <input
                  value={model.name}
                  onChange={(event) =>
                    set('models')(
                      form.models.map((m, i) => (i === index ? { ...m, name: event.target.value } : m)),
                    )
                  }
                />
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={model.recalledAsWhole}
                  onChange={(event) =>
                    set('models')(
                      form.models.map((m, i) =>
                        i === index ? { ...m, recalledAsWhole: event.target.checked } : m,
                      ),
                    )
                  }
                />{' '}
                Every unit of this model (no serial list)
              </label>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => set('models')([...form.models, { code: '', name: '', recalledAsWhole: false }])}
          >
            Add a model
          </button>
        </Group>
        <Group title="Serial numbers">
          {text('serialLength', 'Letters and digits in a serial', { type: 'number', min: 4, max: 40 })}
          <label className="check">
            <input
              type="checkbox"
              checked={form.serialsSkipOAndI}
              onChange={(event) => set('serialsSkipOAndI')(event.target.checked)}
            />{' '}
            Serials never contain O or I (owners’ O and I are read as 0 and 1)
          </label>
          {text('serialExample', 'A made-up example serial')}
          {text('whereToFind', 'Where owners find it on the unit')}
        </Group>
        <Group title="Claim window">
          {text('opensOn', 'Claims open on', { type: 'date', required: true })}
          {text('closesOn', 'Claims close on (optional)', { type: 'date' })}
        </Group>
        <Group title="Countries and remedies">
          {form.jurisdictions.map((j, index) => {
            const update = (patch: Partial<typeof j>) =>
              set('jurisdictions')(form.jurisdictions.map((x, i) => (i === index ? { ...x, ...patch } : x)));
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity before they are saved
              <fieldset className="row" key={index}>
                <legend>Country {index + 1}</legend>
                <label>
                  Country (two letters, or * for everywhere else)
                  <input
                    required
                    pattern="[A-Za-z]{2}|\*"
                    value={j.country}
                    onChange={(e) => update({ country: e.target.value })}
                  />
                </label>
                <label>
                  Replacement product (SKU; empty: none)
                  <input
                    value={j.replacementSku}
                    onChange={(e) => update({ replacementSku: e.target.value })}
                  />
                </label>
                <label>
                  Gift card amount (empty: none)
                  <input
                    type="number"
                    min={0}
                    step="any"
                    value={j.giftCardAmount}
                    onChange={(e) => update({ giftCardAmount: e.target.value })}
                  />
                </label>
                <label>
                  Currency
                  <input
                    required
                    pattern="[A-Za-z]{3}"
                    value={j.currency}
                    onChange={(e) => update({ currency: e.target.value })}
                  />
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={j.refund}
                    onChange={(e) => update({ refund: e.target.checked })}
                  />{' '}
                  Full refund
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={j.returnRequired}
                    onChange={(e) => update({ returnRequired: e.target.checked })}
                  />{' '}
                  Units are sent back (otherwise dropped off as hazardous waste)
                </label>
                <label>
                  Drop-off finder (URL, optional)
                  <input
                    type="url"
                    value={j.dropOffFinderUrl}
                    onChange={(e) => update({ dropOffFinderUrl: e.target.value })}
                  />
                </label>
              </fieldset>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              set('jurisdictions')([
                ...form.jurisdictions,
                {
                  country: '',
                  replacementSku: '',
                  giftCardAmount: '',
                  refund: true,
                  currency: '',
                  returnRequired: false,
                  dropOffFinderUrl: '',
                },
              ])
            }
          >
            Add a country
          </button>
        </Group>
        <Group title="What owners do">
          <label>
            Steps, one per line
            <textarea
              rows={4}
              value={form.instructions}
              onChange={(event) => set('instructions')(event.target.value)}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.markedPhoto}
              onChange={(event) => set('markedPhoto')(event.target.checked)}
            />{' '}
            Ask for a photo of the unit marked with name, date, RECALLED and the claim code
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.receiptPhoto}
              onChange={(event) => set('receiptPhoto')(event.target.checked)}
            />{' '}
            Offer a receipt photo (optional for owners)
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.autoApprove}
              onChange={(event) => set('autoApprove')(event.target.checked)}
            />{' '}
            Approve automatically when every check passes
          </label>
        </Group>
        {create.error && (
          <p role="alert" className="console-error">
            {create.error.message}
          </p>
        )}
        <button type="submit" disabled={create.isPending}>
          Create the draft
        </button>
      </form>
    </section>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="group">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}
