-- Billing: plans are public, subscriptions and invoices are written by the stripe-webhook
-- edge function with the service role and only read by the app.
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  name text not null,
  price_monthly double precision not null,
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  max_members integer check (max_members > 0),
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

alter table public.plans enable row level security;

create policy "Active plans are public" on public.plans
  for select to anon, authenticated
  using (is_active);

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null unique references public.teams (id) on delete restrict,
  plan_id uuid not null references public.plans (id),
  status public.subscription_status not null default 'trialing',
  stripe_subscription_id text unique,
  current_period_end timestamptz,
  cancel_at_period_end boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index subscriptions_plan_id_idx on public.subscriptions (plan_id);

create trigger subscriptions_set_updated_at before update on public.subscriptions
  for each row execute function public.set_updated_at();

alter table public.subscriptions enable row level security;

create policy "Team members can view their subscription" on public.subscriptions
  for select to authenticated
  using (public.is_team_member(team_id));

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete restrict,
  subscription_id uuid references public.subscriptions (id) on delete set null,
  -- the team member who receives the invoice e-mails
  user_id uuid not null references auth.users (id) on delete cascade,
  number text not null,
  status public.invoice_status not null default 'draft',
  amount_due_cents bigint not null check (amount_due_cents >= 0),
  amount_paid_cents bigint not null default 0 check (amount_paid_cents >= 0),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  stripe_invoice_id text unique,
  issued_at timestamptz,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  unique (team_id, number)
);

create index invoices_subscription_id_idx on public.invoices (subscription_id)
  where subscription_id is not null;
create index invoices_user_id_idx on public.invoices (user_id);

alter table public.invoices enable row level security;

create policy "Team admins can view invoices" on public.invoices
  for select to authenticated
  using (public.is_team_admin(team_id));
