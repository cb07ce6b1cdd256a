create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 80),
  slug text not null unique check (slug ~ '^[a-z0-9-]{3,40}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index teams_created_by_idx on public.teams (created_by) where created_by is not null;

create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.team_role not null default 'member',
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

create index team_members_user_id_idx on public.team_members (user_id);

create trigger teams_set_updated_at before update on public.teams
  for each row execute function public.set_updated_at();

-- Membership checks used by the policies below. SECURITY DEFINER so that the policy on
-- team_members does not recurse into itself; search_path is pinned for the same reason.
create or replace function public.is_team_member(p_team_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.team_members m
                 where m.team_id = p_team_id and m.user_id = (select auth.uid()));
$$;

create or replace function public.is_team_admin(p_team_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.team_members m
                 where m.team_id = p_team_id and m.user_id = (select auth.uid())
                   and m.role in ('owner', 'admin'));
$$;

-- The creator of a team becomes its owner.
create or replace function public.add_team_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into public.team_members (team_id, user_id, role)
    values (new.id, new.created_by, 'owner');
  end if;
  return new;
end;
$$;

create trigger teams_add_owner
  after insert on public.teams
  for each row execute function public.add_team_owner();

alter table public.teams enable row level security;
alter table public.team_members enable row level security;

-- The creator check lets `insert ... returning` see the new team before teams_add_owner runs.
create policy "Members can view their teams" on public.teams
  for select to authenticated
  using (public.is_team_member(id) or created_by = (select auth.uid()));

create policy "Signed-in users can create teams" on public.teams
  for insert to authenticated
  with check ((select auth.uid()) = created_by);

create policy "Admins can update their teams" on public.teams
  for update to authenticated
  using (public.is_team_admin(id))
  with check (public.is_team_admin(id));

create policy "Members can view team members" on public.team_members
  for select to authenticated
  using (public.is_team_member(team_id));

create policy "Admins can add team members" on public.team_members
  for insert to authenticated
  with check (public.is_team_admin(team_id));

create policy "Admins can change member roles" on public.team_members
  for update to authenticated
  using (public.is_team_admin(team_id))
  with check (public.is_team_admin(team_id));

create policy "Admins can remove members and members can leave" on public.team_members
  for delete to authenticated
  using (public.is_team_admin(team_id) or user_id = (select auth.uid()));
