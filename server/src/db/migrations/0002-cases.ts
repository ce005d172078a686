import { sql, type Kysely } from 'kysely'

/**
 * Case data and the supporting records the procedures work on: the service catalogue and SLAs
 * (6.1), the CMDB with change history and baselines (9.1), suppliers and contracts (7.2) and the
 * operational cases (incidents and requests 8.1, problems and known errors 8.2, changes 9.2,
 * releases 9.3, improvements 4.5.5, complaints 7.1, audit findings 4.5.4), with links between
 * records, links to process instances, comments and attachments.
 *
 * Typed columns hold what is queried (status, priority, group, assignee, service, CI, dates);
 * form-shaped fields live in `data` (jsonb) and are validated with ajv on every write.
 */
const statements = [
  // Human references (INC-000123): one counter per prefix, bumped inside the creating transaction.
  `create table ref_counters (prefix text primary key, last_value bigint not null)`,

  // 6.1 service catalogue
  `create table services (
    id text primary key,
    name text not null unique,
    description text not null default '',
    status text not null default 'live',
    owner_group text references groups(id),
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create table service_dependencies (
    service_id text not null references services(id) on delete cascade,
    depends_on_id text not null references services(id),
    dependency_type text not null default 'uses',
    primary key (service_id, depends_on_id)
  )`,
  `create index service_dependencies_on_idx on service_dependencies (depends_on_id)`,
  `create table catalogue_items (
    id text primary key,
    service_id text not null references services(id) on delete cascade,
    name text not null,
    description text not null default '',
    requires_approval boolean not null default false,
    fulfilment_group text references groups(id)
  )`,
  `create index catalogue_items_service_idx on catalogue_items (service_id)`,

  // 6.1 SLAs: targets per priority in data.targets, validated by ajv
  `create table slas (
    id text primary key,
    service_id text not null references services(id),
    name text not null,
    status text not null default 'agreed',
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create index slas_service_idx on slas (service_id)`,

  // 9.1 configuration items
  `create table cis (
    id text primary key,
    name text not null,
    ci_type text not null,
    description text not null default '',
    status text not null default 'active',
    ci_version text not null default '',
    location text not null default '',
    owner_group text references groups(id),
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create index cis_type_idx on cis (ci_type)`,
  `create index cis_status_idx on cis (status)`,
  `create index cis_owner_idx on cis (owner_group)`,
  // CI↔CI and CI↔service relations (9.1 b, c)
  `create table ci_relations (
    id serial primary key,
    ci_id text not null references cis(id) on delete cascade,
    target_kind text not null check (target_kind in ('ci', 'service')),
    target_id text not null,
    relation_type text not null,
    created_by text not null,
    created_at timestamptz not null default now(),
    unique (ci_id, target_kind, target_id, relation_type)
  )`,
  `create index ci_relations_target_idx on ci_relations (target_kind, target_id)`,
  // 9.1: changes to CIs traceable and auditable
  `create table ci_history (
    id serial primary key,
    ci_id text not null references cis(id),
    at timestamptz not null default now(),
    actor text not null,
    action text not null,
    before jsonb,
    after jsonb
  )`,
  `create index ci_history_ci_idx on ci_history (ci_id, id)`,
  `create table baselines (
    id text primary key,
    name text not null,
    description text not null default '',
    release_id text,
    created_by text not null,
    created_at timestamptz not null default now()
  )`,
  `create table baseline_items (
    baseline_id text not null references baselines(id),
    ci_id text not null references cis(id),
    snapshot jsonb not null,
    primary key (baseline_id, ci_id)
  )`,

  // 7.2 suppliers and contracts
  `create table suppliers (
    id text primary key,
    name text not null unique,
    status text not null default 'active',
    relationship_owner text not null,
    review_interval_days integer not null default 90,
    next_review_at timestamptz,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create table contracts (
    id text primary key,
    supplier_id text not null references suppliers(id),
    title text not null,
    status text not null default 'active',
    starts_on text,
    ends_on text,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create index contracts_supplier_idx on contracts (supplier_id)`,

  // Operational cases of every kind share one table; `kind` tells them apart.
  `create table cases (
    id text primary key,
    kind text not null,
    status text not null,
    priority smallint check (priority between 1 and 4),
    title text not null,
    service_id text references services(id),
    ci_id text references cis(id),
    supplier_id text references suppliers(id),
    assigned_group text,
    assignee text,
    requester text,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    closed_at timestamptz,
    version integer not null default 1,
    data jsonb not null default '{}'
  )`,
  `create index cases_kind_status_idx on cases (kind, status)`,
  `create index cases_kind_created_idx on cases (kind, created_at)`,
  `create index cases_kind_priority_idx on cases (kind, priority)`,
  `create index cases_service_idx on cases (service_id, created_at)`,
  `create index cases_ci_idx on cases (ci_id, created_at)`,
  `create index cases_supplier_idx on cases (supplier_id)`,
  `create index cases_group_idx on cases (assigned_group)`,
  `create index cases_assignee_idx on cases (assignee)`,
  `create index cases_requester_idx on cases (requester)`,

  // Links between any two records (incident → problem → known error → RFC → release; CI ↔ RFC…)
  `create table case_links (
    id serial primary key,
    from_kind text not null,
    from_id text not null,
    to_kind text not null,
    to_id text not null,
    link_type text not null,
    created_by text not null,
    created_at timestamptz not null default now(),
    unique (from_kind, from_id, to_kind, to_id, link_type)
  )`,
  `create index case_links_from_idx on case_links (from_kind, from_id)`,
  `create index case_links_to_idx on case_links (to_kind, to_id)`,
  // The process instances that handle a record
  `create table case_processes (
    process_instance_key text primary key,
    case_kind text not null,
    case_id text not null,
    bpmn_process_id text not null,
    process_definition_key text not null,
    process_version integer not null,
    started_by text not null,
    started_at timestamptz not null default now()
  )`,
  `create index case_processes_case_idx on case_processes (case_kind, case_id)`,
  `create table case_comments (
    id serial primary key,
    case_kind text not null,
    case_id text not null,
    author text not null,
    body text not null,
    created_at timestamptz not null default now()
  )`,
  `create index case_comments_case_idx on case_comments (case_kind, case_id, id)`,
  `create table case_attachments (
    id serial primary key,
    case_kind text not null,
    case_id text not null,
    name text not null,
    content_type text not null,
    size integer not null,
    sha256 text not null,
    content bytea not null,
    uploaded_by text not null,
    created_at timestamptz not null default now()
  )`,
  `create index case_attachments_case_idx on case_attachments (case_kind, case_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
