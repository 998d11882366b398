"""Backups proven: a populated PostgreSQL database is dumped with pg_dump, restored into an empty database, and
every table's rows, every plan's figures, every decision and every award are identical."""

import pytest
from django.core.management import call_command

from config.operations import backup
from tests.factories import DecisionFactory, DecisionNoticeFactory, InterestDeclarationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed rows


@pytest.fixture
def populated(settings):
    from grants.demo import demo_load

    demo_load(password=settings.DEMO_PASSWORD)
    notice = DecisionNoticeFactory()
    DecisionFactory(plan=notice.plan, comments="Approved with thanks — £1,234.50 ‘quoted’ \\ and a\nnew line")
    InterestDeclarationFactory()
    return notice


def test_a_dump_restores_to_an_identical_database(populated):
    report = backup.backup_check()
    assert report.identical, report.differences
    assert report.tables > 40 and report.rows > 100
    figures = backup.named_figures("default")
    plymouth = next(v for k, v in figures["plans"].items() if "Safer Plymouth" in k)
    assert str(plymouth["allocated"]) == "377568.00" and str(plymouth["unallocated"]) == "23000.00"
    assert figures["decisions"] and figures["decision notices"]


def test_the_check_notices_a_restored_copy_that_differs(populated, tmp_path):
    """The comparison has teeth: one changed penny in the restored copy is reported, by table and by figure."""
    from django.db import connections

    dump = backup.database_dump(path=tmp_path / "db.dump")
    name = connections["default"].settings_dict["NAME"] + "_restore_check"
    backup.database_restore(path=dump, database=name)
    try:
        with backup.reading(name), connections["default"].cursor() as cursor:
            cursor.execute(
                "UPDATE grants_fundedproject SET amount_allocated = amount_allocated + 0.01 "
                "WHERE id = (SELECT min(id) FROM grants_fundedproject)"
            )
        report = backup.compare(name)
    finally:
        backup.database_drop(name)
    assert not report.identical
    assert any("grants_fundedproject" in d for d in report.differences)
    assert any(d.startswith("plans ") for d in report.differences)


def test_the_command_says_the_backup_works(populated, capsys):
    call_command("backup_check")
    assert "identical: the backup works" in capsys.readouterr().out
