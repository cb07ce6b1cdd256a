create table public.task_comments (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references public.tasks (id) on delete cascade,
  author_id uuid not null references public.profiles (id) on delete cascade,
  body text not null check (char_length(body) between 1 and 10000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Comment thread of a task, oldest first.
create index task_comments_task_created_idx on public.task_comments (task_id, created_at);

create trigger task_comments_set_updated_at before update on public.task_comments
  for each row execute function public.set_updated_at();

alter table public.task_comments enable row level security;

create policy "Team members can read comments" on public.task_comments
  for select to authenticated
  using (exists (select 1 from public.tasks t
    where t.id = task_comments.task_id and public.is_team_member(t.team_id)));

create policy "Team members can comment" on public.task_comments
  for insert to authenticated
  with check ((select auth.uid()) = author_id and exists (select 1 from public.tasks t
    where t.id = task_comments.task_id and public.is_team_member(t.team_id)));

create policy "Authors can edit their comments" on public.task_comments
  for update to authenticated
  using (auth.uid() = author_id)
  with check (auth.uid() = author_id);

create policy "Authors can delete their comments" on public.task_comments
  for delete to authenticated
  using ((select auth.uid()) = author_id);

-- Files live in the `attachments` storage bucket; this table holds their metadata.
create table public.task_attachments (
  id uuid primary key default gen_random_uuid(),
  task_id uuid references public.tasks (id) on delete cascade,
  uploaded_by uuid references auth.users (id) on delete set null,
  storage_path text not null unique,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes > 0),
  created_at timestamptz not null default now()
);

create index task_attachments_task_id_idx on public.task_attachments (task_id);
create index task_attachments_uploaded_by_idx on public.task_attachments (uploaded_by)
  where uploaded_by is not null;

alter table public.task_attachments enable row level security;

create policy "Team members can view attachments" on public.task_attachments
  for select to authenticated
  using (exists (select 1 from public.tasks t
    where t.id = task_attachments.task_id and public.is_team_member(t.team_id)));

create policy "Team members can upload attachments" on public.task_attachments
  for insert to authenticated
  with check ((select auth.uid()) = uploaded_by and exists (select 1 from public.tasks t
    where t.id = task_attachments.task_id and public.is_team_member(t.team_id)));

create policy "Uploaders can delete their attachments" on public.task_attachments
  for delete to authenticated
  using ((select auth.uid()) = uploaded_by);
