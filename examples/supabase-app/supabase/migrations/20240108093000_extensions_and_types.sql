-- Teamboard: team task tracker with billing.
-- Extensions go into the `extensions` schema, as on every Supabase project.
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_trgm with schema extensions;

-- Case-insensitive usernames.
create extension if not exists citext;

-- Outgoing webhooks are sent by the webhook-dispatch edge function; pg_net is kept for
-- ad-hoc retries from the SQL editor. Nothing in the schema depends on it.
create extension if not exists pg_net with schema extensions;

create type public.team_role as enum ('owner', 'admin', 'member');
create type public.task_status as enum ('todo', 'in_progress', 'in_review', 'done', 'archived');
create type public.task_priority as enum ('low', 'medium', 'high', 'urgent');
create type public.subscription_status as enum ('trialing', 'active', 'past_due', 'canceled');
create type public.invoice_status as enum ('draft', 'open', 'paid', 'void', 'uncollectible');
create type public.integration_provider as enum ('slack', 'github', 'linear');
