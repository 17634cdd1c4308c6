"""Audit-log and snapshot exports (SPEC §3, `[key] version`): every valid version is accepted and
kept, the record is the highest version (ties to the later line), a later batch still wins."""

import datetime as dt
import shutil

from pipelines import ingest
from pipelines.build import build
from pipelines.cli import print_result
from pipelines.mapping import load_mapping
from pipelines.settings import ROOT, load_settings
from tests.helpers import query
from tests.pipelines.test_ingest import landed, rejects, write

SETTINGS = load_settings()
AS_OF = dt.datetime(2026, 11, 1)
PROFILE = 'source = "tickets"\n[constants]\nticket_type = "repair"\ncustomer_id = "C1"\n[key]\nversion = "rev"\n'
HEADER = "ticket_id,rev,status,reported_at,closed_at,solution\n"


def _profile(tmp_path, text=PROFILE):
    return load_mapping(write(tmp_path / "audit.toml", text))


def test_six_versions_the_highest_wins_a_tie_goes_to_the_later_line_a_bad_version_alone_is_rejected(tmp_path):
    f = write(
        tmp_path / "audit.csv",
        HEADER
        + "A,1,open,2026-10-01 08:00,,opened\n"  # row 1
        + "A,2,open,2026-10-01 08:00,,assigned\n"  # row 2
        + "B,1,open,2026-10-02 08:00,,opened\n"  # row 3
        + "A,10,closed,2026-10-01 08:00,2026-10-03 09:00,fixed\n"  # row 4: 10 > 9 as numbers
        + "A,3,open,2026-10-01 08:00,yesterday,waiting\n"  # row 5: a bad middle version
        + "A,9,resolved,2026-10-01 08:00,,tested\n"  # row 6
        + "B,2,open,2026-10-02 08:00,,first of a tie\n"  # row 7
        + "B,2,resolved,2026-10-02 08:00,,second of a tie\n"  # row 8
        + "A,4,open,2026-10-01 08:00,,parts ordered\n"  # row 9
        + "A,,open,2026-10-01 08:00,,no version\n"  # row 10
        + "A,v7,open,2026-10-01 08:00,,not a number\n",  # row 11
    )
    result = ingest.run([f], SETTINGS, tmp_path / "data", mapping=_profile(tmp_path))
    r = result.files[0]
    assert (r.rows_read, r.rows_accepted, r.records, r.rows_rejected) == (11, 8, 2, 3)
    assert [(g[0], g[1], g[2], g[3], g[4]) for g in rejects(tmp_path / "data")] == [
        (
            5,
            "A",
            "closed_at",
            "yesterday",
            "not a timestamp; expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601",
        ),
        (10, "A", "rev", None, "required value missing"),
        (11, "A", "rev", "v7", "version not a number"),
    ]
    # every valid version is kept in the batch, with its row number and version
    assert landed(tmp_path / "data", "tickets", "ticket_id, _row_number, _version_number, _file_seq") == [
        ("A", 1, 1.0, 1),
        ("A", 2, 2.0, 1),
        ("A", 4, 10.0, 1),
        ("A", 6, 9.0, 1),
        ("A", 9, 4.0, 1),
        ("B", 3, 1.0, 1),
        ("B", 7, 2.0, 1),
        ("B", 8, 2.0, 1),
    ]
    build(tmp_path / "data", SETTINGS, AS_OF)
    assert query(tmp_path / "data", "select ticket_id, status, solution from tickets order by 1") == [
        ("A", "closed", "fixed"),
        ("B", "resolved", "second of a tie"),
    ]


