create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  slug text not null,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, slug),
  -- target of the composite foreign key on tasks: a task can never point at another team's project
  unique (team_id, id)
);

create trigger projects_set_updated_at before update on public.projects
  for each row execute function public.set_updated_at();

alter table public.projects enable row level security;

create policy "Team members can view projects" on public.projects
  for select to authenticated
  using (public.is_team_member(team_id));

create policy "Team admins can manage projects" on public.projects
  for all to authenticated
  using (public.is_team_admin(team_id))
  with check (public.is_team_admin(team_id));

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null,
  project_id uuid not null,
  title text not null check (char_length(title) between 1 and 200),
  description text,
  status public.task_status not null default 'todo',
  priority public.task_priority not null default 'medium',
  assignee_id uuid references auth.users (id) on delete set null,
  due_at timestamp,
  completed_at timestamptz,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (team_id, project_id) references public.projects (team_id, id) on delete cascade
);

-- Board query: tasks of a project by status. Also covers the (team_id, project_id) foreign key.
create index tasks_project_team_status_idx on public.tasks (project_id, team_id, status);
create index tasks_assignee_id_idx on public.tasks (assignee_id) where assignee_id is not null;
create index tasks_title_trgm_idx on public.tasks using gin (title extensions.gin_trgm_ops);

create trigger tasks_set_updated_at before update on public.tasks
  for each row execute function public.set_updated_at();

alter table public.tasks enable row level security;

create policy "Team members can view tasks" on public.tasks
  for select to authenticated
  using (public.is_team_member(team_id));

create policy "Team members can create tasks" on public.tasks
  for insert to authenticated
  with check (public.is_team_member(team_id));

create policy "Team members can update tasks" on public.tasks
  for update to authenticated
  using (public.is_team_member(team_id))
  with check (public.is_team_member(team_id));

create policy "Team admins can delete tasks" on public.tasks
  for delete to authenticated
  using (public.is_team_admin(team_id));

create table public.labels (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 40),
  color text not null default '#6b7280' check (color ~ '^#[0-9a-f]{6}$'),
  created_at timestamptz not null default now(),
  unique (team_id, name)
);

create table public.task_labels (
  task_id uuid not null references public.tasks (id) on delete cascade,
  label_id uuid not null references public.labels (id) on delete cascade,
  primary key (task_id, label_id)
);

create index task_labels_label_id_idx on public.task_labels (label_id);

alter table public.labels enable row level security;
alter table public.task_labels enable row level security;

create policy "Team members can manage labels" on public.labels
  for all to authenticated
  using (public.is_team_member(team_id))
  with check (public.is_team_member(team_id));

create policy "Team members can label tasks" on public.task_labels
  for all to authenticated
  using (exists (select 1 from public.tasks t
    where t.id = task_labels.task_id and public.is_team_member(t.team_id)));
