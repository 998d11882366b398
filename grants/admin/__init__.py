"""Administration for site administrators, one module per topic. The same model rules hold here as everywhere
(`full_clean()` on every form), approved versions open read-only, and the decision records cannot be edited."""

from . import oversight, plans  # noqa: F401  (registers the model admins)
