"""The workspace schema: one set of tables for SQLite and PostgreSQL/PostGIS.

Written with SQLAlchemy Core so both stores share it; what only one store has (SQLite's R*Tree
table, PostGIS's geometry column and GiST index) is added by the migrations of that store.

Vocabulary (the names scripts and the app use):

- organisation kinds: ``bureau`` (规划资源局), ``owner`` (建设单位), ``operator`` (运营商),
  ``tower`` (铁塔公司);
- roles: ``planner``, ``owner``, ``operator``, ``viewer``;
- stages, in order: ``planning`` (规划方案), ``design`` (施工图), ``construction`` (施工),
  ``acceptance`` (竣工验收);
- opportunity states: ``identified``, ``proposed``, ``accepted``, ``declined``, ``built``,
  ``expired``.

Every record others may edit carries ``version`` (optimistic concurrency: an update names the
version it read and fails if it moved).
"""

from __future__ import annotations

import sqlalchemy as sa

ORG_KINDS = ("bureau", "owner", "operator", "tower")
ROLES = ("planner", "owner", "operator", "viewer")
STAGES = ("planning", "design", "construction", "acceptance")
OPPORTUNITY_STATES = ("identified", "proposed", "accepted", "declined", "built", "expired")
DECISIONS = ("signed_off", "returned")
RECORD_KINDS = (
    "organisation",
    "user",
    "project",
    "submission",
    "work",
    "opportunity",
    "site",
)


def _in(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{column}_known")


def _now() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


metadata = sa.MetaData()

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    _now(),
    _in("kind", ORG_KINDS),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    # argon2 hash; NULL for users who sign in only through OIDC
    sa.Column("password_hash", sa.String(200)),
    sa.Column("oidc_subject", sa.String(300), unique=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_failed_at", sa.DateTime(timezone=True)),
    _now(),
    _in("role", ROLES),
)

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # the plan's own project id (PD-B03), as in the site-plan format
    sa.Column("project_id", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("category", sa.String(100), nullable=False, server_default=""),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("stage", sa.String(20), nullable=False, server_default="planning"),
    # open (nothing submitted at this stage), submitted, returned, signed_off (last stage done)
    sa.Column("status", sa.String(20), nullable=False, server_default="open"),
    # centroid in WGS84 for the map
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    _now(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    _in("stage", STAGES),
    sa.CheckConstraint(
        "status IN ('open', 'submitted', 'returned', 'signed_off')", name="ck_status_known"
    ),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_pk", sa.Integer, sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("plan_name", sa.String(300), nullable=False),
    sa.Column("plan_sha256", sa.String(64), nullable=False),
    # the project's features as GeoJSON (WGS84) and its findings as CSV text
    sa.Column("plan_geojson", sa.Text, nullable=False),
    sa.Column("findings_csv", sa.Text, nullable=False),
    sa.Column("catalogue_id", sa.String(100), nullable=False),
    sa.Column("catalogue_version", sa.String(50), nullable=False),
    sa.Column("catalogue_sha256", sa.String(64), nullable=False),
    sa.Column("n_pass", sa.Integer, nullable=False),
    sa.Column("n_fail", sa.Integer, nullable=False),
    sa.Column("n_warn", sa.Integer, nullable=False),
    sa.Column("n_not_applicable", sa.Integer, nullable=False),
    # fail if any *shall* rule fails, else pass (the check's verdict for the project)
    sa.Column("verdict", sa.String(20), nullable=False),
    _now(),
    sa.UniqueConstraint("project_pk", "stage", "seq", name="uq_submission_seq"),
    _in("stage", STAGES),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, unique=True
    ),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("comments", sa.Text, nullable=False, server_default=""),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    _in("decision", DECISIONS),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_kind", sa.String(20), nullable=False),
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _now(),
    sa.Index("ix_comments_record", "record_kind", "record_id"),
)

works = sa.Table(
    "works",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # the work's own id, as in the co-build works format
    sa.Column("work_id", sa.String(100), nullable=False, unique=True),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("utility", sa.String(100), nullable=False, server_default=""),
    sa.Column("road_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("width_m", sa.Float),
    # geometry twice: in the workspace's metric CRS (matching) and WGS84 (the map), as WKB
    sa.Column("geom_wkb", sa.LargeBinary, nullable=False),
    sa.Column("geom_wgs84_wkb", sa.LargeBinary, nullable=False),
    sa.Column("minx", sa.Float, nullable=False),
    sa.Column("miny", sa.Float, nullable=False),
    sa.Column("maxx", sa.Float, nullable=False),
    sa.Column("maxy", sa.Float, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    _now(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # a pair of works, stored with work_a < work_b (works.id)
    sa.Column("work_a", sa.Integer, sa.ForeignKey("works.id"), nullable=False),
    sa.Column("work_b", sa.Integer, sa.ForeignKey("works.id"), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("state", sa.String(20), nullable=False, server_default="identified"),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("window_start", sa.Date),
    sa.Column("window_end", sa.Date),
    sa.Column("distance_m", sa.Float),
    sa.Column("shared_m", sa.Float),
    # identified saving: illustrative costs from the catalogue; realised: given when built
    sa.Column("saving_cny", sa.Float),
    sa.Column("realised_saving_cny", sa.Float),
    sa.Column("explanation", sa.Text, nullable=False, server_default=""),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    _now(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("work_a", "work_b", name="uq_opportunity_pair"),
    sa.CheckConstraint("work_a < work_b", name="ck_pair_ordered"),
    _in("state", OPPORTUNITY_STATES),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("opportunity_id", sa.Integer, sa.ForeignKey("opportunities.id"), nullable=False),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("answer", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.UniqueConstraint("opportunity_id", "org_id", name="uq_answer_party"),
    sa.CheckConstraint("answer IN ('accept', 'decline')", name="ck_answer_known"),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # the application's user, not a database role; NULL before sign-in (a failed sign-in)
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("session", sa.String(100), nullable=False, server_default=""),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("record_kind", sa.String(20), nullable=False, server_default=""),
    sa.Column("record_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.CheckConstraint("outcome IN ('ok', 'refused', 'failed')", name="ck_outcome_known"),
    sa.Index("ix_audit_record", "record_kind", "record_id"),
)

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # base-station or tower sites registered by operators and the tower company
    sa.Column("site_id", sa.String(100), nullable=False, unique=True),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False, server_default=""),
    # open to all operators (共享): the assessment counts the share of new sites that are
    sa.Column("open_to_all", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("project_pk", sa.Integer, sa.ForeignKey("projects.id")),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    _now(),
)

meta = sa.Table(
    "workspace_meta",
    metadata,
    # key/value facts of this workspace: metric_crs (EPSG code), created_at, ...
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
