create table public.integrations (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  provider public.integration_provider not null,
  -- OAuth access token of the connected workspace, used by the webhook-dispatch function
  access_token text not null,
  settings jsonb not null default '{}'::jsonb,
  enabled boolean not null default true,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, provider)
);

create index integrations_created_by_idx on public.integrations (created_by)
  where created_by is not null;

create trigger integrations_set_updated_at before update on public.integrations
  for each row execute function public.set_updated_at();

alter table public.integrations enable row level security;

create policy "Team admins can manage integrations" on public.integrations
  for all to authenticated
  using (public.is_team_admin(team_id))
  with check (public.is_team_admin(team_id));

-- Team API keys for the public REST API. Only a SHA-256 digest is stored; the key
-- itself is returned once by create_api_key().
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 60),
  token_hash text not null unique,
  created_by uuid references auth.users (id) on delete set null,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);

create index api_keys_team_id_idx on public.api_keys (team_id);
create index api_keys_created_by_idx on public.api_keys (created_by) where created_by is not null;

alter table public.api_keys enable row level security;

create policy "Team admins can manage API keys" on public.api_keys
  for all to authenticated
  using (public.is_team_admin(team_id))
  with check (public.is_team_admin(team_id));

create or replace function public.create_api_key(p_team_id uuid, p_name text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_key text := 'tb_' || encode(extensions.gen_random_bytes(24), 'hex');
begin
  if not public.is_team_admin(p_team_id) then
    raise exception 'only team admins can create API keys' using errcode = '42501';
  end if;
  insert into public.api_keys (team_id, name, token_hash, created_by)
  values (p_team_id, p_name, encode(extensions.digest(v_key, 'sha256'), 'hex'), (select auth.uid()));
  return v_key;
end;
$$;

-- Delivery log written by the webhook-dispatch edge function (service role).
create table public.webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  integration_id uuid not null references public.integrations (id) on delete cascade,
  event text not null,
  payload jsonb not null,
  response_status integer,
  attempt integer not null default 1 check (attempt > 0),
  delivered_at timestamptz,
  created_at timestamptz not null default now()
);

create index webhook_deliveries_integration_created_idx
  on public.webhook_deliveries (integration_id, created_at desc);
