"""Root of the test suite: chooses the PostgreSQL database before Django's settings are read.

DATABASE_URL, when set, is used as it is (CI points it at the server on 127.0.0.1:5432). Otherwise a throwaway
cluster is started from the local PostgreSQL binaries and removed at the end of the run.
"""

import os

import pytest

_cluster = None


def pytest_configure(config):
    global _cluster
    if not os.environ.get("DATABASE_URL"):
        from tests.throwaway_postgres import ThrowawayCluster

        _cluster = ThrowawayCluster()
        os.environ["DATABASE_URL"] = _cluster.start()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()  # pytest-django finishes its own set-up after this hook (it runs last)


def pytest_unconfigure(config):
    if _cluster is not None:
        _cluster.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, made droppable at the end of the run.

    Browser tests leave an idle connection behind (a live-server request thread or Playwright's event loop,
    whose context holds its own connection), and PostgreSQL refuses to drop a database in use; on a shared
    server that would leave `test_postgres` behind. So other sessions on the test database are ended first.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _no_real_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` gives a session that has passed two-factor sign-in, as a real sign-in of a
    person with an authenticator app would, so tests of pages need not sign in through the code form.

    A test that wants a session with the password only asks for it: `client.force_login(user, second_factor=False)`
    (then the user is sent to set two-factor sign-in up, or signed out if they have a second factor).
    """
    from django.test import Client

    from partnerships.accounts.policy import mark_session_data

    original = Client.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        session = self.session
        mark_session_data(session, user, second_factor=second_factor)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def empty_cache():
    """The cache emptied before and after the test, for tests of what pages keep in it (grants/fragments.py)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pages_made_afresh(settings):
    """Every page made on every request, never handed out kept (grants/kept_pages.py): for tests that count or
    compare what making a page costs."""
    settings.KEPT_PAGES = False


@pytest.fixture
def demo(db, settings):
    """The seed documents' data and demo users, loaded through the same code as `manage.py load_demo`."""
    from grants.demo import demo_load

    return demo_load(password=settings.DEMO_PASSWORD)


@pytest.fixture
def plymouth_plan(demo):
    from grants.models import SpendingPlan

    return SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)


@pytest.fixture
def southglos_plan(demo):
    from grants.models import SpendingPlan

    return SpendingPlan.objects.get(award__partnership__slug="safer-and-stronger-south-gloucestershire", version=1)


@pytest.fixture
def demo_user(demo):
    """`demo_user("officer.plymouth")`: a demo user by username."""
    from partnerships.models import User

    return lambda username: User.objects.get(username=username)