def test_versions_as_timestamps_by_the_profile_format_and_across_files_of_one_load(tmp_path):
    header = HEADER.replace("rev", "updated")
    profile = _profile(tmp_path, PROFILE.replace('"rev"', '"updated"') + '[formats]\n"*" = "%d-%m-%Y %H:%M"\n')
    a = write(
        tmp_path / "a.csv",
        header
        + "A,05-10-2026 09:00,open,01-10-2026 08:00,,a1\n"
        + "A,10-09-2026 09:00,open,01-10-2026 08:00,,older: September\n"
        + "B,05-10-2026 09:00,open,01-10-2026 08:00,,b1 in a.csv\n",
    )
    b = write(tmp_path / "b.csv", header + "B,05-10-2026 09:00,resolved,01-10-2026 08:00,,b1 in b.csv\n")
    result = ingest.run([a, b], SETTINGS, tmp_path / "data", mapping=profile)
    assert [(r.rows_accepted, r.records, r.rows_rejected) for r in result.files] == [(3, 2, 0), (1, 1, 0)]
    assert landed(tmp_path / "data", "tickets", "ticket_id, _version_at, _version_number", "ticket_id = 'A'") == [
        ("A", dt.datetime(2026, 9, 10, 9), None),
        ("A", dt.datetime(2026, 10, 5, 9), None),
    ]
    build(tmp_path / "data", SETTINGS, AS_OF)
    assert query(tmp_path / "data", "select ticket_id, solution from tickets order by 1") == [
        ("A", "a1"),
        ("B", "b1 in b.csv"),  # the tie goes to the later file of the load
    ]


def test_a_later_batch_overrides_the_highest_version_of_an_earlier_one(tmp_path):
    profile = _profile(tmp_path)
    first = write(
        tmp_path / "week1.csv",
        HEADER + "A,1,open,2026-10-01 08:00,,a1\nA,5,closed,2026-10-01 08:00,2026-10-02 08:00,a5\n"
        "B,1,open,2026-10-01 08:00,,b1\n",
    )
    second = write(tmp_path / "week2.csv", HEADER + "A,2,open,2026-10-01 08:00,,a2 reopened\n")
    ingest.run([first], SETTINGS, tmp_path / "data", mapping=profile)
    ingest.run([second], SETTINGS, tmp_path / "data", mapping=profile)
    build(tmp_path / "data", SETTINGS, AS_OF)
    assert query(tmp_path / "data", "select ticket_id, status, solution from tickets order by 1") == [
        ("A", "open", "a2 reopened"),
        ("B", "open", "b1"),
    ]


def test_the_shipped_incident_audit_log_profile_loads_its_sample(tmp_path, capsys):
    mapping = load_mapping(ROOT / "config" / "mappings" / "incident_audit_log.toml")
    sample = tmp_path / "incident_audit_log.csv"
    shutil.copyfile(ROOT / "tests" / "fixtures" / "audit" / "incident_audit_log.csv", sample)
    result = ingest.run([sample], SETTINGS, tmp_path / "data", mapping=mapping)
    print_result(result, "load")
    assert capsys.readouterr().out.splitlines()[0] == (
        "incident_audit_log.csv [tickets, utf-8]: read 13, accepted 12 (3 records, 9 earlier versions), "
        "rejected 1 (1× not a timestamp (expected %d-%m-%Y %H:%M:%S), e.g. row 8 closed_at 'yesterday')"
    )
    build(tmp_path / "data", SETTINGS, AS_OF)
    assert query(
        tmp_path / "data",
        "select ticket_id, status, channel, technician, resolved_at, closed_at, solution from tickets order by 1",
    ) == [
        (
            "INC0010001",
            "closed",
            "phone",
            "Wang Wei",
            dt.datetime(2026, 10, 6, 15),
            dt.datetime(2026, 10, 8, 9),
            "bearing replaced",
        ),
        ("INC0010002", "resolved", "email", "Li Na", dt.datetime(2026, 10, 5, 12), None, "sensor reseated"),
        ("INC0010003", "open", "web", "Zhao Lei", None, None, "customer away"),
    ]
    # the record count in the warehouse is the number of distinct keys accepted
    assert query(tmp_path / "data", "select count(*) from tickets") == [(3,)]
    assert landed(tmp_path / "data", "tickets", "count(distinct ticket_id), count(*)") == [(3, 12)]


def test_a_file_without_the_version_column_is_refused_naming_it(tmp_path):
    f = write(tmp_path / "audit.csv", "ticket_id,status,reported_at\nA,open,2026-10-01 08:00\n")
    r = ingest.run([f], SETTINGS, tmp_path / "data", mapping=_profile(tmp_path)).files[0]
    assert r.status == "refused"
    assert r.message == (
        "mapping orders versions by column 'rev', which the file lacks; headers found: ticket_id, status, reported_at"
    )
