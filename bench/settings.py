"""The benchmark's settings: the base settings (DEBUG off, the production middleware, templates and database
options) with the production's cache, in the database, shared by every process, as several app servers share it
(config/settings/production.py). The rest of production's settings (HTTPS only, secure cookies) would make the
benchmark's plain-HTTP loopback requests redirect. `bench.run`, `bench.load` and `bench.documents` create the
cache's table when it is missing (`manage.py createcachetable`)."""

from config.settings.base import *  # noqa: F403
from config.settings.production import CACHES  # noqa: F401
