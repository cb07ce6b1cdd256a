-- Indexes suggested by the index advisor for the dashboard queries (issue #412).
create index tasks_project_id_idx on public.tasks (project_id);

create index task_comments_task_id_created_at_idx on public.task_comments (task_id, created_at);

-- Overdue widget: open tasks of a team by due date.
create index tasks_team_due_idx on public.tasks (team_id, due_at)
  where status not in ('done', 'archived');
