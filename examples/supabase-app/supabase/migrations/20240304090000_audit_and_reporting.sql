-- Audit trail: kept when a team or user is deleted (foreign keys set null, never cascade).
create table public.audit_logs (
  id uuid primary key default gen_random_uuid(),
  team_id uuid references public.teams (id) on delete set null,
  actor_id uuid references auth.users (id) on delete set null,
  action text not null,
  entity_type text not null,
  entity_id uuid,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create index audit_logs_team_created_idx on public.audit_logs (team_id, created_at desc);
create index audit_logs_actor_id_idx on public.audit_logs (actor_id) where actor_id is not null;
-- The nightly retention job deletes by age.
create index audit_logs_created_at_idx on public.audit_logs (created_at);

alter table public.audit_logs enable row level security;

create policy "Team admins can read the audit log" on public.audit_logs
  for select to authenticated
  using (public.is_team_admin(team_id));

-- Per-project counters for the team dashboard.
create view public.team_task_overview as
select
  p.team_id, p.id as project_id, p.name as project_name,
  count(t.id) filter (where t.status not in ('done', 'archived')) as open_tasks,
  count(t.id) filter (where t.status not in ('done', 'archived') and t.due_at < now()) as overdue_tasks,
  max(t.updated_at) as last_activity_at
from public.projects p
left join public.tasks t on t.project_id = p.id
group by p.team_id, p.id, p.name;

-- "My work" page.
create view public.my_open_tasks
with (security_invoker = true)
as
select t.id, t.team_id, t.project_id, t.title, t.status, t.priority, t.due_at
from public.tasks t
where t.assignee_id = (select auth.uid())
  and t.status not in ('done', 'archived');

-- Usage numbers for the billing page, refreshed hourly.
create materialized view public.team_monthly_usage as
select
  t.team_id, date_trunc('month', t.created_at) as month,
  count(*) as tasks_created,
  count(*) filter (where t.status = 'done') as tasks_done
from public.tasks t
group by t.team_id, date_trunc('month', t.created_at);

create unique index team_monthly_usage_team_month_idx on public.team_monthly_usage (team_id, month);

-- Internal metrics for the admin dashboard (service role only; `private` is not exposed).
create schema if not exists private;

create materialized view private.daily_signups as
select date_trunc('day', p.created_at) as day, count(*) as signups
from public.profiles p
group by date_trunc('day', p.created_at);

-- Called from the project menu: "Archive completed tasks".
create or replace function public.archive_completed_tasks(p_project_id uuid)
returns integer
language plpgsql
security definer
as $$
declare
  archived integer;
begin
  if not is_team_admin((select team_id from projects where id = p_project_id)) then
    raise exception 'only team admins can archive tasks';
  end if;
  update tasks
     set status = 'archived'
   where project_id = p_project_id
     and status = 'done';
  get diagnostics archived = row_count;
  return archived;
end;
$$;

-- Quick search box; runs with the caller's rights, so RLS applies.
create or replace function public.search_tasks(p_team_id uuid, p_query text)
returns setof public.tasks
language sql
stable
set search_path = ''
as $$
  select t.*
  from public.tasks t
  where t.team_id = p_team_id
    and t.title ilike '%' || p_query || '%'
  order by extensions.similarity(t.title, p_query) desc
  limit 50;
$$;
