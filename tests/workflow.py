"""Helpers for moving plans along the approval path in tests, through the real service."""

from grants.services.workflow import plan_decide

# The Plymouth path with the demo users, as in the "Done when".
PLYMOUTH_PATH = [
    ("submit", "officer.plymouth"),
    ("agree", "exec.plymouth"),
    ("approve", "board.plymouth"),
    ("scrutinise", "opcc.devon"),
    ("recommend", "opcc.devon"),
    ("sign_off_pcc", "pcc.devon"),
    ("sign_off_treasurer", "treasurer.devon"),
]

# South Gloucestershire's partnership has no executive group: its plans go straight to the board.
SOUTHGLOS_PATH = [
    ("submit", "officer.southglos"),
    ("approve", "board.southglos"),
    ("recommend", "opcc.avon"),
    ("sign_off_treasurer", "treasurer.avon"),
    ("sign_off_pcc", "pcc.avon"),
]


def drive(plan, demo_user, steps=PLYMOUTH_PATH, *, until=None):
    """Fires `steps` (action, username) in order, stopping before action `until`. Returns the decisions."""
    decisions = []
    for action, username in steps:
        if action == until:
            break
        comments = "Please change this." if action in ("return", "decline") else ""
        decisions.append(plan_decide(plan=plan, by=demo_user(username), action=action, comments=comments))
    plan.refresh_from_db()
    return decisions
